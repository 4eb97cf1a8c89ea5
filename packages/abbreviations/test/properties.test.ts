import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AbbreviationPropagator } from "../src/index.js";
import { row } from "./helpers.js";

const WORDS = ["acute", "kidney", "injury", "AKI", "CT", "scan", "(", ")", ").", "and", "HF", "heart", "failure", "was", "."];
const TAGS = ["O", "B-PROBLEM", "I-PROBLEM", "B-TEST", "I-TEST"];

const document = fc
  .array(fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...TAGS)), { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 4 })
  .map((sentences) => ({ sentences: sentences.map((s) => s.map(([w]) => w)), tags: sentences.map((s) => s.map(([, t]) => t)) }));

describe("AbbreviationPropagator properties", () => {
  it("keeps every tag's offsets, changes only O to B- of a short form or I- to B-, and is idempotent", () => {
    fc.assert(
      fc.property(document, ({ sentences, tags }) => {
        const { inputs } = row(sentences, tags);
        const stage = new AbbreviationPropagator();
        const out = stage.annotate(inputs);
        expect(out.map((a) => [a.begin, a.end])).toEqual(inputs[2]!.map((a) => [a.begin, a.end]));
        out.forEach((a, k) => {
          const before = inputs[2]![k]!.result;
          if (a.result === before) return;
          if (before === "O") expect(a.result).toMatch(/^B-/);
          else expect([before.slice(0, 2), a.result.slice(2)]).toEqual(["I-", before.slice(2)]);
        });
        expect(stage.annotate([inputs[0]!, inputs[1]!, out])).toEqual(out);
      }),
      { numRuns: 300 },
    );
  });
});
