import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
