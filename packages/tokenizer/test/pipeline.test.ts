import { AnnotatorType, annotationField, decodeAnnotations, encodeAnnotationData, makeAnnotation, type Annotation } from "@kindling/annotation";
import { Pipeline, PipelineModel, PipelineWiringError, StageRowError } from "@kindling/core";
import { makeData, RecordBatch, Schema, Struct, Table } from "apache-arrow";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Tokenizer, TokenizerModel } from "../src/index.js";
import { lineSentences, modelCardNote } from "./helpers.js";

/** An Arrow table with one annotation column, as a SentenceDetector would have produced it. */
function annotationTable(column: string, annotatorType: string, rows: Annotation[][]): Table {
  const data = encodeAnnotationData(rows);
  const fields = [annotationField(column, annotatorType, data.type)];
  return new Table([new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children: [data] }))]);
}

const note = modelCardNote();
const texts = [note, "Pain. Seen by [** Name **], b.i.d.", ""];
const rows = texts.map(lineSentences);

describe("Tokenizer in a Pipeline over Arrow", () => {
  it("fits to a TokenizerModel and adds a token column whose rows match annotate()", async () => {
    const table = annotationTable("sentence", AnnotatorType.DOCUMENT, rows);
    const pipeline = await new Pipeline([new Tokenizer().setInputCols(["sentence"]).setOutputCol("token")]).fit(table);
    const model = pipeline.stages[0]!;
    expect(model).toBeInstanceOf(TokenizerModel);
    const out = await pipeline.transform(table);
    const field = out.schema.fields.find((f) => f.name === "token")!;
    expect(field.metadata.get("annotatorType")).toBe("token");
    const decoded = decodeAnnotations(out.getChild("token")!, field);
    expect(decoded).toHaveLength(3);
    for (let r = 0; r < rows.length; r++) {
      const expected = (model as TokenizerModel).annotate([rows[r]!]);
      expect(decoded[r]!.map((a) => [a.result, a.begin, a.end, a.metadata.sentence])).toEqual(expected.map((a) => [a.result, a.begin, a.end, a.metadata.sentence]));
      for (const a of decoded[r]!) expect(texts[r]!.slice(a.begin, a.end + 1)).toBe(a.result);
    }
    expect(decoded[1]!.map((a) => a.result)).toEqual(["Pain", ".", "Seen", "by", "[** Name **]", ",", "b.i.d."]);
    expect(decoded[2]).toEqual([]);
  });

  it("saves and loads the fitted model with its params", async () => {
    const table = annotationTable("sentence", AnnotatorType.DOCUMENT, rows);
    const fitted = await new Pipeline([new Tokenizer().setInputCols(["sentence"]).setSplitChars(["-"]).setExceptions(["ST depressions"]).setMinLength(2)]).fit(table);
    const dir = await mkdtemp(join(tmpdir(), "kindling-tokenizer-"));
    await fitted.save(dir);
    const loaded = await PipelineModel.load(dir);
    const model = loaded.stages[0] as TokenizerModel;
    expect(model).toBeInstanceOf(TokenizerModel);
    expect(model.getSplitChars()).toEqual(["-"]);
    const tokens = model.annotate([rows[0]!]).map((a) => a.result);
    expect(tokens).toEqual((fitted.stages[0] as TokenizerModel).annotate([rows[0]!]).map((a) => a.result));
    expect(tokens).toContain("ST depressions");
    expect(tokens).toContain("LAD");
    expect(tokens).not.toContain("a");
  });

  it("names a missing or mistyped input column", async () => {
    const table = annotationTable("sentence", AnnotatorType.DOCUMENT, rows);
    await expect(new Pipeline([new Tokenizer().setInputCols(["sentences"])]).fit(table)).rejects.toThrow(PipelineWiringError);
    const tokens = annotationTable("token", AnnotatorType.TOKEN, [[]]);
    await expect(new Pipeline([new Tokenizer().setInputCols(["token"]).setOutputCol("token2")]).fit(tokens)).rejects.toThrow(/no input column of annotator type "document"/);
  });
});

describe("TokenizerModel.annotate", () => {
  const model = new TokenizerModel();
  const sentence = (begin: number, result: string, metadata: Record<string, string> = {}) =>
    makeAnnotation(AnnotatorType.DOCUMENT, begin, begin + result.length - 1, result, metadata);

  it("takes metadata.sentence from the sentence, or its index when absent", () => {
    const tokens = model.annotate([[sentence(0, "Pain.", { sentence: "7" }), sentence(6, "Dyspnea now.")]]);
    expect(tokens.map((t) => [t.result, t.metadata])).toEqual([
      ["Pain", { sentence: "7" }],
      [".", { sentence: "7" }],
      ["Dyspnea", { sentence: "1" }],
      ["now", { sentence: "1" }],
      [".", { sentence: "1" }],
    ]);
    expect(tokens.every((t) => t.annotatorType === "token" && t.embeddings.length === 0)).toBe(true);
  });

  it("returns nothing for no sentences or blank sentences", () => {
    expect(model.annotate([[]])).toEqual([]);
    expect(model.annotate([[sentence(0, " \t\r\n ")]])).toEqual([]);
  });

  it("names the row of a malformed sentence", async () => {
    const bad = { ...sentence(0, "x"), result: 42 } as unknown as Annotation;
    const negative = sentence(-3, "abc");
    await expect(Promise.resolve(model.annotateBatch([[[sentence(0, "ok")]], [[bad]]], 10))).rejects.toThrow(StageRowError);
    await expect(Promise.resolve(model.annotateBatch([[[sentence(0, "ok")]], [[bad]]], 10))).rejects.toThrow(/row 11: sentence 0 has a non-string result/);
    await expect(Promise.resolve(model.annotateBatch([[[negative]]]))).rejects.toThrow(/row 0: sentence 0 has an invalid begin offset -3/);
  });
});
