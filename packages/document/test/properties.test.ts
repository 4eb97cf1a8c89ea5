import { AnnotationBatch } from "@kindling/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CLEANUP_MODES, cleanText, DocumentAssembler } from "../src/index.js";

/** Text built from the pieces that matter here: line ends, tabs, runs of spaces, NBSP, escapes, emoji, letters. */
const clinicalText = fc
  .array(
    fc.oneof(
      fc.constantFrom("\n", "\r\n", "\r", "\t", " ", "   ", "\u00a0", "\u2028", "\\n", "\\r\\n", "\\t", "\u0000", "😷", "é", "CP"),
      fc.string({ unit: "grapheme", maxLength: 8 }),
      fc.string({ unit: "binary", maxLength: 4 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

describe("DocumentAssembler properties", () => {
  it("every document satisfies 0 <= begin <= end < text.length and covers its whole result", () => {
    fc.assert(
      fc.property(clinicalText, fc.constantFrom(...CLEANUP_MODES), (text, mode) => {
        const rows = new DocumentAssembler({ cleanupMode: mode }).assemble(text);
        const cleaned = cleanText(text, mode);
        expect(rows).toHaveLength(cleaned.length === 0 ? 0 : 1);
        const [doc] = rows;
        if (!doc) return;
        expect(doc!.begin).toBe(0);
        expect(doc!.end).toBe(cleaned.length - 1);
        expect(cleaned.slice(doc!.begin, doc!.end + 1)).toBe(doc!.result);
      }),
      { numRuns: 500 },
    );
  });

  it("disabled returns the text itself, so offsets hold in the original", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const [doc] = new DocumentAssembler().assemble(text);
        if (text.length > 0) expect(text.slice(doc!.begin, doc!.end + 1)).toBe(doc!.result);
      }),
    );
  });

  it("inplace keeps the length and every non-whitespace character in place", () => {
    fc.assert(
      fc.property(clinicalText, (text) => {
        const out = cleanText(text, "inplace");
        expect(out.length).toBe(text.length);
        for (let i = 0; i < text.length; i++) expect(out[i]).toBe(/[ \t\n\x0B\f\r]/.test(text[i]!) ? " " : text[i]);
      }),
    );
  });

  it("shrink leaves no ASCII whitespace but single inner spaces, and is idempotent", () => {
    fc.assert(
      fc.property(clinicalText, (text) => {
        const out = cleanText(text, "shrink");
        expect(out).not.toMatch(/[\t\n\x0B\f\r]| {2}/);
        expect(out).not.toMatch(/^ | $/);
        expect(cleanText(out, "shrink")).toBe(out);
      }),
    );
  });

  it("no mode ever lengthens the text, and very long texts are handled", () => {
    fc.assert(
      fc.property(clinicalText, fc.constantFrom(...CLEANUP_MODES), (text, mode) => {
        expect(cleanText(text, mode).length).toBeLessThanOrEqual(text.length);
      }),
    );
    const long = "chest pain\r\n\t".repeat(100_000);
    const [doc] = new DocumentAssembler({ cleanupMode: "shrink" }).assemble(long);
    expect(doc!.result.length).toBe("chest pain ".length * 100_000 - 1);
  });

  it("never throws on string or null rows", () => {
    fc.assert(
      fc.property(fc.array(fc.option(clinicalText, { nil: null })), fc.constantFrom(...CLEANUP_MODES), (texts, mode) => {
        const batch = AnnotationBatch.fromColumns({ text: texts });
        new DocumentAssembler({ cleanupMode: mode }).transformBatch(batch);
        expect(batch.annotations("document")).toHaveLength(texts.length);
      }),
    );
  });
});
