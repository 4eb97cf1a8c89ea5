import { describe, expect, it } from "vitest";
import { scoreMaccrobat } from "../scripts/maccrobat-f1.mjs";
import { compileSentenceSplitter, detectSentences } from "../src/index.js";

// MACCROBAT 2020 has one sentence per line; joined with spaces, the lines must come back. The remaining errors
// are mostly the corpus's own (lines cut after "H." in "H. cinaedi", sentences without a final period).
describe("MACCROBAT 2020 sentence boundaries", () => {
  const score = scoreMaccrobat((text) => detectSentences(text));

  it("recovers the gold boundaries with F1 above 99.5%", () => {
    expect(score.gold).toBe(4341);
    expect(score.f1).toBeGreaterThan(0.995);
    expect(score.precision).toBeGreaterThan(0.995);
    expect(score.recall).toBeGreaterThan(0.995);
  });

  it("needs its abbreviation rules to get there", () => {
    const plain = scoreMaccrobat(compileSentenceSplitter({ useAbbreviations: false }));
    expect(plain.precision).toBeLessThan(score.precision);
  });
});
