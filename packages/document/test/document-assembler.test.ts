import { AnnotatorType, decodeAnnotations, makeAnnotation, type Annotation } from "@kindling/annotation";
import {
  AnnotationBatch,
  AnnotatorModel,
  LightPipeline,
  NotSupportedError,
  ParamError,
  Pipeline,
  PipelineModel,
  PipelineWiringError,
  StageRowError,
  type RowInputs,
  type StageParams,
} from "@kindling/core";
import { Int32, RecordBatch, Table, tableFromArrays, tableFromJSON, Utf8, vectorFromArray } from "apache-arrow";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DocumentAssembler } from "../src/index.js";
import { modelCardNote } from "@kindling/fixtures";

function documents(table: Table, column = "document"): Annotation[][] {
  const field = table.schema.fields.find((f) => f.name === column)!;
  return decodeAnnotations(table.getChild(column)!, field);
}

function run(assembler: DocumentAssembler, columns: Record<string, readonly unknown[]>): Annotation[][] {
  const batch = AnnotationBatch.fromColumns(columns);
  assembler.transformBatch(batch);
  return batch.annotations(assembler.getOutputCol());
}

describe("DocumentAssembler on the model card note", () => {
  const note = modelCardNote();

  it("emits one document spanning the whole text, leading newline and trailing spaces included", async () => {
    const table = tableFromArrays({ text: [note] });
    const out = await new PipelineModel([new DocumentAssembler()]).transform(table);
    const [doc] = documents(out)[0]!;
    expect(doc).toMatchObject({ annotatorType: "document", begin: 0, end: note.length - 1, result: note, metadata: { sentence: "0" } });
    expect(note.startsWith("\nMr. ABC")).toBe(true);
    expect(note.slice(doc!.begin, doc!.end + 1)).toBe(doc!.result);
  });

  it("shrink trims the leading newline and joins the lines: offsets index into the cleaned text", () => {
    const [doc] = run(new DocumentAssembler({ cleanupMode: "shrink" }), { text: [note] })[0]!;
    expect(doc!.result.startsWith("Mr. ABC is a 60-year-old")).toBe(true);
    expect(doc!.result).not.toMatch(/\n|  /);
    expect(doc!.end).toBe(doc!.result.length - 1);
    // "stress test" sits one character earlier than in the original note (the leading newline is gone).
    expect(doc!.result.indexOf("stress test")).toBe(note.indexOf("stress test") - 1);
  });
});

/** A downstream stage that reads only annotations: whitespace tokens of the document's `result`. */
class WhitespaceTokens extends AnnotatorModel<StageParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT] as const;
  readonly outputAnnotatorType = AnnotatorType.TOKEN;
  constructor() {
    super({ inputCols: { default: ["document"], doc: "" }, outputCol: { default: "token", doc: "" } }, undefined);
  }
  get stageName(): string {
    return "WhitespaceTokens";
  }
  get packageName(): string {
    return "test";
  }
  annotate([docs]: RowInputs): Annotation[] {
    return docs!.flatMap((d) => [...d.result.matchAll(/\S+/g)].map((m) => makeAnnotation("token", d.begin + m.index, d.begin + m.index + m[0].length - 1, m[0])));
  }
}

describe("offsets after a length-changing cleanup", () => {
  it("downstream token offsets index into the cleaned text (the document's result), not the input", async () => {
    const text = "  chest\r\n\tpain  and   fever\n";
    const model = await new Pipeline([new DocumentAssembler({ cleanupMode: "shrink" }), new WhitespaceTokens()]).fit();
    const out = await model.transform(tableFromArrays({ text: [text] }));
    const [doc] = documents(out)[0]!;
    const tokens = documents(out, "token")[0]!;
    expect(doc!.result).toBe("chest pain and fever");
    expect(tokens.map((t) => [t.result, t.begin, t.end])).toEqual([
      ["chest", 0, 4],
      ["pain", 6, 9],
      ["and", 11, 13],
      ["fever", 15, 19],
    ]);
    for (const t of tokens) expect(doc!.result.slice(t.begin, t.end + 1)).toBe(t.result);
    expect(text.slice(tokens[1]!.begin, tokens[1]!.end + 1)).not.toBe("pain");
  });

  it("inplace keeps offsets valid in the original text too", () => {
    const text = "chest\r\n\tpain";
    const [doc] = run(new DocumentAssembler({ cleanupMode: "inplace" }), { text: [text] })[0]!;
    expect(doc!.result).toBe("chest   pain");
    expect(doc!.result.length).toBe(text.length);
    expect(text.slice(8, 12)).toBe(doc!.result.slice(8, 12));
  });
});

