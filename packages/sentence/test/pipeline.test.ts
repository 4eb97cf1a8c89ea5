import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AnnotatorType, annotationField, decodeAnnotations, encodeAnnotations, makeAnnotation } from "@kindling/annotation";
import { PipelineModel, PipelineWiringError, loadStage, saveStage } from "@kindling/core";
import { Field, makeData, RecordBatch, Schema, Struct, Table, Utf8, vectorFromArray } from "apache-arrow";
import { SentenceDetector } from "../src/index.js";
import { documentOf, modelCardNote, runDetector } from "./helpers.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A table with a text column and a document annotation column, as a DocumentAssembler would write it. */
function documentTable(texts: string[]): Table {
  const text = vectorFromArray(texts, new Utf8());
  const documents = encodeAnnotations(texts.map((t) => (t.length > 0 ? [documentOf(t, 0, { sentence: "0" })] : [])));
  const schema = new Schema([new Field("text", text.type, true), annotationField("document", AnnotatorType.DOCUMENT, documents.type)]);
  const data = makeData({ type: new Struct(schema.fields), length: texts.length, nullCount: 0, children: [text.data[0]!, documents.data[0]!] });
  return new Table([new RecordBatch(schema, data)]);
}

describe("SentenceDetector in a pipeline", () => {
  it("adds a sentence column to an Arrow table", async () => {
    const note = modelCardNote();
    const table = documentTable([note, "", "Dr. Smith saw her. She is well."]);
    const out = await new PipelineModel([new SentenceDetector()]).transform(table);
    const field = out.schema.fields.find((f) => f.name === "sentence")!;
    expect(field.metadata.get("annotatorType")).toBe("document");
    const rows = decodeAnnotations(out.getChild("sentence")!, field);
    expect(rows.map((r) => r.length)).toEqual([3, 0, 2]);
    expect(rows[2]!.map((a) => [a.begin, a.end, a.result, a.metadata])).toEqual([
      [0, 17, "Dr. Smith saw her.", { sentence: "0" }],
      [19, 30, "She is well.", { sentence: "1" }],
    ]);
    for (const a of rows[0]!) expect(note.slice(a.begin, a.end + 1)).toBe(a.result);
  });

  it("numbers sentences across the documents of a row, keeps document metadata and shifts offsets", async () => {
    const first = documentOf("One. Two.", 0, { source: "a" });
    const second = makeAnnotation(AnnotatorType.DOCUMENT, 20, 29, "Three. Ok.", { source: "b", sentence: "7" });
    const [row] = await runDetector(new SentenceDetector(), [[first, second]]);
    expect(row!.map((a) => [a.begin, a.end, a.result, a.metadata])).toEqual([
      [0, 3, "One.", { source: "a", sentence: "0" }],
      [5, 8, "Two.", { source: "a", sentence: "1" }],
      [20, 25, "Three.", { source: "b", sentence: "2" }],
      [27, 29, "Ok.", { source: "b", sentence: "3" }],
    ]);
  });

  it("reads a document column under any name and writes the configured output column", async () => {
    const detector = new SentenceDetector().setInputCols(["doc"]).setOutputCol("sentences");
    const [row] = await runDetector(detector, [[documentOf("A. B.")]]);
    expect(row!.map((a) => a.result)).toEqual(["A. B."]);
  });

  it("fails wiring on an input column of another annotator type", () => {
    const detector = new SentenceDetector().setInputCols(["token"]);
    expect(() => detector.transformSchema(new Map([["token", { kind: "annotations", annotatorType: "token" }]]))).toThrow(PipelineWiringError);
    expect(() => detector.transformSchema(new Map([["token", { kind: "annotations", annotatorType: "token" }]]))).toThrow(/input column "token" has annotator type "token", expected annotator type "document"/);
  });

  it("saves and loads with its params", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-sentence-"));
    dirs.push(dir);
    const detector = new SentenceDetector({ customBounds: ["\\|"], customBoundsStrategy: "append", minLength: 2, splitLength: 40 });
    await saveStage(detector, dir);
    const loaded = (await loadStage(dir)) as SentenceDetector;
    expect(loaded).toBeInstanceOf(SentenceDetector);
    expect(loaded.paramValues()).toEqual(detector.paramValues());
    const rows = [[documentOf("a b|Dr. Smith. x")]];
    expect(await runDetector(loaded, rows)).toEqual(await runDetector(detector, rows));
    expect((await runDetector(loaded, rows))[0]!.map((a) => a.result)).toEqual(["a b|", "Dr. Smith."]);
  });
});
