// annotateTable over real DuckDB tables of real notes (MTSamples, the model card's note): the chunks and annotation
// tables hold exactly what LightPipeline finds in each note, with each note's id in the id column's own type.
import { annotationToJSON, type Annotation } from "@kindling/annotation";
import { LightPipeline } from "@kindling/core";
import { modelCardNote, sharedPath } from "@kindling/fixtures";
import { Field, makeData, RecordBatch, Schema, Struct } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { annotateTable, chunkRecord, installSliceMacro, sqlString, type AnnotateProgress, type BatchModel } from "../src/index.js";
import { openDatabase, rows, tableNames } from "./helpers.js";
import { nerPipeline } from "./pipeline.js";

const MTSAMPLES = sharedPath("data", "text", "mtsamples", "mtsamples.csv.gz");
const EXTRA_NOTES: [string, string | null][] = [
  ["card", modelCardNote()],
  ["emoji", "Severe chest pain 🙂 treated with aspirin. 𝔼 CT scan 👩‍⚕️ showed a mass.\r\nNo fever."],
  ["null", null],
  ["empty", ""],
];

/** A model that counts the batches it is given, around a real pipeline. */
function counting(model: BatchModel): BatchModel & { batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    async *transformBatches(input: AsyncIterable<RecordBatch>) {
      async function* counted() {
        for await (const b of input) {
          batches.push(b.numRows);
          yield b;
        }
      }
      yield* model.transformBatches(counted());
    },
  };
}

/** `{ key, value }` entries as DuckDB returns a MAP, back into a record. */
function fromDuckDB(list: { annotatorType: string; begin: number; end: number; result: string; metadata: { key: string; value: string }[]; embeddings: number[] }[]) {
  return list.map((a) => ({ ...a, metadata: Object.fromEntries(a.metadata.map((e) => [e.key, e.value])) }));
}

