import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PLACEHOLDER_PATTERNS, tokenize, Tokenizer, TokenizerModel, type Token } from "../src/index.js";
import { lineSentences } from "./helpers.js";

const WHOLE_PLACEHOLDER = new RegExp(`^(?:${DEFAULT_PLACEHOLDER_PATTERNS.join("|")})$`, "u");

/** Pieces that exercise every branch: whitespace kinds, context chars, placeholders, abbreviations, astral chars. */
const piece = fc.constantFrom(
  " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000", "\ufeff",
  ".", ",", ";", ":", "!", "?", "*", "-", "(", ")", '"', "'", "%", "/", "#", "$",
  "[", "]", "[**", "**]", "[** Name **]", "[**2019-01-01**]", "[NAME]", "[PATIENT NAME]",
  "a", "Z", "é", "ß", "日本", "😀", "👩‍⚕️", "\ud800", "\udc00", "0", "3.5", "10:30",
  "Mr", "Dr.", "b.i.d", "e.g.", "p.o.", "mid-LAD", "60-year-old", "pain", "(PDA)", "30%,",
);
const clinicalText = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(""));
const anyText = fc.oneof(clinicalText, fc.string({ unit: "binary", maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 200 }), fc.constant(""));

/** The first broken invariant, checked in plain JS so that huge inputs stay fast; undefined when all hold. */
function offsetProblem(text: string, tokens: readonly Token[], from: number, to: number): string | undefined {
  let previousEnd = from - 1;
  for (const [i, t] of tokens.entries()) {
    if (t.begin <= previousEnd) return `token ${i} begins at ${t.begin}, not after ${previousEnd}`;
    if (t.end < t.begin || t.end > to) return `token ${i} ends at ${t.end} (begin ${t.begin}, range end ${to})`;
    if (text.slice(t.begin, t.end + 1) !== t.result) return `token ${i} ${JSON.stringify(t.result)} is not text[${t.begin}..${t.end}]`;
    previousEnd = t.end;
  }
  return undefined;
}

function expectWellFormed(text: string, tokens: readonly Token[], from = 0, to = text.length - 1): void {
  expect(offsetProblem(text, tokens, from, to)).toBeUndefined();
}

describe("tokenizer invariants over generated text", () => {
  it("default model: ordered, non-overlapping, exact offsets; whitespace only inside placeholders", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const tokens = tokenize(text);
        expectWellFormed(text, tokens);
        for (const t of tokens) if (/\s/u.test(t.result)) expect(t.result).toMatch(WHOLE_PLACEHOLDER);
      }),
      { numRuns: 500 },
    );
  });

  it("default model: every non-whitespace character ends up in exactly one token (nothing dropped)", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const covered = new Uint8Array(text.length);
        for (const t of tokenize(text)) covered.fill(1, t.begin, t.end + 1);
        for (let i = 0; i < text.length; i++) if (!/\s/u.test(text[i]!)) expect(covered[i], `char ${i} of ${JSON.stringify(text)}`).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it("sentences: tokens stay inside their sentence and carry its index", () => {
    const model = new TokenizerModel();
    fc.assert(
      fc.property(anyText, (text) => {
        const sentences = lineSentences(text);
        const tokens = model.annotate([sentences]);
        expectWellFormed(text, tokens);
        for (const t of tokens) {
          const s = sentences[Number(t.metadata.sentence)]!;
          expect(t.begin).toBeGreaterThanOrEqual(s.begin);
          expect(t.end).toBeLessThanOrEqual(s.end);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a range of a text tokenises inside that range", () => {
    fc.assert(
      fc.property(
        anyText.chain((text) => fc.tuple(fc.constant(text), fc.nat(text.length), fc.nat(text.length))),
        ([text, a, b]) => {
          const begin = Math.min(a, b);
          const end = Math.max(a, b) - 1;
          if (end < begin - 1 || end >= text.length) return;
          expectWellFormed(text, tokenize(text, begin, end), begin, end);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("any param combination keeps the offset invariants (fast path and custom rules)", async () => {
    const params = fc.record({
      contextChars: fc.subarray([".", ",", ";", ":", "!", "?", "*", "-", "(", ")", '"', "'", "%", "["]),
      splitChars: fc.subarray(["-", "/", ".", "\\:"]),
      splitPattern: fc.option(fc.constantFrom("-|#", "--", "(?=[A-Z])", "\\d"), { nil: undefined }),
      infixPatterns: fc.constantFrom<string[]>([], ["(\\p{L}+)(\\/)(\\p{L}+)"], ["((?:\\p{L}\\.)+)", "([\\p{L}\\w]+)", "(\\d+)((?:[.:]\\d+)?)"]),
      prefixPattern: fc.option(fc.constantFrom("\\A([(\"]*)", "\\A(\\$?)(#?)"), { nil: undefined }),
      exceptions: fc.subarray(["New York", "e\\.g\\.", "a b", "\\s+", "x*"]),
      caseSensitiveExceptions: fc.boolean(),
      minLength: fc.nat(3),
      maxLength: fc.integer({ min: 3, max: 20 }),
      keepInitialismPeriods: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(params, anyText, async (p, text) => {
        const model = await new Tokenizer(p).fit();
        const tokens = tokenize(text, 0, text.length - 1, model);
        expectWellFormed(text, tokens);
        for (const t of tokens) {
          expect(t.result.length).toBeGreaterThanOrEqual(Math.max(1, p.minLength));
          expect(t.result.length).toBeLessThanOrEqual(p.maxLength);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("handles very long texts: one huge candidate, a long note, unclosed placeholders", () => {
    const huge = "x".repeat(1_000_000) + ".";
    // Spark's default maxLength (99999) drops the giant candidate; a larger maxLength keeps it.
    expect(tokenize(huge).map((t) => t.result)).toEqual(["."]);
    expect(tokenize(huge, 0, huge.length - 1, new TokenizerModel().setMaxLength(2_000_000)).map((t) => t.result.length)).toEqual([1_000_000, 1]);
    const note = "Pt seen [** Name **], BP 120/80, p.o. b.i.d.\r\n\t".repeat(20_000);
    const tokens = tokenize(note);
    expect(tokens).toHaveLength(20_000 * 9);
    expect(tokens.slice(0, 9).map((t) => t.result)).toEqual(["Pt", "seen", "[** Name **]", ",", "BP", "120/80", ",", "p.o.", "b.i.d."]);
    expectWellFormed(note, tokens);
    const unclosed = "[** ".repeat(50_000);
    expectWellFormed(unclosed, tokenize(unclosed));
  });
});
