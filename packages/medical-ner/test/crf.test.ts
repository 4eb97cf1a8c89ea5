import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planBatches } from "../src/batches.js";
import { CharEncoder, CrfDecoder, inferenceWindows } from "../src/index.js";

/** Every tag path of length n over k tags. */
function* paths(n: number, k: number): Generator<number[]> {
  if (n === 0) return yield [];
  for (const rest of paths(n - 1, k)) for (let j = 0; j < k; j++) yield [...rest, j];
}

function score(p: number[], e: Float32Array, k: number, trans: number[][], start: number[], end: number[]): number {
  let s = start[p[0]!]! + e[p[0]!]! + end[p[p.length - 1]!]!;
  for (let t = 1; t < p.length; t++) s += trans[p[t - 1]!]![p[t]!]! + e[t * k + p[t]!]!;
  return s;
}

const problem = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.integer({ min: 2, max: 4 }).chain((k) =>
    fc.record({
      n: fc.constant(n),
      k: fc.constant(k),
      e: fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: n * k, maxLength: n * k }),
      trans: fc.array(fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }),
      start: fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: k, maxLength: k }),
      end: fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: k, maxLength: k }),
    }),
  ),
);

describe("CRF decoding", () => {
  it("Viterbi finds the highest-scoring path (brute force)", () => {
    fc.assert(
      fc.property(problem, ({ n, k, e, trans, start, end }) => {
        const em = Float32Array.from(e);
        const crf = new CrfDecoder(trans, start, end);
        const got = [...crf.viterbi(em, n)];
        const best = Math.max(...[...paths(n, k)].map((p) => score(p, em, k, trans, start, end)));
        expect(score(got, em, k, trans, start, end)).toBeCloseTo(best, 4);
      }),
    );
  });

  it("marginals equal brute-force path probabilities", () => {
    fc.assert(
      fc.property(problem, ({ n, k, e, trans, start, end }) => {
        const em = Float32Array.from(e);
        const all = [...paths(n, k)].map((p) => ({ p, w: Math.exp(score(p, em, k, trans, start, end)) }));
        const z = all.reduce((s, x) => s + x.w, 0);
        const m = new CrfDecoder(trans, start, end).marginals(em, n);
        for (let t = 0; t < n; t++) {
          for (let j = 0; j < k; j++) {
            const expected = all.filter((x) => x.p[t] === j).reduce((s, x) => s + x.w, 0) / z;
            expect(m[t * k + j]).toBeCloseTo(expected, 5);
          }
        }
      }),
    );
  });
});

/** The plain log-space forward–backward (no skipped terms, fresh arrays): what `marginals` must equal bit for bit. */
function referenceMarginals(e: Float32Array, n: number, k: number, trans: number[][], start: number[], end: number[]): number[] {
  const lse = (xs: number[]) => {
    const max = Math.max(...xs);
    if (max === -Infinity) return max;
    let sum = 0;
    for (const x of xs) sum += Math.exp(x - max);
    return max + Math.log(sum);
  };
  const alpha: number[][] = [start.map((s, j) => s + e[j]!)];
  for (let t = 1; t < n; t++) alpha.push(start.map((_, j) => lse(start.map((_, i) => alpha[t - 1]![i]! + trans[i]![j]!)) + e[t * k + j]!));
  const beta: number[][] = new Array(n);
  beta[n - 1] = [...end];
  for (let t = n - 2; t >= 0; t--) beta[t] = start.map((_, i) => lse(start.map((_, j) => trans[i]![j]! + e[(t + 1) * k + j]! + beta[t + 1]![j]!)));
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    const terms = start.map((_, j) => alpha[t]![j]! + beta[t]![j]!);
    const z = lse(terms);
    for (const x of terms) out.push(Math.exp(x - z));
  }
  return out;
}

/** Several sentences' emissions back to back, as a batch holds them; transitions include forbidden (-10000) moves. */
const batchOfSentences = fc.integer({ min: 2, max: 5 }).chain((k) =>
  fc.record({
    k: fc.constant(k),
    lengths: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
    e: fc.array(fc.float({ min: -20, max: 20, noNaN: true }), { minLength: 48 * k, maxLength: 48 * k }),
    trans: fc.array(fc.array(fc.oneof(fc.float({ min: -5, max: 5, noNaN: true }), fc.constant(-10000)), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }),
    start: fc.array(fc.oneof(fc.float({ min: -5, max: 5, noNaN: true }), fc.constant(-10000)), { minLength: k, maxLength: k }),
    end: fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: k, maxLength: k }),
  }),
);

