import { Dictionary, Int32, makeData, makeVector, RecordBatchReader, Table, tableFromArrays, tableFromIPC, tableToIPC, Utf8, vectorFromArray, type RecordBatch } from "apache-arrow";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeAnnotations } from "@kindling/annotation";
import {
  LightPipeline,
  NotSupportedError,
  ParamError,
  PersistenceError,
  Pipeline,
  PipelineModel,
  PipelineWiringError,
  StageRowError,
  StageTimings,
} from "../src/index.js";
import { CapitalChunker, LearnedLengthTokenizer, TextToDocument, WhitespaceTokenizer } from "./fixtures.js";

const texts = ["Mr. ABC has chest pain", "", "denies Fever today"];
const input = (): Table => tableFromArrays({ id: Int32Array.from([1, 2, 3]), text: texts });
const results = (table: Table, col: string) => {
  const field = table.schema.fields.find((f) => f.name === col)!;
  return decodeAnnotations(table.getChild(col)!, field).map((row) => row.map((a) => a.result));
};

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("params", () => {
  it("has defaults, Spark-style setters and an options object", () => {
    const spark = new WhitespaceTokenizer().setInputCols(["document"]).setOutputCol("tok").setLowercase(true);
    const options = new WhitespaceTokenizer({ inputCols: ["document"], outputCol: "tok", lowercase: true });
    expect(spark.paramValues()).toEqual(options.paramValues());
    expect(new WhitespaceTokenizer().get("minLength")).toBe(1);
    expect(spark.getInputCols()).toEqual(["document"]);
    expect(new WhitespaceTokenizer().setInputCols("a", "b").getInputCols()).toEqual(["a", "b"]);
  });

  it("rejects invalid values and unknown params by name", () => {
    expect(() => new WhitespaceTokenizer({ minLength: -1 })).toThrowError(ParamError);
    expect(() => new WhitespaceTokenizer({ minLength: -1 })).toThrowError(/WhitespaceTokenizer: param "minLength" must be a non-negative integer, got -1/);
    expect(() => new WhitespaceTokenizer({ nope: 1 } as never)).toThrowError(/param "nope" is unknown; known params: inputCols, outputCol, lowercase, minLength/);
  });

  it("fails loudly on a Spark NLP param that is not implemented", () => {
    expect(() => new WhitespaceTokenizer().setTargetPattern("\\S+")).toThrowError(NotSupportedError);
    expect(() => new WhitespaceTokenizer({ targetPattern: "x" } as never)).toThrowError(/"targetPattern" is not supported by Kindling \(use the Tokenizer package\)/);
  });

  it("explains its params", () => {
    expect(new WhitespaceTokenizer({ lowercase: true }).explainParams()).toContain("lowercase: lower-case the token results (default: false, current: true)");
  });
});

