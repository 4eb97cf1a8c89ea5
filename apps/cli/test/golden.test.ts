// The model card's example through Kindling's rule-based stages: sentences, tokens that match every chunk of the
// card's Results table exactly, and the NerConverter turning the implied tags into exactly those rows.
import { AnnotatorType, makeAnnotation } from "@kindling/annotation";
import { LightPipeline } from "@kindling/core";
import { modelCardNote, modelCardResults } from "@kindling/fixtures";
import { NerConverter } from "@kindling/ner-converter";
import { describe, expect, it } from "vitest";
import { ruleBasedPipeline } from "../src/pipelines.js";

const note = modelCardNote();
const results = modelCardResults();

describe("model card golden example", async () => {
  const row = await new LightPipeline(await ruleBasedPipeline()).fullAnnotate(note);
  const tokens = row.token!;

  it("reads the card's note and table as published", () => {
    expect(note.startsWith("\nMr. ABC is a 60-year-old gentleman")).toBe(true);
    expect(results).toHaveLength(10);
  });

  it("splits the note into its three lines", () => {
    const lines = note.split("\n").map((l) => l.trim()).filter(Boolean);
    expect(row.sentence!.map((s) => s.result)).toEqual(lines);
    for (const s of row.sentence!) expect(note.slice(s.begin, s.end + 1)).toBe(s.result);
  });

  it.each(results)("has a run of tokens exactly covering $chunk ($begin..$end)", ({ chunk, begin, end }) => {
    const first = tokens.findIndex((t) => t.begin === begin);
    const last = tokens.findIndex((t) => t.end === end);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(last).toBeGreaterThanOrEqual(first);
    expect(note.slice(begin, end + 1)).toBe(chunk);
  });

  it("converts the tags implied by the table into exactly the table's rows", () => {
    const tags = tokens.map((t) => {
      const hit = results.find((r) => t.begin >= r.begin && t.end <= r.end);
      return hit ? `${t.begin === hit.begin ? "B" : "I"}-${hit.ner_label}` : "O";
    });
    const ner = tokens.map((t, i) => makeAnnotation(AnnotatorType.NAMED_ENTITY, t.begin, t.end, tags[i]!, { word: t.result, sentence: t.metadata.sentence ?? "0" }));
    const chunks = new NerConverter().annotate([row.sentence!, tokens, ner]);
    expect(chunks.map((c) => ({ chunk: c.result, begin: c.begin, end: c.end, ner_label: c.metadata.entity }))).toEqual(results);
  });
});
