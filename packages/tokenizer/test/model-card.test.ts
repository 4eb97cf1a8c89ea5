import { describe, expect, it } from "vitest";
import { Tokenizer } from "../src/index.js";
import { lineSentences, modelCardChunks, modelCardNote } from "./helpers.js";

describe("model card note (ner_clinical_large_v2)", () => {
  const note = modelCardNote();
  const sentences = lineSentences(note);
  const chunks = modelCardChunks();

  it("reads the note and the ten result chunks from the card", () => {
    expect(note.startsWith("\nMr. ABC")).toBe(true);
    expect(sentences).toHaveLength(3);
    expect(chunks).toHaveLength(10);
    for (const c of chunks) expect(note.slice(c.begin, c.end + 1)).toBe(c.chunk);
  });

  it("has, for every result chunk, a run of tokens starting at its begin and ending at its end", async () => {
    const model = await new Tokenizer().setInputCols(["sentence"]).fit();
    const tokens = model.annotate([sentences]);
    for (const c of chunks) {
      const first = tokens.findIndex((t) => t.begin === c.begin);
      const last = tokens.findIndex((t) => t.end === c.end);
      expect(first, `a token starting at ${c.begin} ("${c.chunk}")`).toBeGreaterThanOrEqual(0);
      expect(last, `a token ending at ${c.end} ("${c.chunk}")`).toBeGreaterThanOrEqual(first);
      const run = tokens.slice(first, last + 1);
      expect(new Set(run.map((t) => t.metadata.sentence)).size).toBe(1);
      expect(run.map((t) => t.result)).toEqual(c.chunk.split(" "));
    }
  });

  it("tokenises the whole note with exact offsets and Spark's punctuation splits", async () => {
    const model = await new Tokenizer().fit();
    const tokens = model.annotate([sentences]);
    for (const t of tokens) expect(note.slice(t.begin, t.end + 1)).toBe(t.result);
    const results = tokens.map((t) => t.result);
    expect(results.slice(0, 7)).toEqual(["Mr.", "ABC", "is", "a", "60-year-old", "gentleman", "who"]);
    expect(tokens.filter((t) => t.metadata.sentence === "1").map((t) => t.result)).toEqual(["He", "required", "3", "sublingual", "nitroglycerin", "in", "total", "."]);
    expect(results).toContain("mild-to-moderate");
    expect(results).toContain("mid-left");
    // Spark's default suffix rule peels the comma, not the percent sign: "30%," -> "30%" ",".
    const at30 = results.indexOf("30%");
    expect(results.slice(at30, at30 + 2)).toEqual(["30%", ","]);
    expect(results.slice(-3)).toEqual(["right", "PDA", "."]);
  });
});