describe("Pipeline", () => {
  const stages = () => [new TextToDocument(), new WhitespaceTokenizer().setInputCols(["document"]).setOutputCol("token"), new CapitalChunker().setInputCols(["token", "document"])];

  it("fits, transforms an Arrow table and keeps the input columns", async () => {
    const model = await new Pipeline({ stages: stages() }).fit(input());
    const out = await model.transform(input());
    expect(out.schema.fields.map((f) => f.name)).toEqual(["id", "text", "document", "token", "chunk"]);
    expect(out.schema.fields[3]!.metadata.get("annotatorType")).toBe("token");
    expect(results(out, "token")).toEqual([["Mr.", "ABC", "has", "chest", "pain"], [], ["denies", "Fever", "today"]]);
    expect(results(out, "chunk")).toEqual([["Mr.", "ABC"], [], ["Fever"]]);
    expect([...out.getChild("id")!]).toEqual([1, 2, 3]);
  });

  it("lists the input columns it reads and the output columns it adds", async () => {
    const model = await new Pipeline(stages()).fit();
    expect([model.inputColumns(), model.outputColumns()]).toEqual([["text"], ["document", "token", "chunk"]]);
    // A pipeline over pre-computed documents reads the document column.
    const reading = new PipelineModel([new WhitespaceTokenizer(), new CapitalChunker().setInputCols(["token", "document"])]);
    expect(reading.inputColumns()).toEqual(["document"]);
  });

  it("fits without data, like Spark's fit on an empty frame", async () => {
    const model = await new Pipeline(stages()).fit();
    expect(model.stages).toHaveLength(3);
  });

  it("fits approaches on the data transformed by earlier stages", async () => {
    const data = tableFromArrays({ text: ["aa bb cc dddd", "ee ff"] });
    const model = await new Pipeline([new TextToDocument(), new LearnedLengthTokenizer()]).fit(data);
    expect(model.stages[1]).toBeInstanceOf(WhitespaceTokenizer);
    expect(model.stages[1]!.get("minLength" as never)).toBe(2);
  });

  it("names stage, column, expected and actual type when an input column is missing", async () => {
    const bad = new Pipeline([new TextToDocument(), new WhitespaceTokenizer().setInputCols(["sentence"])]);
    await expect(bad.fit(input())).rejects.toThrowError(PipelineWiringError);
    await expect(bad.fit(input())).rejects.toThrowError(/stage WhitespaceTokenizer .*: input column "sentence" does not exist \(available: id, text, document\); expected annotator type "document"/);
  });

  it("names stage, column, expected and actual type when an input column has the wrong type", async () => {
    const bad = new Pipeline([new TextToDocument(), new WhitespaceTokenizer(), new CapitalChunker().setInputCols(["document", "text"])]);
    await expect(bad.fit(input())).rejects.toThrowError(/stage CapitalChunker .*: input column "text" is a plain column \(Dictionary<Int32, Utf8>\), expected annotator type "token"/);
    const wrongAnnotations = new Pipeline([new TextToDocument(), new WhitespaceTokenizer(), new WhitespaceTokenizer().setInputCols(["token"]).setOutputCol("t2")]);
    await expect(wrongAnnotations.fit(input())).rejects.toThrowError(/input column "token" has annotator type "token", expected annotator type "document"/);
  });

  it("refuses to overwrite an existing column", async () => {
    await expect(new Pipeline([new TextToDocument({ outputCol: "text" })]).fit(input())).rejects.toThrowError(/output column "text" already exists/);
  });

  it("wraps a row failure with the stage, its output column and the row index across batches", async () => {
    const model = await new Pipeline(stages()).fit();
    const first = tableFromArrays({ text: ["fine", "also fine"] });
    const second = tableFromArrays({ text: ["ok", "bad \u0000 row"] });
    const run = async () => {
      for await (const _ of model.transformBatches([...first.batches, ...second.batches])) void _;
    };
    await expect(run()).rejects.toThrowError(StageRowError);
    await expect(run()).rejects.toThrowError(/WhitespaceTokenizer \(output "token"\) failed on row 3: NUL byte in text/);
  });

  it("streams record batches in order and times each stage and the Arrow encoding", async () => {
    const model = await new Pipeline(stages()).fit();
    const timings = new StageTimings();
    const batches = [tableFromArrays({ text: ["One two"] }).batches[0]!, tableFromArrays({ text: ["Three"] }).batches[0]!];
    const out = [];
    for await (const b of model.transformBatches(batches, { timings })) out.push(b);
    expect(out.map((b) => b.numRows)).toEqual([1, 1]);
    expect(Object.keys(timings.toJSON()).sort()).toEqual(["CapitalChunker", "TextToDocument", "WhitespaceTokenizer", "arrow-encode"]);
  });

  it("transforms a table of several record batches into one consistent table", async () => {
    const model = await new Pipeline(stages()).fit();
    const a = tableFromArrays({ text: ["One Two"] });
    const b = tableFromArrays({ text: ["three Four", "Five"] });
    const out = await model.transform(a.concat(b));
    expect(out.batches).toHaveLength(2);
    expect(results(out, "chunk")).toEqual([["One", "Two"], ["Four"], ["Five"]]);
    expect(results(tableFromIPC(tableToIPC(out)), "token")).toEqual([["One", "Two"], ["three", "Four"], ["Five"]]);
  });

  it("processes a big record batch in slices of maxBatchRows, keeping row order and row numbers", async () => {
    const model = await new Pipeline(stages()).fit();
    const texts = Array.from({ length: 7 }, (_, i) => `Row ${i}`);
    const out = await model.transform(tableFromArrays({ text: texts }), { maxBatchRows: 3 });
    expect(out.batches.map((b) => b.numRows)).toEqual([3, 3, 1]);
    expect(results(out, "token").map((r) => r[1])).toEqual(texts.map((_, i) => String(i)));
    const bad = tableFromArrays({ text: [...texts, "bad \u0000"] });
    await expect(model.transform(bad, { maxBatchRows: 3 })).rejects.toThrowError(/failed on row 7/);
  });

  it("transforms a stream of record batches (array, async iterable, RecordBatchReader) into a stream", async () => {
    const model = await new Pipeline(stages()).fit();
    const table = tableFromArrays({ id: Int32Array.from([1, 2, 3]), text: texts }).concat(tableFromArrays({ id: Int32Array.from([4]), text: ["Last One"] }));
    const expected = results(await model.transform(table), "chunk");
    async function* asyncBatches() {
      yield* table.batches;
    }
    const collect = async (stream: AsyncGenerator<RecordBatch>) => {
      const out: RecordBatch[] = [];
      for await (const b of stream) out.push(b);
      return results(new Table(out), "chunk");
    };
    expect(expected).toEqual([["Mr.", "ABC"], [], ["Fever"], ["Last", "One"]]);
    expect(await collect(model.transform(table.batches))).toEqual(expected);
    expect(await collect(model.transform(asyncBatches(), { maxBatchRows: 1 }))).toEqual(expected);
    expect(await collect(model.transform(RecordBatchReader.from(tableToIPC(table, "stream"))))).toEqual(expected);
  });

  it("numbers rows from rowOffset in errors and rejects a maxBatchRows that is not a positive integer", async () => {
    const model = await new Pipeline(stages()).fit();
    const bad = tableFromArrays({ text: ["ok", "bad \u0000 row"] });
    await expect(model.transform(bad, { rowOffset: 500 })).rejects.toThrowError(/failed on row 501: NUL byte in text/);
    await expect(model.transform(bad, { maxBatchRows: 0 })).rejects.toThrowError("maxBatchRows must be a positive integer, got 0");
    await expect(model.transform(bad, { maxBatchRows: 2.5 })).rejects.toThrowError("maxBatchRows must be a positive integer, got 2.5");
  });

  it("gives its annotation columns dictionary ids that differ from the input's, even from another thread or IPC stream", async () => {
    const model = await new Pipeline(stages()).fit();
    // An input dictionary id equal to the next one this thread hands out, as an IPC stream's ids may well be.
    const next = new Dictionary(new Utf8(), new Int32()).id + 1;
    const dictionary = vectorFromArray(["One Two", "three"], new Utf8());
    const text = makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32(), next), length: 2, nullCount: 0, data: Int32Array.from([0, 1]), dictionary }));
    const out = await model.transform(new Table({ text }));
    expect(results(out, "token")).toEqual([["One", "Two"], ["three"]]);
    expect(results(tableFromIPC(tableToIPC(out)), "chunk")).toEqual([["One", "Two"], []]);
  });

  it("produces output that survives Arrow IPC", async () => {
    const model = await new Pipeline(stages()).fit();
    const back = tableFromIPC(tableToIPC(await model.transform(input())));
    expect(results(back, "chunk")).toEqual([["Mr.", "ABC"], [], ["Fever"]]);
  });
});

