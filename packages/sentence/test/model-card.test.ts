import { describe, expect, it } from "vitest";
import { detectSentences, SentenceDetector } from "../src/index.js";
import { documentOf, modelCardNote, runDetector } from "./helpers.js";

const note = modelCardNote();

describe("the model card note", () => {
  it("starts with a newline and has three lines with trailing spaces", () => {
    expect(note.startsWith("\nMr. ABC is a 60-year-old gentleman")).toBe(true);
    expect(note.split("\n").filter((l) => l.trim()).length).toBe(3);
  });

  it("splits into exactly its three lines, with exact offsets", () => {
    const lines = note.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
    const expected = lines.map((line) => {
      const begin = note.indexOf(line);
      return { begin, end: begin + line.length - 1 };
    });
    expect(detectSentences(note)).toEqual(expected);
    expect(expected[0]!.begin).toBe(1);
    expect(lines[0]!.endsWith("on stress imaging only.")).toBe(true);
    expect(lines[1]).toBe("He required 3 sublingual nitroglycerin in total.");
    expect(lines[2]!.endsWith("in the mid to distal right PDA.")).toBe(true);
  });

  it("gives Spark's sentence annotations through the SentenceDetector", async () => {
    const [row] = await runDetector(new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"), [[documentOf(note)]]);
    expect(row!.map((a) => a.annotatorType)).toEqual(["document", "document", "document"]);
    expect(row!.map((a) => a.metadata)).toEqual([{ sentence: "0" }, { sentence: "1" }, { sentence: "2" }]);
    for (const a of row!) expect(note.slice(a.begin, a.end + 1)).toBe(a.result);
    expect(row![1]!.result).toBe("He required 3 sublingual nitroglycerin in total.");
  });
});
