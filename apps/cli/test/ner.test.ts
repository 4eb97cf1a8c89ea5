// `kindling annotate --text` runs the model card's NER pipeline: its chunks are exactly what LightPipeline and
// PipelineModel.transform on an Arrow table give, with offsets into the note. The shipped models are being
// retrained, so only robust facts about the card's note are asserted, not the exact chunk list.
import { AnnotationBatch, LightPipeline } from "@kindling/core";
import { modelCardNote } from "@kindling/fixtures";
import { Table, Utf8, vectorFromArray } from "apache-arrow";
import fc from "fast-check";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../src/pipelines.js";
import { chunkRecords, type ChunkRecord } from "../src/records.js";
import { parseLines, run, tempDir } from "./helpers.js";

const note = modelCardNote();

function expectValidChunks(text: string, chunks: readonly Record<string, unknown>[], sentences: number): void {
  for (const c of chunks) {
    expect(Object.keys(c)).toEqual(["chunk", "begin", "end", "ner_label", "confidence", "sentence"]);
    const { begin, end, chunk, confidence, sentence } = c as unknown as ChunkRecord;
    expect(0 <= begin && begin <= end && end < text.length).toBe(true);
    expect(text.slice(begin, end + 1)).toBe(chunk);
    expect(confidence).toBeGreaterThanOrEqual(0);
    expect(confidence).toBeLessThanOrEqual(1);
    expect(Number.isInteger(sentence) && sentence >= 0 && sentence < sentences).toBe(true);
  }
}

describe("kindling annotate --text (NER)", async () => {
  const dir = await tempDir();
  const model = await loadPipeline("ner");
  const cli = await run(["annotate", "--text", note]);
  const lines = parseLines(cli.out);
  const light = await new LightPipeline(model).fullAnnotate(note);

  it("loads the models once per process", async () => {
    expect(await loadPipeline("ner")).toBe(model);
  });

  it("prints one chunk per line with offsets that slice the note to the chunk", () => {
    expect(cli.code).toBe(0);
    expect(cli.err).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
    expectValidChunks(note, lines, light.sentence!.length);
    expect(light.sentence).toHaveLength(3);
  });

  it('finds "chest pain" inside a PROBLEM chunk', () => {
    const at = note.indexOf("chest pain");
    const problem = lines.find((l) => l.ner_label === "PROBLEM" && (l.begin as number) <= at && at + "chest pain".length - 1 <= (l.end as number));
    expect(problem).toBeDefined();
  });

  it("gives the same chunks as LightPipeline.fullAnnotate", () => {
    expect(lines).toEqual(chunkRecords(light));
  });

  it("gives the same chunks as PipelineModel.transform on an Arrow table", async () => {
    const table = await model.transform(new Table({ text: vectorFromArray([note], new Utf8()) }));
    const rows = AnnotationBatch.fromArrow(table).annotations("ner_chunk");
    expect(lines).toEqual(chunkRecords({ ner_chunk: rows[0]! }));
  });

  it("writes the same lines to --output as to stdout", async () => {
    const path = join(dir, "chunks.jsonl");
    const toFile = await run(["annotate", "--text", note, "--output", path]);
    expect(toFile).toMatchObject({ code: 0, out: [] });
    expect(await readFile(path, "utf8")).toBe(cli.out.join("\n") + "\n");
    expect((await run(["annotate", "--text", note, "--output", "-"])).out).toEqual(cli.out);
  });

  it("prints nothing for an empty text", async () => {
    expect(await run(["annotate", "--text", ""])).toMatchObject({ code: 0, out: [], err: [] });
  });

  it("keeps offsets valid on generated text: Unicode, CRLF, tabs, emoji, lone surrogates", async () => {
    const clinical = fc.constantFrom("chest pain", "aspirin", "CT scan", "fever", "BP 120/80", "Mr. ABC", "denies", "stress test", "80%", "mid-LAD");
    const separator = fc.constantFrom(" ", "\r\n", "\t", "\n\n", ". ", " 🙂 ", "\u00a0", ", ");
    const noise = fc.string({ unit: "binary", maxLength: 12 });
    const text = fc
      .array(fc.tuple(fc.oneof(clinical, clinical, noise), separator), { maxLength: 30 })
      .map((parts) => parts.map(([word, sep]) => word + sep).join(""));
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const { code, out } = await run(["annotate", "--text", t]);
        expect(code).toBe(0);
        const sentences = (await new LightPipeline(model).fullAnnotate(t)).sentence!.length;
        expectValidChunks(t, parseLines(out), sentences);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps offsets valid on a very long note", async () => {
    const long = (note.trim() + "\r\n\t").repeat(40);
    const { code, out } = await run(["annotate", "--text", long]);
    expect(code).toBe(0);
    const chunks = parseLines(out);
    expect(chunks.length).toBeGreaterThanOrEqual(40);
    expectValidChunks(long, chunks, Number.MAX_SAFE_INTEGER);
  });

  it("keeps a run-on sentence longer than the SentenceDetector's maxLength, cut at whitespace instead of dropped", async () => {
    const clause = "The patient has diabetes and hypertension, ";
    const runOn = clause.repeat(Math.ceil(150_000 / clause.length));
    const { code, out } = await run(["annotate", "--text", runOn]);
    expect(code).toBe(0);
    const lines = parseLines(out);
    expectValidChunks(runOn, lines, Number.MAX_SAFE_INTEGER);
    const chunks = lines as unknown as ChunkRecord[];
    // Both halves of the note are tagged, in two sentences.
    expect(chunks.some((c) => c.end < 1_000)).toBe(true);
    expect(chunks.some((c) => c.begin > runOn.length - 1_000)).toBe(true);
    expect(new Set(chunks.map((c) => c.sentence))).toEqual(new Set([0, 1]));
  });
});