describe("LightPipeline", () => {
  it("annotates strings without Arrow, keyed by output column", async () => {
    const model = await new Pipeline([new TextToDocument(), new WhitespaceTokenizer(), new CapitalChunker()]).fit();
    const light = new LightPipeline(model);
    const one = await light.annotate("Chest pain today");
    expect(one.token).toEqual(["Chest", "pain", "today"]);
    expect(one.chunk).toEqual(["Chest"]);
    const many = await light.annotate(["a B", "C"]);
    expect(many.map((r) => r.chunk)).toEqual([["B"], ["C"]]);
    const full = await light.fullAnnotate("a B");
    expect(full.chunk![0]).toMatchObject({ annotatorType: "chunk", begin: 2, end: 2, result: "B", metadata: { entity: "CAP" } });
  });
});

describe("save and load", () => {
  it("round-trips a fitted pipeline through a directory with a format version", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-pipeline-"));
    dirs.push(dir);
    const model = await new Pipeline([new TextToDocument(), new WhitespaceTokenizer({ lowercase: true }), new CapitalChunker()]).fit();
    await model.save(dir);
    const metadata = JSON.parse(await readFile(join(dir, "pipeline.json"), "utf8"));
    expect(metadata).toMatchObject({ format: "kindling-pipeline", formatVersion: 1 });
    const loaded = await PipelineModel.load(dir);
    expect(await new LightPipeline(loaded).annotate("Chest Pain")).toEqual(await new LightPipeline(model).annotate("Chest Pain"));
    expect((await new LightPipeline(loaded).annotate("Chest Pain")).token).toEqual(["chest", "pain"]);
    // Spark keeps each stage's uid across save and load.
    expect(loaded.stages.map((s) => s.uid)).toEqual(model.stages.map((s) => s.uid));
  });

  it("fails with the path on a missing, foreign or newer directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-bad-"));
    dirs.push(dir);
    await expect(PipelineModel.load(join(dir, "nope"))).rejects.toThrowError(PersistenceError);
    await expect(PipelineModel.load(join(dir, "nope"))).rejects.toThrowError(/nope\/pipeline.json: cannot read the saved pipeline/);
    await writeFile(join(dir, "pipeline.json"), JSON.stringify({ format: "kindling-pipeline", formatVersion: 99, stages: [] }));
    await expect(PipelineModel.load(dir)).rejects.toThrowError(/format version 99 is newer than this Kindling reads \(1\)/);
  });
});
