import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeIob, NerConverter, NerConverterInternal, type TagSpan } from "../src/index.js";

const TAGS = ["O", "O", "B-A", "I-A", "E-A", "S-A", "B-B", "I-B", "L-B", "U-B", "A", "", "B-", "I-"] as const;

/** A word: any non-whitespace text, emoji and astral characters included. */
const word = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }).filter((w) => !/\s/u.test(w)),
  fc.constantFrom("pain", "ST", "😷", "𝒳", "é", ".", "mid-LAD"),
);
const gap = fc.constantFrom(" ", "  ", "\t", "\r\n", "\n", " \u00a0");

interface Row {
  text: string;
  sentences: Annotation[];
  tokens: Annotation[];
  entities: Annotation[];
}

/** Sentences of words separated by whitespace; every token carries a random tag and maybe a confidence. */
const rowArb: fc.Arbitrary<Row> = fc
  .array(fc.array(fc.tuple(word, gap, fc.constantFrom(...TAGS), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })), { maxLength: 12 }), {
    maxLength: 5,
  })
  .chain((sentences) => fc.tuple(fc.constant(sentences), fc.constantFrom("", "\r\n", "\n\n", " ")))
  .map(([sentences, separator]) => {
    let text = "";
    const out: Row = { text: "", sentences: [], tokens: [], entities: [] };
    sentences.forEach((words, s) => {
      const start = text.length;
      words.forEach(([w, g, tag, confidence], i) => {
        const begin = text.length;
        text += w;
        const token = makeAnnotation(AnnotatorType.TOKEN, begin, text.length - 1, w, { sentence: String(s) });
        out.tokens.push(token);
        out.entities.push(
          makeAnnotation(AnnotatorType.NAMED_ENTITY, begin, text.length - 1, tag, confidence === undefined ? { word: w } : { word: w, confidence: String(confidence) }),
        );
        if (i < words.length - 1) text += g;
      });
      if (words.length > 0) out.sentences.push(makeAnnotation(AnnotatorType.DOCUMENT, start, text.length - 1, text.slice(start), { sentence: String(out.sentences.length) }));
      text += separator;
    });
    out.text = text;
    return out;
  });

const internalOptions = fc.record({
  greedyMode: fc.boolean(),
  threshold: fc.double({ min: 0, max: 1, noNaN: true }),
  ignoreStopWords: fc.subarray(["pain", ".", "é", "😷"]),
  replaceLabels: fc.constantFrom<Record<string, string>[]>({}, { A: "B" }, { B: "A", A: "C" }),
  whiteList: fc.constantFrom<string[][]>([], ["A"], ["B", "C"]),
  blackList: fc.constantFrom<string[][]>([], ["B"]),
  nerHasNoSchema: fc.boolean(),
});

function checkChunks(row: Row, chunks: readonly Annotation[]): void {
  chunks.forEach((chunk, i) => {
    expect(chunk.metadata.chunk).toBe(String(i));
    expect(0 <= chunk.begin && chunk.begin <= chunk.end && chunk.end < row.text.length).toBe(true);
    expect(row.text.slice(chunk.begin, chunk.end + 1)).toBe(chunk.result);
    const sentence = row.sentences[Number(chunk.metadata.sentence)]!;
    expect(sentence.begin <= chunk.begin && chunk.end <= sentence.end).toBe(true);
    expect(row.tokens.some((t) => t.begin === chunk.begin)).toBe(true);
    expect(row.tokens.some((t) => t.end === chunk.end)).toBe(true);
    if (i > 0) expect(chunk.begin).toBeGreaterThan(chunks[i - 1]!.end);
  });
}

describe("converter properties over random text and random tag sequences", () => {
  it("NerConverter never throws; chunks are in order, disjoint, inside their sentence and slice the text", () => {
    fc.assert(
      fc.property(rowArb, (row) => {
        checkChunks(row, new NerConverter().annotate([row.sentences, row.tokens, row.entities]));
      }),
      { numRuns: 400 },
    );
  });

  it("NerConverterInternal keeps the same invariants under any combination of its params", () => {
    fc.assert(
      fc.property(rowArb, internalOptions, (row, options) => {
        const chunks = new NerConverterInternal(options).annotate([row.sentences, row.tokens, row.entities]);
        checkChunks(row, chunks);
        for (const c of chunks) if (c.metadata.confidence !== undefined) expect(Number(c.metadata.confidence)).toBeGreaterThanOrEqual(Math.fround(options.threshold) - 1e-6);
      }),
      { numRuns: 400 },
    );
  });

  it("very long sentences convert without trouble", () => {
    const n = 50_000;
    const words = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? "pain" : "x"));
    const text = words.join(" ");
    const tokens: Annotation[] = [];
    let at = 0;
    for (const w of words) {
      tokens.push(makeAnnotation(AnnotatorType.TOKEN, at, at + w.length - 1, w));
      at += w.length + 1;
    }
    const entities = tokens.map((t) => makeAnnotation(AnnotatorType.NAMED_ENTITY, t.begin, t.end, t.result === "pain" ? "B-PROBLEM" : "O"));
    const chunks = new NerConverter().annotate([[makeAnnotation(AnnotatorType.DOCUMENT, 0, text.length - 1, text)], tokens, entities]);
    expect(chunks).toHaveLength(Math.ceil(n / 7));
  });
});

/** Random non-overlapping labelled spans over n tokens. */
const spansArb: fc.Arbitrary<{ n: number; spans: TagSpan[] }> = fc
  .array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 4 }), fc.constantFrom("A", "B")), { maxLength: 8 })
  .map((parts) => {
    const spans: TagSpan[] = [];
    let at = 0;
    for (const [skip, length, label] of parts) {
      at += skip;
      spans.push({ first: at, last: at + length - 1, label });
      at += length;
    }
    return { n: at + 1, spans };
  });

function encode(n: number, spans: readonly TagSpan[], scheme: "IOB1" | "IOB2" | "BIOES"): string[] {
  const tags = new Array<string>(n).fill("O");
  spans.forEach((span, k) => {
    const touchesSameLabel = k > 0 && spans[k - 1]!.last + 1 === span.first && spans[k - 1]!.label === span.label;
    for (let i = span.first; i <= span.last; i++) {
      let prefix = "I";
      if (scheme === "IOB2") prefix = i === span.first ? "B" : "I";
      if (scheme === "IOB1") prefix = i === span.first && touchesSameLabel ? "B" : "I";
      if (scheme === "BIOES") prefix = span.first === span.last ? "S" : i === span.first ? "B" : i === span.last ? "E" : "I";
      tags[i] = `${prefix}-${span.label}`;
    }
  });
  return tags;
}

describe("decoding round-trips every scheme", () => {
  for (const scheme of ["IOB1", "IOB2", "BIOES"] as const) {
    it(`${scheme}: decode(encode(spans)) === spans`, () => {
      fc.assert(
        fc.property(spansArb, ({ n, spans }) => {
          expect(decodeIob(encode(n, spans, scheme))).toEqual(spans);
        }),
      );
    });
  }
});