describe("cleanupMode through the stage", () => {
  const text = " \tDx:\r\nchest\u00a0pain\\n  (CP)\t\n";
  const expected = {
    disabled: text,
    inplace: "  Dx:  chest\u00a0pain\\n  (CP)  ",
    inplace_full: "  Dx:  chest\u00a0pain   (CP)  ",
    shrink: "Dx: chest\u00a0pain\\n (CP)",
    // The escape and the two spaces after it are separate matches: two spaces remain.
    shrink_full: "Dx: chest\u00a0pain  (CP)",
    each: " Dx: chest\u00a0pain\\n  (CP) ",
    each_full: " Dx: chest\u00a0pain\\n  (CP) ",
    delete_full: "Dx:\r\nchest\u00a0pain  (CP)",
  } as const;
  for (const [mode, result] of Object.entries(expected)) {
    it(`${mode}: result is the cleaned text and end = its length - 1`, () => {
      const [doc] = run(new DocumentAssembler().setCleanupMode(mode), { text: [text] })[0]!;
      expect(doc).toMatchObject({ begin: 0, end: result.length - 1, result });
    });
  }

  it("setCleanupMode accepts Spark's spellings (case, spaces) and rejects unknown modes", () => {
    expect(new DocumentAssembler().setCleanupMode(" Shrink_FULL ").getCleanupMode()).toBe("shrink_full");
    expect(() => new DocumentAssembler().setCleanupMode("squash")).toThrow(ParamError);
    expect(() => new DocumentAssembler({ cleanupMode: "squash" as never })).toThrow(/cleanupMode.*must be one of disabled, inplace/);
  });

  it("a text that cleanup empties gives no annotation", () => {
    expect(run(new DocumentAssembler({ cleanupMode: "shrink" }), { text: [" \r\n\t "] })).toEqual([[]]);
    expect(run(new DocumentAssembler(), { text: [" \r\n\t "] })[0]).toHaveLength(1);
  });
});

describe("null, empty and non-string rows", () => {
  it("null and empty texts give empty annotation lists through a real Arrow table", async () => {
    const table = tableFromArrays({ text: ["first", null, "", "fourth"] });
    const out = await new PipelineModel([new DocumentAssembler()]).transform(table);
    expect(documents(out).map((row) => row.map((d) => d.result))).toEqual([["first"], [], [], ["fourth"]]);
  });

  it("null, undefined and empty give empty lists through AnnotationBatch.fromColumns", () => {
    expect(run(new DocumentAssembler(), { text: ["a", null, undefined, ""] }).map((r) => r.length)).toEqual([1, 0, 0, 0]);
  });

  it("a number in a plain JS column is an error naming the row and the column", () => {
    const batch = AnnotationBatch.fromColumns({ body: ["ok", "ok", 42] }, 100);
    const stage = new DocumentAssembler({ inputCol: "body" });
    expect(() => stage.transformBatch(batch)).toThrow(StageRowError);
    expect(() => stage.transformBatch(batch)).toThrow('DocumentAssembler (output "document") failed on row 102: column "body" holds a number (42), expected a string or null');
  });

  it("an object or array is an error that shows what it was", () => {
    expect(() => run(new DocumentAssembler(), { text: [{ note: "x" }] })).toThrow('row 0: column "text" holds an object ({"note":"x"}), expected a string or null');
    expect(() => run(new DocumentAssembler(), { text: [["x"]] })).toThrow('row 0: column "text" holds an array (["x"])');
  });

  it("a numeric Arrow column is rejected at wiring time, before any row is read", async () => {
    const table = tableFromArrays({ text: Int32Array.from([1, 2]) });
    await expect(new PipelineModel([new DocumentAssembler()]).transform(table)).rejects.toThrow(PipelineWiringError);
    await expect(new PipelineModel([new DocumentAssembler()]).transform(table)).rejects.toThrow('input column "text" is a Int32 column; DocumentAssembler reads text (Utf8)');
  });

  it("a numeric Arrow column read batch by batch names the row in the whole input", () => {
    const batch = AnnotationBatch.fromArrow(tableFromArrays({ text: Int32Array.from([7]) }), 5);
    expect(() => new DocumentAssembler().transformBatch(batch)).toThrow('failed on row 5: column "text" holds a number (7)');
  });

  it("reads ids batch by batch across the record batches of a table", async () => {
    const input = new Table([
      new RecordBatch({ text: vectorFromArray(["a"], new Utf8()).data[0]!, id: vectorFromArray([1], new Int32()).data[0]! }),
      new RecordBatch({ text: vectorFromArray(["b"], new Utf8()).data[0]!, id: vectorFromArray([2], new Int32()).data[0]! }),
    ]);
    const ids: string[] = [];
    // Streamed, batch by batch: core's Table-level transform cannot yet concatenate several annotated batches.
    for await (const batch of new PipelineModel([new DocumentAssembler({ idCol: "id" })]).transformBatches(input.batches)) {
      ids.push(...documents(new Table(batch)).map((r) => r[0]!.metadata.id!));
    }
    expect(ids).toEqual(["1", "2"]);
  });

  it("the input column must exist and must not be an annotation column", async () => {
    const model = new PipelineModel([new DocumentAssembler({ inputCol: "body" })]);
    await expect(model.transform(tableFromArrays({ text: ["x"] }))).rejects.toThrow('inputCol column "body" does not exist (available: text)');
    const twice = new PipelineModel([new DocumentAssembler(), new DocumentAssembler({ inputCol: "document", outputCol: "again" })]);
    await expect(twice.transform(tableFromArrays({ text: ["x"] }))).rejects.toThrow('inputCol column "document" holds "document" annotations');
  });
});

