import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectSentences, SentenceDetector, type SentenceOptions, type SentenceSpan } from "../src/index.js";
import { documentOf, modelCardNote, runDetector } from "./helpers.js";

/** Pieces that trigger every rule, glued at random into text that looks clinical but is not. */
const FRAGMENTS = [
  "Dr.", "Mr.", "MR.", "e.g.", "b.i.d.", "p.m.", "approx.", "etc.", "No.", "A.", "C.", "3.5", "98.6", "1.", "2.", "12)",
  "(1)", "a)", "- ", "* ", "• ", "HISTORY OF PRESENT ILLNESS", "PLAN:", ":", "word", "Word", "pain", "The", "with",
  " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\u2028", "\u00a0", "\ufeff", ".", "..", "...", "…", "?", "!", "?!",
  '"', "'", "“", "”", "(", ")", "[", "]", ".[3]", "😀", "👩‍⚕️", "é", "Ёлка", "x", ",",
];

const clinicalText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join(""));
const anyText = fc.oneof(
  clinicalText,
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: fc.constantFrom("a", "A", ".", " ", "\n", "\r", "?", "1", "(", ")", "-", ":"), maxLength: 200 }),
);

const options: fc.Arbitrary<Partial<SentenceOptions>> = fc.record(
  {
    useAbbreviations: fc.boolean(),
    detectLists: fc.boolean(),
    customBounds: fc.constantFrom([], ["\\n"], ["\\|", ";"], ["(?=The)"], [" "], ["."], ["\\n\\n"]),
    useCustomBoundsOnly: fc.boolean(),
    customBoundsStrategy: fc.constantFrom("none" as const, "prepend" as const, "append" as const),
    splitLength: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
    minLength: fc.integer({ min: 0, max: 5 }),
    maxLength: fc.integer({ min: 5, max: 500 }),
  },
  { requiredKeys: [] },
);

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The promises every result keeps, whatever the options. Checked in plain code, then asserted once. */
function expectWellFormed(text: string, spans: readonly SentenceSpan[], o: Partial<SentenceOptions> = {}): void {
  const problems: string[] = [];
  let previousEnd = -1;
  for (const { begin, end } of spans) {
    const sentence = text.slice(begin, end + 1);
    const length = end - begin + 1;
    const at = () => `span ${begin}..${end} ${JSON.stringify(sentence.slice(0, 40))}`;
    if (!Number.isInteger(begin) || !Number.isInteger(end)) problems.push(`${at()}: non-integer offsets`);
    if (begin <= previousEnd) problems.push(`${at()}: overlaps or precedes the previous span (end ${previousEnd})`);
    if (end < begin || end >= text.length) problems.push(`${at()}: out of range for a text of ${text.length}`);
    if (sentence.trim() !== sentence) problems.push(`${at()}: not trimmed`);
    // Never between the halves of a surrogate pair.
    if (isHigh(text.charCodeAt(begin - 1)) && isLow(text.charCodeAt(begin))) problems.push(`${at()}: begins inside a surrogate pair`);
    if (isHigh(text.charCodeAt(end)) && isLow(text.charCodeAt(end + 1))) problems.push(`${at()}: ends inside a surrogate pair`);
    if (length < Math.max(1, o.minLength ?? 0) || length > (o.maxLength ?? 99999)) problems.push(`${at()}: length ${length} outside the limits`);
    if (o.splitLength != null && length > o.splitLength && /\s/.test(sentence)) problems.push(`${at()}: longer than splitLength ${o.splitLength}`);
    previousEnd = end;
  }
  expect(problems).toEqual([]);
}

/** With options that drop nothing, every non-space character is in exactly one sentence. */
function expectCoverage(text: string, spans: readonly SentenceSpan[]): void {
  let covered = 0;
  for (const s of spans) covered += text.slice(s.begin, s.end + 1).replace(/\s/g, "").length;
  expect(covered).toBe(text.replace(/\s/g, "").length);
}

describe("properties", () => {
  it("default options: well-formed spans that cover all the text", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const spans = detectSentences(text);
        expectWellFormed(text, spans);
        expectCoverage(text, spans);
      }),
      { numRuns: 3000 },
    );
  });

  it("any options: well-formed spans within the length limits", () => {
    fc.assert(
      fc.property(anyText, options, (text, o) => {
        expectWellFormed(text, detectSentences(text, o), o);
      }),
      { numRuns: 3000 },
    );
  });

  it("bounds kept with a sentence (prepend/append) lose no text", () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom("prepend" as const, "append" as const), fc.boolean(), (text, customBoundsStrategy, useCustomBoundsOnly) => {
        const spans = detectSentences(text, { customBounds: ["\\n", "\\|"], customBoundsStrategy, useCustomBoundsOnly });
        expectWellFormed(text, spans);
        expectCoverage(text, spans);
      }),
      { numRuns: 1000 },
    );
  });

  it("sentence annotations slice the original text, wherever the document starts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 40 }), clinicalText, async (prefix, body) => {
        const text = prefix + body;
        if (body.length === 0) return;
        const [row] = await runDetector(new SentenceDetector(), [[documentOf(body, prefix.length)]]);
        row!.forEach((a, i) => {
          expect(text.slice(a.begin, a.end + 1)).toBe(a.result);
          expect(a.metadata.sentence).toBe(String(i));
          expect(a.annotatorType).toBe("document");
        });
      }),
      { numRuns: 500 },
    );
  });

  it("very long texts: 100k characters of every kind", () => {
    const note = modelCardNote();
    const sample = fc.sample(clinicalText, { numRuns: 2000, seed: 42 }).join(" ");
    const long = (s: string) => s.repeat(Math.ceil(100_000 / s.length)).slice(0, 100_000);
    const texts = [
      long(sample),
      long(note),
      long("a"),
      long("."),
      long(" "),
      long("\r\n"),
      long("1. "),
      long("Dr. "),
      long("("),
      long("A. "),
      long("? "),
      long("😀"),
      fc.sample(fc.string({ unit: "binary", minLength: 100_000, maxLength: 100_000 }), { numRuns: 1, seed: 7 })[0]!,
    ];
    for (const text of texts) {
      expect(text.length).toBeGreaterThanOrEqual(99_999);
      expectWellFormed(text, detectSentences(text));
      // The default maxLength (99999, Spark's) drops a sentence as long as the whole text; lift it to see coverage.
      const unlimited = { maxLength: Number.MAX_SAFE_INTEGER };
      const spans = detectSentences(text, unlimited);
      expectWellFormed(text, spans, unlimited);
      expectCoverage(text, spans);
      expectWellFormed(text, detectSentences(text, { splitLength: 100, customBounds: ["\\n"], customBoundsStrategy: "append" }), { splitLength: 100 });
    }
  });
});
