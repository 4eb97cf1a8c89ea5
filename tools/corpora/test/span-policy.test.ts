import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applySpanPolicy, emptyPolicyCounts, loadSource, sourceByName, type RawMention } from "../src/index.js";
import { NER } from "./helpers.js";

const mention = (type: string, ...segments: [number, number][]): RawMention => ({ type, segments, text: "" });
const MAP = { Disease: "PROBLEM", Test: "TEST", Drug: "TREATMENT" } as const;

describe("applySpanPolicy", () => {
  const text = "severe chronic kidney disease on dialysis; creatinine 4.1 ";

  it("keeps the outermost of nested spans and counts the rest", () => {
    const counts = emptyPolicyCounts();
    const spans = applySpanPolicy(text, [mention("Disease", [15, 29]), mention("Disease", [7, 29]), mention("Drug", [33, 41])], MAP, counts);
    expect(spans.map((s) => [text.slice(s.begin, s.end), s.label])).toEqual([["chronic kidney disease", "PROBLEM"], ["dialysis", "TREATMENT"]]);
    expect(counts).toMatchObject({ mentions: 3, overlapping: 1, kept: 2 });
  });

  it("drops discontinuous and unmapped mentions, trims whitespace edges, dedupes identical spans", () => {
    const counts = emptyPolicyCounts();
    const spans = applySpanPolicy(
      text,
      [mention("Disease", [0, 6], [15, 29]), mention("Qualifier", [0, 6]), mention("Test", [42, 53]), mention("Test", [43, 53]), mention("Test", [57, 58])],
      MAP,
      counts,
    );
    expect(spans).toEqual([{ begin: 43, end: 53, label: "TEST" }]);
    expect(counts).toEqual({ mentions: 5, unmapped: 1, discontinuous: 1, empty: 1, duplicate: 1, overlapping: 0, kept: 1, trimmed: 1 });
  });

  it("breaks ties between equally long spans: the earlier crossing span, then the first in the corpus", () => {
    const counts = emptyPolicyCounts();
    // "kidney dis" (15-25) and "ey disease" (19-29) cross; "chronic" is both a Disease and a Test.
    expect(applySpanPolicy(text, [mention("Drug", [19, 29]), mention("Disease", [15, 25]), mention("Disease", [7, 14]), mention("Test", [7, 14])], MAP, counts)).toEqual([
      { begin: 7, end: 14, label: "PROBLEM" },
      { begin: 15, end: 25, label: "PROBLEM" },
    ]);
    expect(counts.overlapping).toBe(2);
  });

  it("on real MACCROBAT: nested PROBLEMs keep the outer span, discontinuous mentions go", async () => {
    const { documents, policy } = await loadSource(sourceByName("maccrobat2020"), NER);
    const doc = (id: string) => documents.find((d) => d.docId === id)!;
    const spanTexts = (id: string) => doc(id).spans.map((s) => doc(id).text.slice(s.begin, s.end));
    // Disease_disorder "chronic diarrhea" holds Sign_symptom "diarrhea" (both PROBLEM).
    expect(spanTexts("26257516")).toContain("chronic diarrhea");
    expect(doc("26257516").spans.some((s) => s.begin === 433)).toBe(false);
    // Sign_symptom "risk factors for coronary artery disease" holds Disease_disorder "coronary artery disease".
    expect(spanTexts("24957905")).toContain("risk factors for coronary artery disease");
    expect(spanTexts("24957905")).not.toContain("coronary artery disease");
    // "granular cell ... tumor" (701-714;730-735) is discontinuous: dropped; the continuous "Abrikossoff tumor" stays.
    expect(doc("19860925").spans.filter((s) => s.begin < 735 && 701 < s.end)).toEqual([{ begin: 718, end: 735, label: "PROBLEM" }]);
    // "pancreatic insufficiency" is both Disease_disorder and Sign_symptom: one PROBLEM span, one duplicate.
    expect(doc("25155594").spans.filter((s) => s.begin === 327)).toEqual([{ begin: 327, end: 351, label: "PROBLEM" }]);
    // Every mention is accounted for exactly once.
    const { mentions, unmapped, discontinuous, empty, duplicate, overlapping, kept } = policy;
    expect(unmapped + discontinuous + empty + duplicate + overlapping + kept).toBe(mentions);
    expect(mentions).toBe(25189);
    // Of the 44 discontinuous mentions, the ones of mapped types are counted here.
    expect(discontinuous).toBeGreaterThan(0);
    expect(discontinuous).toBeLessThanOrEqual(44);
  });

  it("output is sorted, non-overlapping, trimmed, and every dropped overlap lost to a span at least as long (fast-check)", () => {
    const arbText = fc.string({ unit: fc.constantFrom("a", "b", " ", "\n", "\r", "\t", "é"), minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        arbText.chain((t) =>
          fc.tuple(
            fc.constant(t),
            fc.array(
              fc.tuple(fc.constantFrom("Disease", "Test", "Drug", "Other"), fc.array(fc.tuple(fc.nat(t.length), fc.nat(t.length)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]), { minLength: 1, maxLength: 2 })),
              { maxLength: 12 },
            ),
          ),
        ),
        ([t, raw]) => {
          const mentions = raw.map(([type, segments]) => mention(type, ...segments));
          const counts = emptyPolicyCounts();
          const spans = applySpanPolicy(t, mentions, MAP, counts);
          for (let i = 0; i < spans.length; i++) {
            const s = spans[i]!;
            expect(s.begin).toBeLessThan(s.end);
            expect(/\s/.test(t[s.begin]!) || /\s/.test(t[s.end - 1]!)).toBe(false);
            if (i > 0) expect(spans[i - 1]!.end).toBeLessThanOrEqual(s.begin);
          }
          expect(counts.unmapped + counts.discontinuous + counts.empty + counts.duplicate + counts.overlapping + counts.kept).toBe(mentions.length);
          expect(counts.kept).toBe(spans.length);
          // Every mapped continuous mention is kept, or loses to an overlapping span at least as long.
          for (const m of mentions) {
            const label = MAP[m.type as keyof typeof MAP];
            if (!label || m.segments.length !== 1) continue;
            let [b, e] = m.segments[0]!;
            while (b < e && /\s/.test(t[b]!)) b++;
            while (e > b && /\s/.test(t[e - 1]!)) e--;
            if (b === e) continue;
            const kept = spans.some((s) => s.begin === b && s.end === e && s.label === label);
            expect(kept || spans.some((s) => s.begin < e && b < s.end && s.end - s.begin >= e - b)).toBe(true);
          }
        },
      ),
    );
  });
});