describe("CRF decoding inside a batch", () => {
  it("gives a sentence at any offset of a shared array the same bits as the plain algorithm on it alone", () => {
    fc.assert(
      fc.property(batchOfSentences, ({ k, lengths, e, trans, start, end }) => {
        const all = Float32Array.from(e);
        const crf = new CrfDecoder(trans, start, end);
        // One decoder for every sentence: its scratch grows and shrinks between them, as in a batch.
        const path = new Int32Array(64);
        const scores = new Float64Array(64 * k);
        let first = 0;
        for (const n of lengths) {
          const alone = all.slice(first * k, (first + n) * k);
          const expectedPath = [...new CrfDecoder(trans, start, end).viterbi(alone, n)];
          expect([...crf.viterbi(all, n, path, first).subarray(0, n)]).toEqual(expectedPath);
          const expected = referenceMarginals(alone, n, k, trans, start, end);
          expect([...crf.marginals(all, n, scores, first).subarray(0, n * k)]).toEqual(expected);
          expect([...crf.pathMarginals(all, n, path, scores, first).subarray(0, n)]).toEqual(expectedPath.map((j, t) => expected[t * k + j]));
          first += n;
        }
      }),
    );
  });
});

describe("inference windows", () => {
  it("cover every token exactly once, each from a window that holds it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 2, max: 200 }), fc.integer({ min: 0, max: 199 }), (n, size, rawOverlap) => {
        const overlap = rawOverlap % size;
        const windows = inferenceWindows(n, size, overlap);
        let next = 0;
        for (const w of windows) {
          expect(w.keepFrom).toBe(next);
          expect(w.start).toBeLessThanOrEqual(w.keepFrom);
          expect(w.keepTo).toBeLessThanOrEqual(w.end);
          expect(w.end - w.start).toBeLessThanOrEqual(size);
          next = w.keepTo;
        }
        expect(next).toBe(n);
      }),
    );
  });

  it("matches the trainer's windows for a 300-token sentence", () => {
    // tools/train/data.py inference_windows(300, 128, 32)
    expect(inferenceWindows(300, 128, 32)).toEqual([
      { start: 0, end: 128, keepFrom: 0, keepTo: 112 },
      { start: 96, end: 224, keepFrom: 112, keepTo: 198 },
      { start: 172, end: 300, keepFrom: 198, keepTo: 300 },
    ]);
  });
});

describe("character ids", () => {
  const enc = new CharEncoder({ a: 2, b: 3, "é": 4, "🙂": 5, "\u00a0": 6 }, 6);
  const ids = (token: string) => {
    const out = new Int32Array(enc.width(token));
    enc.encodeInto(token, out, 0);
    return [...out];
  };

  it("maps code points, with 1 for unknown characters", () => {
    expect(ids("abé?")).toEqual([2, 3, 4, 1]);
    expect(ids("a🙂b")).toEqual([2, 5, 3]);
  });

  it("keeps the first and last halves of long tokens", () => {
    expect(ids("aaaxxxxbbb")).toEqual([2, 2, 2, 3, 3, 3]);
    expect(ids("🙂🙂🙂xx🙂🙂b")).toEqual([5, 5, 5, 5, 5, 3]);
  });

  it("reads whitespace inside a token as U+00A0, like the training files", () => {
    expect(ids("a b")).toEqual([2, 6, 3]);
  });
});


describe("batch planning", () => {
  const items = fc.array(fc.record({ length: fc.integer({ min: 1, max: 128 }), width: fc.integer({ min: 1, max: 20 }) }), { maxLength: 300 });

  it("puts every item in exactly one batch of at most batchSize, one width class per batch, longest first", () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 64 }), (all, batchSize) => {
        const batches = planBatches(all, batchSize, 20);
        expect(batches.flat().length).toBe(all.length);
        expect(new Set(batches.flat()).size).toBe(all.length);
        const widthClass = (w: number) => (w <= 8 ? 0 : w <= 12 ? 1 : w <= 16 ? 2 : 3);
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(batchSize);
          expect(new Set(batch.map((i) => widthClass(i.width))).size).toBe(1);
          for (let i = 1; i < batch.length; i++) expect(batch[i]!.length).toBeLessThanOrEqual(batch[i - 1]!.length);
        }
      }),
    );
  });

  it("keeps narrow sentences out of the batch of a sentence with a 20-character token", () => {
    const wide = { length: 10, width: 20 };
    const narrow = [{ length: 10, width: 5 }, { length: 9, width: 6 }];
    expect(planBatches([narrow[0]!, wide, narrow[1]!], 32, 20)).toEqual([[wide], narrow]);
  });
});
