import { makeAnnotation } from "@kindling/annotation";
import { bioToChunks } from "@kindling/training";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignBio, emptyAlignmentCounts, groupBySentence, loadSource, sourceByName, type Span, type TokenizedSentence } from "../src/index.js";
import { NER, sharedTokenizer } from "./helpers.js";

const sentence = (text: string, from: number, words: [number, number][]): TokenizedSentence => ({
  begin: from,
  end: words[words.length - 1]![1] - 1,
  tokens: words.map(([b, e]) => ({ text: text.slice(b, e), begin: b, end: e - 1 })),
});

describe("assignBio", () => {
  it("B- on the first overlapping token, I- after, O elsewhere; a boundary inside a token is counted", () => {
    const text = "No chest-pain; BP 120/80.";
    //            0  3          14 15 18
    const s = sentence(text, 0, [[0, 2], [3, 13], [13, 14], [15, 17], [18, 24], [24, 25]]);
    const counts = emptyAlignmentCounts();
    const tags = assignBio([s], [{ begin: 9, end: 13, label: "PROBLEM" }, { begin: 15, end: 17, label: "TEST" }], counts);
    expect(tags).toEqual([["O", "B-PROBLEM", "O", "B-TEST", "O", "O"]]);
    expect(counts).toEqual({ spans: 2, aligned: 1, misaligned: 1, noTokens: 0, lost: 0, crossSentence: 0 });
  });

  it("a span crossing a sentence boundary starts again with B- in the next sentence", () => {
    const text = "Heart. Failure now";
    const counts = emptyAlignmentCounts();
    const tags = assignBio([sentence(text, 0, [[0, 5], [5, 6]]), sentence(text, 7, [[7, 14], [15, 18]])], [{ begin: 0, end: 14, label: "PROBLEM" }], counts);
    expect(tags).toEqual([["B-PROBLEM", "I-PROBLEM"], ["B-PROBLEM", "O"]]);
    expect(counts.crossSentence).toBe(1);
  });

  it("a token covering two spans stays with the first; the second is lost", () => {
    const text = "nausea/vomiting";
    const counts = emptyAlignmentCounts();
    const tags = assignBio([sentence(text, 0, [[0, 15]])], [{ begin: 0, end: 6, label: "PROBLEM" }, { begin: 7, end: 15, label: "PROBLEM" }], counts);
    expect(tags).toEqual([["B-PROBLEM"]]);
    expect(counts).toMatchObject({ spans: 2, misaligned: 2, lost: 1 });
  });

  it("on a real aci-train note, chunks rebuilt from the tags equal the gold spans wherever boundaries align", async () => {
    const { documents } = await loadSource(sourceByName("aci-train"), NER);
    const note = documents[0]!;
    const [sentences] = await (await sharedTokenizer()).tokenize([note.text]);
    const counts = emptyAlignmentCounts();
    const tags = assignBio(sentences!, note.spans, counts);
    const chunks = sentences!.flatMap((s, i) =>
      bioToChunks(tags[i]!).map((c) => ({ begin: s.tokens[c.start]!.begin, end: s.tokens[c.end - 1]!.end + 1, label: c.label })),
    );
    const tokenStarts = new Set(sentences!.flatMap((s) => s.tokens.map((t) => t.begin)));
    const tokenEnds = new Set(sentences!.flatMap((s) => s.tokens.map((t) => t.end + 1)));
    const aligned = note.spans.filter((s) => tokenStarts.has(s.begin) && tokenEnds.has(s.end));
    expect(aligned.length).toBe(counts.aligned);
    expect(aligned.length).toBeGreaterThan(30);
    const text = (s: { begin: number; end: number }) => note.text.slice(s.begin, s.end);
    // Aligned spans come back exactly: same text, same label.
    expect(chunks.map((c) => [text(c), c.label])).toEqual(expect.arrayContaining(aligned.map((s) => [text(s), s.label])));
    for (const s of aligned) expect(chunks).toContainEqual(s);
    expect(chunks).toHaveLength(note.spans.length - counts.lost + counts.crossSentence);
  });

  it("tags only spans' tokens, one B- per span part, over generated tokenisations (fast-check)", () => {
    const arb = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.boolean()), { minLength: 1, maxLength: 25 })
      .chain((words) => {
        // Lay out tokens with gaps; a `true` flag ends the sentence after the token.
        let pos = 0;
        const laid = words.map(([len, gap, end]) => {
          const b = pos + gap;
          pos = b + len;
          return { b, e: pos, end };
        });
        return fc.tuple(fc.constant(laid), fc.array(fc.tuple(fc.nat(pos), fc.nat(pos)), { maxLength: 6 }), fc.constant(pos));
      });
    fc.assert(
      fc.property(arb, ([laid, rawSpans]) => {
        const sentences: TokenizedSentence[] = [];
        let current: { text: string; begin: number; end: number }[] = [];
        for (const w of laid) {
          current.push({ text: "x".repeat(w.e - w.b), begin: w.b, end: w.e - 1 });
          if (w.end) {
            sentences.push({ begin: current[0]!.begin, end: current.at(-1)!.end, tokens: current });
            current = [];
          }
        }
        if (current.length) sentences.push({ begin: current[0]!.begin, end: current.at(-1)!.end, tokens: current });
        // Non-overlapping sorted spans, as the span policy delivers.
        const spans: Span[] = [];
        for (const [a, b] of rawSpans.map(([a, b]) => [Math.min(a, b), Math.max(a, b)]).sort((x, y) => x[0]! - y[0]!)) {
          if (a! < b! && (spans.length === 0 || spans.at(-1)!.end <= a!)) spans.push({ begin: a!, end: b!, label: "TEST" });
        }
        const counts = emptyAlignmentCounts();
        const tags = assignBio(sentences, spans, counts);
        sentences.forEach((s, i) =>
          s.tokens.forEach((t, j) => {
            const overlaps = spans.some((sp) => t.begin < sp.end && sp.begin < t.end + 1);
            expect(tags[i]![j] !== "O").toBe(overlaps);
            if (tags[i]![j] === "I-TEST") expect(tags[i]![j - 1]).toMatch(/-TEST$/);
          }),
        );
        expect(counts.aligned + counts.misaligned + counts.noTokens).toBe(spans.length);
      }),
    );
  });
});

describe("groupBySentence", () => {
  it("assigns tokens to sentences by offsets and refuses a token outside every sentence", () => {
    const s = [makeAnnotation("document", 0, 4, "Hi you"), makeAnnotation("document", 7, 9, "Bye")];
    const t = [makeAnnotation("token", 0, 1, "Hi"), makeAnnotation("token", 3, 4, "yo"), makeAnnotation("token", 7, 9, "Bye")];
    expect(groupBySentence(s, t).map((x) => x.tokens.map((k) => k.text))).toEqual([["Hi", "yo"], ["Bye"]]);
    expect(() => groupBySentence(s, [...t, makeAnnotation("token", 11, 12, "zz")])).toThrow(/outside every sentence/);
  });
});