describe("annotateTable", async () => {
  const model = await nerPipeline();
  const light = new LightPipeline(model);
  const { instance, connection } = await openDatabase();
  await connection.run(
    `CREATE TABLE notes AS
     SELECT CAST(note_id AS VARCHAR) AS note_id, transcription AS text FROM read_csv(${sqlString(MTSAMPLES)}, header = true)
     WHERE transcription IS NOT NULL ORDER BY note_id LIMIT 24`,
  );
  const appender = await connection.createAppender("notes");
  for (const [id, text] of EXTRA_NOTES) {
    appender.appendVarchar(id);
    if (text === null) appender.appendNull();
    else appender.appendVarchar(text);
    appender.endRow();
  }
  appender.closeSync();
  const notes = (await rows(connection, "SELECT note_id, text FROM notes ORDER BY rowid")) as { note_id: string; text: string | null }[];
  const annotated = await Promise.all(notes.map(async (n) => ({ ...n, row: await light.fullAnnotate(n.text ?? "") })));
  const expectedChunks = annotated.flatMap((n) => (n.row.ner_chunk ?? []).map((c) => ({ id: n.note_id, ...chunkRecord(c) })));

  const progress: AnnotateProgress[] = [];
  const counted = counting(model);
  const summary = await annotateTable({
    instance,
    source: { table: "notes" },
    idColumn: "note_id",
    textColumn: "text",
    model: counted,
    outputs: { chunksTable: "chunks", annotationsTable: "annotations" },
    batchRows: 5,
    onProgress: (p) => progress.push(p),
  });

  it("writes every chunk of every note, in source order, exactly as LightPipeline finds them", async () => {
    expect(expectedChunks.length).toBeGreaterThan(400);
    expect(await rows(connection, 'SELECT id, chunk, "begin", "end", ner_label, confidence, sentence FROM chunks ORDER BY rowid')).toEqual(expectedChunks);
  });

  it("gives the chunks table its documented columns, with the id column's type", async () => {
    const columns = await rows(connection, "SELECT column_name, column_type FROM (DESCRIBE chunks)");
    expect(columns.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      "id VARCHAR",
      "chunk VARCHAR",
      "begin INTEGER",
      "end INTEGER",
      "ner_label VARCHAR",
      "confidence DOUBLE",
      "sentence INTEGER",
    ]);
  });

  it("offsets slice each note to its chunk, in JavaScript and with kindling_slice in SQL", async () => {
    const textOf = new Map(notes.map((n) => [n.note_id, n.text ?? ""]));
    for (const c of expectedChunks) expect(textOf.get(c.id)!.slice(c.begin, c.end + 1)).toBe(c.chunk);
    await installSliceMacro(connection);
    const [check] = await rows(
      connection,
      `SELECT count(*) AS chunks, count(*) FILTER (WHERE kindling_slice(n.text, c."begin", c."end") = c.chunk) AS sliced,
              count(*) FILTER (WHERE substring(n.text, c."begin" + 1, c."end" - c."begin" + 1) <> c.chunk) AS substring_wrong
       FROM chunks c JOIN notes n ON n.note_id = c.id`,
    );
    expect(check!.sliced).toBe(check!.chunks);
    // The emoji note is why the macro exists: plain substring misses its chunks after the first emoji.
    expect(Number(check!.substring_wrong)).toBeGreaterThan(0);
  });

  it("stores each annotation column as a native STRUCT(...)[] that round-trips every annotation", async () => {
    const columns = await rows(connection, "SELECT column_name, column_type FROM (DESCRIBE annotations)");
    const struct = 'STRUCT(annotatorType VARCHAR, "begin" INTEGER, "end" INTEGER, result VARCHAR, metadata MAP(VARCHAR, VARCHAR), embeddings FLOAT[])[]';
    expect(columns).toEqual([
      { column_name: "id", column_type: "VARCHAR" },
      ...["document", "sentence", "token", "embeddings", "ner", "ner_chunk"].map((name) => ({ column_name: name, column_type: struct })),
    ]);
    const stored = (await connection.runAndReadAll("SELECT * FROM annotations ORDER BY rowid")).getRowObjectsJS();
    expect(stored.map((r) => r.id)).toEqual(notes.map((n) => n.note_id));
    for (const [i, { row }] of annotated.entries()) {
      for (const column of ["document", "sentence", "token", "ner", "ner_chunk"]) {
        const expected = (row[column] ?? []).map((a: Annotation) => annotationToJSON(a));
        expect(fromDuckDB(stored[i]![column] as never)).toEqual(expected);
      }
    }
  });

  it("gives null and empty texts empty annotation lists and no chunks, and no error records", async () => {
    const empty = await rows(connection, "SELECT id, len(document)::INTEGER AS documents, len(ner_chunk)::INTEGER AS chunks FROM annotations WHERE id IN ('null', 'empty') ORDER BY id");
    expect(empty).toEqual([
      { id: "empty", documents: 0, chunks: 0 },
      { id: "null", documents: 0, chunks: 0 },
    ]);
    expect(await rows(connection, "SELECT * FROM chunks_errors")).toEqual([]);
  });

  it("sums notes, tokens and chunks in the summary", () => {
    const tokens = annotated.reduce((n, a) => n + (a.row.token?.length ?? 0), 0);
    expect(summary).toMatchObject({ notes: notes.length, tokens, chunks: expectedChunks.length, errors: 0 });
    expect(summary.seconds).toBeGreaterThan(0);
  });

  it("reads batchRows notes at a time and reports progress after each batch", () => {
    expect(counted.batches).toEqual([5, 5, 5, 5, 5, 3]);
    expect(progress.map((p) => p.notes)).toEqual([5, 10, 15, 20, 25, 28]);
    expect(progress.at(-1)).toEqual({ notes: 28, tokens: summary.tokens, chunks: summary.chunks, errors: 0 });
  });

  it("reads a query source, and numbers the rows when there is no id column", async () => {
    const result = await annotateTable({
      instance,
      source: { query: "SELECT text FROM notes WHERE note_id IN ('card', 'emoji') ORDER BY note_id" },
      textColumn: "text",
      model,
      outputs: { chunksTable: "numbered" },
    });
    expect(result.notes).toBe(2);
    const numbered = await rows(connection, 'SELECT id, chunk, "begin", "end" FROM numbered ORDER BY rowid');
    const want = ["card", "emoji"].flatMap((id, row) =>
      expectedChunks.filter((c) => c.id === id).map((c) => ({ id: String(row), chunk: c.chunk, begin: c.begin, end: c.end })),
    );
    expect(numbered).toEqual(want);
    expect((await rows(connection, "SELECT column_type FROM (DESCRIBE numbered) WHERE column_name = 'id'"))[0]).toEqual({ column_type: "BIGINT" });
  });

  it("keeps duplicate ids: each row is annotated on its own", async () => {
    await connection.run("CREATE TABLE twice AS SELECT 7::INTEGER AS id, text FROM notes WHERE note_id IN ('card', 'emoji')");
    await annotateTable({ instance, source: { table: "twice" }, idColumn: "id", textColumn: "text", model, outputs: { chunksTable: "twice_chunks" } });
    const chunks = await rows(connection, "SELECT DISTINCT id FROM twice_chunks");
    expect(chunks).toEqual([{ id: 7 }]);
    const count = await rows(connection, "SELECT count(*) AS n FROM twice_chunks");
    expect(Number(count[0]!.n)).toBe(expectedChunks.filter((c) => c.id === "card" || c.id === "emoji").length);
  });

  it("writes only the annotationColumns asked for", async () => {
    await annotateTable({
      instance,
      source: { query: "FROM notes WHERE note_id = 'emoji'" },
      idColumn: "note_id",
      textColumn: "text",
      model,
      outputs: { annotationsTable: "chunk_annotations" },
      annotationColumns: ["ner_chunk"],
    });
    expect((await rows(connection, "SELECT column_name FROM (DESCRIBE chunk_annotations)")).map((r) => r.column_name)).toEqual(["id", "ner_chunk"]);
    expect(await tableNames(connection)).toContain("chunk_annotations_errors");
  });

  it("names the errors table as told", async () => {
    await annotateTable({
      instance,
      source: { query: "FROM notes WHERE note_id = 'emoji'" },
      idColumn: "note_id",
      textColumn: "text",
      model,
      outputs: { chunksTable: "emoji_chunks", errorsTable: "emoji_problems" },
    });
    const names = await tableNames(connection);
    expect(names).toContain("emoji_problems");
    expect(names).not.toContain("emoji_chunks_errors");
  });
});

