import { describe, expect, it } from "vitest";
import { CLEANUP_MODES, cleanText, javaTrim, keepsLength, type CleanupMode } from "../src/index.js";

// Inputs, each isolating one feature. "\\n" in these literals is the two-character stringified escape.
const INPUTS = {
  lf: "a\nb",
  crlf: "a\r\nb",
  tab: "a\tb",
  spaces: "a   b",
  nbsp: "a\u00a0b",
  padded: "  a  ",
  escapedLf: "a\\nb",
  escapedCrlf: "a\\r\\nb",
  escapedTab: "a\\tb",
  spaceLf: "a \nb",
  threeLf: "a\n\n\nb",
  spaceEscapedLf: "a \\nb",
} as const;

type Expected = Record<keyof typeof INPUTS, string>;

const unchanged = (overrides: Partial<Expected>): Expected => ({ ...INPUTS, ...overrides });

// Expected outputs worked out by hand from Spark's regexes (DocumentAssembler.scala), not from this code.
const EXPECTED: Record<CleanupMode, Expected> = {
  disabled: unchanged({}),
  inplace: unchanged({ lf: "a b", crlf: "a  b", tab: "a b", spaceLf: "a  b", threeLf: "a   b" }),
  inplace_full: unchanged({
    lf: "a b",
    crlf: "a  b",
    tab: "a b",
    escapedLf: "a b",
    escapedCrlf: "a b",
    escapedTab: "a b",
    spaceLf: "a  b",
    threeLf: "a   b",
    spaceEscapedLf: "a  b",
  }),
  shrink: unchanged({ lf: "a b", crlf: "a b", tab: "a b", spaces: "a b", padded: "a", spaceLf: "a b", threeLf: "a b" }),
  shrink_full: unchanged({
    lf: "a b",
    crlf: "a b",
    tab: "a b",
    spaces: "a b",
    padded: "a",
    escapedLf: "a b",
    escapedCrlf: "a b",
    escapedTab: "a b",
    spaceLf: "a b",
    threeLf: "a b",
    // `\s+` takes the space, then the escape alternative takes "\n": two separate matches, two spaces.
    spaceEscapedLf: "a  b",
  }),
  // `\s[\n\t]`: only a whitespace character FOLLOWED by a newline or tab is replaced (the pair becomes one space).
  each: unchanged({ crlf: "a b", spaceLf: "a b", threeLf: "a \nb" }),
  each_full: unchanged({ crlf: "a b", spaceLf: "a b", threeLf: "a \nb", spaceEscapedLf: "a b" }),
  delete_full: unchanged({ padded: "a", escapedLf: "ab", escapedCrlf: "ab", escapedTab: "ab", spaceEscapedLf: "a b" }),
};

describe("cleanText", () => {
  for (const mode of CLEANUP_MODES) {
    it(`${mode} follows Spark's regex on each kind of whitespace`, () => {
      const actual = Object.fromEntries(Object.entries(INPUTS).map(([name, text]) => [name, cleanText(text, mode)]));
      expect(actual).toEqual(EXPECTED[mode]);
    });
  }

  it("keeps no-break spaces in every mode, as Java's ASCII-only \\s does", () => {
    const text = "\u00a0 x\u00a0\u00a0y \u00a0";
    for (const mode of CLEANUP_MODES) expect(cleanText(text, mode)).toContain("x\u00a0\u00a0y");
    expect(cleanText(text, "shrink")).toBe("\u00a0 x\u00a0\u00a0y \u00a0");
  });

  it("handles a note with CRLF lines, tabs and runs of spaces", () => {
    const note = "Dx:\tchest  pain\r\nRx:\t\tnitro\r\n";
    expect(cleanText(note, "inplace")).toBe("Dx: chest  pain  Rx:  nitro  ");
    expect(cleanText(note, "shrink")).toBe("Dx: chest pain Rx: nitro");
    expect(cleanText(note, "each")).toBe("Dx:\tchest  pain Rx: nitro ");
  });

  it("javaTrim strips C0 controls and spaces but not Unicode spaces", () => {
    expect(javaTrim("\u0000\u0007 \t a b \r\n\u001f")).toBe("a b");
    expect(javaTrim("\u2003a\u2003")).toBe("\u2003a\u2003");
    expect(javaTrim("   ")).toBe("");
  });

  it("only disabled and inplace promise to keep the length", () => {
    expect(CLEANUP_MODES.filter(keepsLength)).toEqual(["disabled", "inplace"]);
  });
});
