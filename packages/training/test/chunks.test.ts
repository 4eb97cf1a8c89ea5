import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bioToChunks, evaluateChunks, type Chunk } from "../src/index.js";

describe("bioToChunks", () => {
  it("reads B-/I- runs with end-exclusive token indices", () => {
    //            0          1          2    3         4         5
    const tags = ["B-PROBLEM", "I-PROBLEM", "O", "B-TEST", "B-TEST", "I-TEST"];
    expect(bioToChunks(tags)).toEqual([
      { label: "PROBLEM", start: 0, end: 2 },
      { label: "TEST", start: 3, end: 4 },
      { label: "TEST", start: 4, end: 6 },
    ]);
  });

  it("opens a chunk at a stray I- and at a label change, conlleval style", () => {
    expect(bioToChunks(["O", "I-TEST", "I-TEST", "I-PROBLEM", "O", "I-TEST"])).toEqual([
      { label: "TEST", start: 1, end: 3 },
      { label: "PROBLEM", start: 3, end: 4 },
      { label: "TEST", start: 5, end: 6 },
    ]);
  });

  it("tags the chunks with the sequence given", () => {
    expect(bioToChunks(["B-TREATMENT"], "s7")).toEqual([{ label: "TREATMENT", start: 0, end: 1, sequence: "s7" }]);
  });

  it("round-trips well-formed BIO2 (fast-check)", () => {
    const chunkRuns = fc.array(fc.oneof(fc.constant(null), fc.tuple(fc.constantFrom("PROBLEM", "TEST"), fc.integer({ min: 1, max: 4 }))), { maxLength: 20 });
    fc.assert(
      fc.property(chunkRuns, (runs) => {
        const tags: string[] = [];
        const expected: Chunk[] = [];
        for (const run of runs) {
          if (run === null) tags.push("O");
          else {
            expected.push({ label: run[0], start: tags.length, end: tags.length + run[1] });
            for (let i = 0; i < run[1]; i++) tags.push(`${i === 0 ? "B" : "I"}-${run[0]}`);
          }
        }
        expect(bioToChunks(tags)).toEqual(expected);
      }),
    );
  });
});