describe("idCol", () => {
  it("puts the row's id into the metadata before sentence, as Spark does", async () => {
    const table = tableFromJSON([
      { text: "first note", id: "n-1" },
      { text: "second note", id: "n-2" },
    ]);
    const out = await new PipelineModel([new DocumentAssembler().setIdCol("id")]).transform(table);
    const metadata = documents(out).map((row) => row[0]!.metadata);
    expect(metadata).toEqual([
      { id: "n-1", sentence: "0" },
      { id: "n-2", sentence: "0" },
    ]);
    expect(Object.keys(metadata[0]!)).toEqual(["id", "sentence"]);
  });

  it("stores integer ids (Int64 arrives as bigint) as decimal text and omits a null id", () => {
    const rows = run(new DocumentAssembler({ idCol: "id" }), { text: ["a", "b", "c"], id: [7, 9007199254740993n, null] });
    expect(rows.map((r) => r[0]!.metadata)).toEqual([{ id: "7", sentence: "0" }, { id: "9007199254740993", sentence: "0" }, { sentence: "0" }]);
  });

  it("without idCol there is no id key, even if the table has an id column", () => {
    expect(run(new DocumentAssembler(), { text: ["a"], id: ["x"] })[0]![0]!.metadata).toEqual({ sentence: "0" });
  });

  it("rejects an id that is neither text nor a number, and a missing id column", async () => {
    expect(() => run(new DocumentAssembler({ idCol: "id" }), { text: ["a", "b"], id: ["x", true] })).toThrow('row 1: id column "id" holds a boolean (true)');
    const model = new PipelineModel([new DocumentAssembler({ idCol: "doc_id" })]);
    await expect(model.transform(tableFromArrays({ text: ["x"] }))).rejects.toThrow('idCol column "doc_id" does not exist');
  });

  it("is declared as a plain input so Pipeline.fit() without data accepts it", async () => {
    const stage = new DocumentAssembler({ idCol: "id" });
    expect(stage.valueInputCols()).toEqual(["text", "id"]);
    await expect(new Pipeline([stage]).fit()).resolves.toBeInstanceOf(PipelineModel);
  });
});

describe("params and persistence", () => {
  it("inputCol and outputCol pick the columns", () => {
    const stage = new DocumentAssembler().setInputCol("note").setOutputCol("doc");
    const batch = AnnotationBatch.fromColumns({ note: ["hello"] });
    stage.transformBatch(batch);
    expect(batch.outputs()).toEqual([{ name: "doc", annotatorType: "document", rows: [[expect.objectContaining({ result: "hello" })]] }]);
    expect(() => new DocumentAssembler().setInputCol("")).toThrow(ParamError);
  });

  it("metadataCol is a Spark param Kindling does not implement", () => {
    expect(() => new DocumentAssembler().setMetadataCol("meta")).toThrow(NotSupportedError);
    expect(() => new DocumentAssembler({ metadataCol: "meta" } as never)).toThrow(/"metadataCol" is not supported/);
  });

  it("unknown options are errors", () => {
    expect(() => new DocumentAssembler({ inputcol: "x" } as never)).toThrow(/param "inputcol" is unknown/);
  });

  it("saves and loads with its params", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-document-"));
    try {
      await new PipelineModel([new DocumentAssembler({ inputCol: "note", cleanupMode: "shrink_full", idCol: "id" })]).save(dir);
      const loaded = await PipelineModel.load(dir);
      const stage = loaded.stages[0] as DocumentAssembler;
      expect(stage).toBeInstanceOf(DocumentAssembler);
      expect(stage.paramValues()).toEqual({ inputCol: "note", outputCol: "document", idCol: "id", cleanupMode: "shrink_full" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("drives a LightPipeline, which reads its input column", async () => {
    const light = new LightPipeline(new PipelineModel([new DocumentAssembler({ cleanupMode: "shrink" })]));
    expect(await light.annotate(["  two\n\nlines ", ""])).toEqual([{ document: ["two lines"] }, { document: [] }]);
  });

  it("explainParams lists every param with its default", () => {
    const lines = new DocumentAssembler().explainParams().split("\n");
    expect(lines.map((l) => l.split(":")[0])).toEqual(["inputCol", "outputCol", "idCol", "cleanupMode"]);
  });
});