describe("annotateTable with a differently wired pipeline", async () => {
  const { instance, connection } = await openDatabase();
  const model = await nerPipeline();
  await connection.run(`CREATE TABLE notes AS SELECT 1 AS id, ${sqlString(modelCardNote())} AS body`);

  /** The same pipeline, reading `textColumn` and writing chunks to `chunkColumn`. */
  function rewired(textColumn: string, chunkColumn: string): BatchModel {
    return {
      async *transformBatches(input) {
        for await (const out of model.transformBatches(rename(input, textColumn, "text"))) yield renameColumn(out, "ner_chunk", chunkColumn);
      },
    };
  }

  it("hands the model its text under modelTextColumn and flattens chunkColumn; tokenColumn sets what the summary counts", async () => {
    const summary = await annotateTable({
      instance,
      source: { table: "notes" },
      idColumn: "id",
      textColumn: "body",
      model: rewired("note_text", "entities"),
      modelTextColumn: "note_text",
      chunkColumn: "entities",
      tokenColumn: "sentence",
      outputs: { chunksTable: "chunks" },
    });
    const chunks = (await new LightPipeline(model).fullAnnotate(modelCardNote())).ner_chunk!;
    expect(await rows(connection, 'SELECT chunk, "begin" FROM chunks ORDER BY rowid')).toEqual(chunks.map((c) => ({ chunk: c.result, begin: c.begin })));
    // The card's note has three sentences.
    expect(summary.tokens).toBe(3);
  });

  it("names the chunk column it cannot find, and the model's annotation columns", async () => {
    const before = await tableNames(connection);
    await expect(
      annotateTable({ instance, source: { table: "notes" }, idColumn: "id", textColumn: "body", model: rewired("text", "entities"), outputs: { chunksTable: "missing" } }),
    ).rejects.toThrow('the model\'s output has no annotation column "ner_chunk" (its annotation columns: document, sentence, token, embeddings, ner, entities)');
    expect(await tableNames(connection)).toEqual(before);
  });
});


async function* rename(input: AsyncIterable<RecordBatch>, from: string, to: string): AsyncGenerator<RecordBatch> {
  for await (const b of input) yield renameColumn(b, from, to);
}

function renameColumn(batch: RecordBatch, from: string, to: string): RecordBatch {
  const fields = batch.schema.fields.map((f) => (f.name === from ? new Field(to, f.type, f.nullable, f.metadata) : f));
  const schema = new Schema(fields, batch.schema.metadata);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children: batch.data.children }));
}