describe("evaluateChunks", () => {
  // Gold: PROBLEM [0,3) [5,7) [10,12), TEST [20,22).
  const gold: Chunk[] = [
    { label: "PROBLEM", start: 0, end: 3 },
    { label: "PROBLEM", start: 5, end: 7 },
    { label: "PROBLEM", start: 10, end: 12 },
    { label: "TEST", start: 20, end: 22 },
  ];
  // Predicted: one exact PROBLEM, one PROBLEM overlapping [5,7) and [10,12) at once, a TEST where the gold is
  // PROBLEM, one exact TEST, and a TREATMENT that is not scored.
  const predicted: Chunk[] = [
    { label: "PROBLEM", start: 0, end: 3 },
    { label: "PROBLEM", start: 6, end: 11 },
    { label: "TEST", start: 0, end: 3 },
    { label: "TEST", start: 20, end: 22 },
    { label: "TREATMENT", start: 30, end: 31 },
  ];
  const scores = evaluateChunks(gold, predicted, ["PROBLEM", "TEST"]);

  it("strict: exact span and label", () => {
    // PROBLEM: 1 of 2 predicted right, 1 of 3 gold found.
    expect(scores.strict.PROBLEM).toEqual({ precision: 1 / 2, recall: 1 / 3, f1: 0.4, support: 3, predicted: 2 });
    // TEST: 1 of 2 predicted right, 1 of 1 gold found.
    expect(scores.strict.TEST).toEqual({ precision: 1 / 2, recall: 1, f1: 2 / 3, support: 1, predicted: 2 });
    // Micro: 2 right of 4 predicted, 2 of 4 gold.
    expect(scores.strict.micro).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 4, predicted: 4 });
    expect(scores.strict).not.toHaveProperty("TREATMENT");
  });

  it("relaxed: overlap and label; one long prediction can recover two gold chunks", () => {
    // PROBLEM: both predictions overlap gold (2/2); all 3 gold chunks are overlapped (3/3).
    expect(scores.relaxed.PROBLEM).toEqual({ precision: 1, recall: 1, f1: 1, support: 3, predicted: 2 });
    // TEST [0,3) overlaps only a PROBLEM: 1/2 precision, 1/1 recall.
    expect(scores.relaxed.TEST).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3, support: 1, predicted: 2 });
    expect(scores.relaxed.micro).toEqual({ precision: 3 / 4, recall: 1, f1: (2 * 0.75) / 1.75, support: 4, predicted: 4 });
  });

  it("matches only within the same sequence", () => {
    const g: Chunk[] = [{ label: "TEST", start: 0, end: 2, sequence: 1 }];
    const p: Chunk[] = [{ label: "TEST", start: 0, end: 2, sequence: 2 }];
    expect(evaluateChunks(g, p, ["TEST"]).strict.TEST!.f1).toBe(0);
    expect(evaluateChunks(g, p, ["TEST"]).relaxed.TEST!.f1).toBe(0);
    expect(evaluateChunks(g, [{ ...p[0]!, sequence: 1 }], ["TEST"]).strict.TEST!.f1).toBe(1);
    // "1" (a string id) and 1 (a number) are different sequences.
    expect(evaluateChunks(g, [{ ...p[0]!, sequence: "1" }], ["TEST"]).strict.TEST!.f1).toBe(0);
  });

  it("scores a label with no gold and no predictions as zeros", () => {
    expect(evaluateChunks([], [], ["TREATMENT"]).strict.TREATMENT).toEqual({ precision: 0, recall: 0, f1: 0, support: 0, predicted: 0 });
  });

  it("works on tags through bioToChunks, sentence by sentence", () => {
    const goldTags = [["B-PROBLEM", "I-PROBLEM", "O"], ["B-TEST", "O"]];
    const predTags = [["B-PROBLEM", "O", "O"], ["B-TEST", "O"]];
    const s = evaluateChunks(goldTags.flatMap((t, i) => bioToChunks(t, i)), predTags.flatMap((t, i) => bioToChunks(t, i)), ["PROBLEM", "TEST"]);
    expect([s.strict.micro!.f1, s.relaxed.micro!.f1]).toEqual([0.5, 1]);
  });

  it("a duplicated prediction cannot push recall above 1", () => {
    const g: Chunk[] = [{ label: "TEST", start: 0, end: 2 }];
    const twice = evaluateChunks(g, [g[0]!, g[0]!], ["TEST"]);
    expect(twice.strict.TEST).toEqual({ precision: 1, recall: 1, f1: 1, support: 1, predicted: 2 });
  });

  it("refuses the reserved label name micro", () => {
    expect(() => evaluateChunks([], [], ["micro"])).toThrow(/reserved/);
  });

  it("a perfect prediction scores 1, and scores never leave [0, 1] (fast-check)", () => {
    const chunk = fc.record({ label: fc.constantFrom("A", "B"), start: fc.integer({ min: 0, max: 30 }), len: fc.integer({ min: 1, max: 5 }) }).map(({ label, start, len }) => ({ label, start, end: start + len }));
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), fc.array(chunk, { maxLength: 12 }), (g, p) => {
        const self = evaluateChunks(g, g, ["A", "B"]);
        if (g.length > 0) expect([self.strict.micro!.f1, self.relaxed.micro!.f1]).toEqual([1, 1]);
        const s = evaluateChunks(g, p, ["A", "B"]);
        for (const mode of [s.strict, s.relaxed]) for (const v of Object.values(mode)) for (const x of [v.precision, v.recall, v.f1]) expect(x >= 0 && x <= 1).toBe(true);
        // Relaxed is never below strict.
        expect(s.relaxed.micro!.f1).toBeGreaterThanOrEqual(s.strict.micro!.f1);
      }),
    );
  });
});
