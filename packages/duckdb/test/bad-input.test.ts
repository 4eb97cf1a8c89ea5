// Bad input, each case against the real DuckDB: rows that cannot be annotated become error records and every other
// row is kept; a source that cannot be annotated at all fails before anything is written, naming what is wrong.
import { LightPipeline } from "@kindling/core";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { annotateTable, csvSource, DEFAULT_MAX_TEXT_LENGTH, jsonSource, NoteReader, parquetSource, SourceError, sqlString, TooManyErrors, type AnnotateTableOptions, type NoteSource, type RowError } from "../src/index.js";
import { openDatabase, rows, tableNames, tempDir, watched } from "./helpers.js";
import { nerPipeline } from "./pipeline.js";

const PAIN = "Severe chest pain, treated with aspirin.";
const MASS = "No fever. CT scan showed a small mass.";

describe("annotateTable on bad input", async () => {
  const dir = await tempDir();
  const model = await nerPipeline();
  const light = new LightPipeline(model);
  const chunksOf = async (text: string) => (await light.fullAnnotate(text)).ner_chunk!.map((c) => c.result);
  const { instance, connection } = await openDatabase();
  let n = 0;

  /** Annotates `source` into fresh tables; returns the chunk texts per id, the error rows and the summary. */
  async function annotate(source: NoteSource, options: Partial<AnnotateTableOptions> = {}) {
    const chunksTable = `chunks_${n++}`;
    const summary = await annotateTable({ instance, source, idColumn: "id", textColumn: "text", model, outputs: { chunksTable }, ...options });
    const chunks = await rows(connection, `SELECT id::VARCHAR AS id, list(chunk ORDER BY rowid) AS chunks FROM ${chunksTable} GROUP BY id ORDER BY id`);
    const errors = await rows(connection, `SELECT id::VARCHAR AS id, "row"::INTEGER AS "row", message FROM ${chunksTable}_errors ORDER BY rowid`);
    return { summary, chunks: Object.fromEntries(chunks.map((r) => [r.id, r.chunks])), errors };
  }

  /** Runs that must fail before writing: the model is never asked for a batch and no table appears. */
  async function expectFailsBeforeWriting(source: NoteSource, message: string | RegExp, options: Partial<AnnotateTableOptions> = {}) {
    const before = await tableNames(connection);
    const watch = watched(model);
    const run = annotateTable({ instance, source, idColumn: "id", textColumn: "text", model: watch.model, outputs: { chunksTable: "never" }, ...options });
    await expect(run).rejects.toThrow(SourceError);
    await expect(run).rejects.toThrow(message);
    expect(watch.batches()).toBe(0);
    expect(await tableNames(connection)).toEqual(before);
  }

  it("annotates null and empty texts as empty: no chunks, no error records, counted as notes", async () => {
    const { summary, chunks, errors } = await annotate({ query: `SELECT * FROM (VALUES (1, NULL), (2, ''), (3, ${sqlString(PAIN)})) AS t(id, text)` });
    expect(chunks).toEqual({ "3": await chunksOf(PAIN) });
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ notes: 3, errors: 0 });
  });

  it("fails on a non-string text column, naming the column and its type, before anything is written", async () => {
    await connection.run("CREATE TABLE numbers AS SELECT 1 AS id, 42 AS text");
    await expectFailsBeforeWriting(
      { table: "numbers" },
      'table "numbers": text column "text" has type INTEGER, expected VARCHAR (cast it in a query source if it holds text: SELECT ..., CAST("text" AS VARCHAR) AS "text")',
    );
    await expectFailsBeforeWriting({ query: "SELECT 1 AS id, ['chest pain'] AS text", name: "lists" }, 'lists: text column "text" has type VARCHAR[], expected VARCHAR');
  });

  it("fails on a missing id or text column, listing the columns there are", async () => {
    await connection.run("CREATE TABLE renamed AS SELECT 1 AS note_id, 'x' AS body");
    await expectFailsBeforeWriting({ table: "renamed" }, 'table "renamed": no id column "id" (available columns: note_id, body)');
    await expectFailsBeforeWriting({ table: "renamed" }, 'table "renamed": no text column "text" (available columns: note_id, body)', { idColumn: "note_id" });
    await expectFailsBeforeWriting({ table: "absent" }, /table "absent": cannot read it: Catalog Error: Table with name absent does not exist/);
  });

  it("turns a 10 MB text into an error record by default and annotates the rows around it", async () => {
    const huge = "Severe chest pain. ".repeat(552_000);
    expect(huge.length).toBeGreaterThan(10 * 1024 * 1024);
    const { summary, chunks, errors } = await annotate({
      query: `SELECT * FROM (VALUES (1, ${sqlString(PAIN)}), (2, repeat('Severe chest pain. ', 552000)), (3, ${sqlString(MASS)})) AS t(id, text)`,
    });
    expect(errors).toEqual([{ id: "2", row: 1, message: `text is ${huge.length} UTF-16 code units long, over maxTextLength (${DEFAULT_MAX_TEXT_LENGTH})` }]);
    expect(chunks).toEqual({ "1": await chunksOf(PAIN), "3": await chunksOf(MASS) });
    expect(summary).toMatchObject({ notes: 3, errors: 1 });
  });

  it("annotates a text up to maxTextLength and records a longer one", async () => {
    const long = `${PAIN} `.repeat(100);
    const source = { query: `SELECT 1 AS id, ${sqlString(long)} AS text` };
    const under = await annotate(source, { maxTextLength: long.length });
    expect(under.errors).toEqual([]);
    expect(under.chunks["1"]).toEqual(await chunksOf(long));
    const over = await annotate(source, { maxTextLength: long.length - 1 });
    expect(over.errors).toEqual([{ id: "1", row: 0, message: `text is ${long.length} UTF-16 code units long, over maxTextLength (${long.length - 1})` }]);
    expect(over.chunks).toEqual({});
  });

  it("records non-string values of a mixed-type JSON text field and keeps the other rows", async () => {
    const path = join(dir, "mixed.jsonl");
    await writeFile(path, [{ id: 1, text: PAIN }, { id: 2, text: 42 }, { id: 3, text: ["chest", "pain"] }, { id: 4, text: null }, { id: 5, text: MASS }].map((r) => JSON.stringify(r)).join("\n"));
    const { summary, chunks, errors } = await annotate(jsonSource(path));
    expect(errors).toEqual([
      { id: "2", row: 1, message: 'text column "text" holds a number (42), expected a string or null' },
      { id: "3", row: 2, message: 'text column "text" holds an array (["chest","pain"]), expected a string or null' },
    ]);
    expect(chunks).toEqual({ "1": await chunksOf(PAIN), "5": await chunksOf(MASS) });
    expect(summary).toMatchObject({ notes: 5, errors: 2 });
  });

  it("records malformed CSV lines and lines with invalid UTF-8, naming the line, and keeps every other row", async () => {
    const path = join(dir, "bad.csv");
    const lines = ["id,text", `1,"${PAIN}"`, '2,"bad \xff\xfe bytes"', '3,"too","many","fields"', `4,"${MASS}"`, "5"];
    await writeFile(path, Buffer.from(lines.join("\n") + "\n", "latin1"));
    const { summary, chunks, errors } = await annotate(csvSource(path, { varcharColumns: ["text"] }));
    expect(errors).toEqual([
      { id: null, row: null, message: `${path} line 3: INVALID ENCODING: Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.` },
      { id: null, row: null, message: `${path} line 4: TOO MANY COLUMNS: Expected Number of Columns: 2 Found: 3` },
      { id: null, row: null, message: `${path} line 6: MISSING COLUMNS: Expected Number of Columns: 2 Found: 1` },
    ]);
    expect(chunks).toEqual({ "1": await chunksOf(PAIN), "4": await chunksOf(MASS) });
    expect(summary).toMatchObject({ notes: 2, errors: 3 });
  });

  it("fails a CSV without an id column that has a refused line before annotating: the later notes' numbers would be off", async () => {
    const path = join(dir, "shift.csv");
    await writeFile(path, ["text,source", `"${PAIN}",a`, '"Fever.",b,EXTRA', `"${MASS}",c`].join("\n") + "\n");
    // It fails before the model sees a note: a reading pass finds the refused line first.
    await expectFailsBeforeWriting(csvSource(path, { varcharColumns: ["text"] }), `${path} line 3: TOO MANY COLUMNS: Expected Number of Columns: 2 Found: 3. Without an id column`, { idColumn: undefined });
    // With an id column the refused line is an error record and the other notes keep their ids.
    await writeFile(path, ["id,text", `1,"${PAIN}"`, '2,"Fever.",EXTRA', `3,"${MASS}"`].join("\n") + "\n");
    expect((await annotate(csvSource(path, { varcharColumns: ["text"] }))).chunks).toEqual({ "1": await chunksOf(PAIN), "3": await chunksOf(MASS) });
  });

  it("reads types from every line, not a sample: a late number in a JSON text field is an error, a late text id in a CSV is kept", async () => {
    // DuckDB's sniffers sample ~20,000 rows by default; what comes after would be cast (42 -> "42") or refused.
    const early = Array.from({ length: 25_000 }, (_, i) => i);
    const jsonl = join(dir, "late.jsonl");
    await writeFile(jsonl, [...early.map((id) => JSON.stringify({ id, text: "Chest pain." })), JSON.stringify({ id: "A999", text: 42 })].join("\n") + "\n");
    const csv = join(dir, "late.csv");
    await writeFile(csv, ["id,text", ...early.map((id) => `${id},Chest pain.`), "A999,Fever."].join("\n") + "\n");
    const read = async (source: NoteSource) => {
      const reader = await NoteReader.open(connection, source, { idColumn: "id", textColumn: "text", batchRows: 100_000, maxTextLength: DEFAULT_MAX_TEXT_LENGTH });
      const errors: RowError[] = [];
      const ids: unknown[] = [];
      for await (const batch of reader.batches((e) => errors.push(e))) ids.push(...batch.ids);
      return { idType: reader.idColumn.type, ids, errors, rejected: await reader.rejectedRows() };
    };
    const fromJson = await read(jsonSource(jsonl));
    expect(fromJson.errors).toEqual([{ id: '"A999"', row: 25_000, message: 'text column "text" holds a number (42), expected a string or null' }]);
    expect(fromJson.ids).toHaveLength(25_000);
    const fromCsv = await read(csvSource(csv, { varcharColumns: ["text"] }));
    expect(fromCsv).toMatchObject({ idType: "VARCHAR", errors: [], rejected: [] });
    expect(fromCsv.ids.at(-1)).toBe("A999");
    // A CSV column is BIGINT or text, never DOUBLE: an id past 64 bits keeps every digit.
    await writeFile(csv, ["id,text", "12345678901234567890,Fever.", "7,Chest pain."].join("\n") + "\n");
    expect(await read(csvSource(csv, { varcharColumns: ["text"] }))).toMatchObject({ idType: "VARCHAR", ids: ["12345678901234567890", "7"] });
    await writeFile(csv, ["id,text", "1,Fever.", "2,Chest pain."].join("\n") + "\n");
    expect(await read(csvSource(csv, { varcharColumns: ["text"] }))).toMatchObject({ idType: "BIGINT", ids: [1n, 2n] });
  });

  it("fails on invalid UTF-8 in Parquet, naming the file and the value, leaving no table", async () => {
    // Parquet marks the column as UTF-8; DuckDB checks it when reading and names the value.
    const parquet = join(dir, "bad.parquet");
    await connection.run(`COPY (SELECT * FROM (VALUES (1, ${sqlString(PAIN)}), (2, 'bad QQ bytes')) AS t(id, text)) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION uncompressed)`);
    const bytes = await readFile(parquet);
    for (let i = bytes.indexOf("QQ"); i >= 0; i = bytes.indexOf("QQ", i)) bytes.set([0xff, 0xfe], i);
    await writeFile(parquet, bytes);
    const before = await tableNames(connection);
    await expect(annotate(parquetSource(parquet))).rejects.toThrow(/value "bad \\xFF\\xFE bytes" is not valid UTF8/);
    expect(await tableNames(connection)).toEqual(before);
  });

  it("records JSON lines DuckDB cannot read (malformed, invalid UTF-8, a lone surrogate), naming the line, and keeps every other row", async () => {
    // A lone surrogate is what JSON.stringify writes for a note cut inside an emoji: valid JSON, not UTF-8 text.
    const cut = JSON.stringify({ id: 4, text: "🫀".slice(0, 1) });
    expect(cut).toBe(String.raw`{"id":4,"text":"\ud83e"}`);
    // In a repeated key's first value JSON.parse never sees it (the last value wins); DuckDB refuses the line all the same.
    const repeated = String.raw`{"id":6,"text":"\udc00 \\ud83d","text":"fine"}`;
    const lines = [`{"id":1,"text":"${PAIN}"}`, `{"id": 2 "text": "no comma"}`, "", `{"id":3,"text":"bad \xff bytes"}`, cut, " \t", `{"id":5,"text":"${MASS}"}`, repeated];
    const path = join(dir, "bad-lines.jsonl");
    await writeFile(path, Buffer.from(lines.join("\n") + "\n", "latin1"));
    const { summary, chunks, errors } = await annotate(jsonSource(path));
    // Blank lines yield no row: rows 1-3 are lines 2, 4 and 5.
    expect(errors).toEqual([
      { id: null, row: 1, message: expect.stringMatching(new RegExp(`^${path} line 2: malformed JSON: Expected ','`)) },
      { id: null, row: 2, message: `${path} line 4: invalid UTF-8` },
      { id: null, row: 3, message: `${path} line 5: a lone UTF-16 surrogate (\\ud83e) in a string: JSON allows it, DuckDB's UTF-8 text cannot hold it` },
      { id: null, row: 5, message: `${path} line 8: a lone UTF-16 surrogate (\\udc00) in a string: JSON allows it, DuckDB's UTF-8 text cannot hold it` },
    ]);
    expect(chunks).toEqual({ "1": await chunksOf(PAIN), "5": await chunksOf(MASS) });
    expect(summary).toMatchObject({ notes: 6, errors: 4 });
  });

  it("keeps row numbers as ids when a JSON line is bad, and finds a bad line past DuckDB's sample in a gzipped file", async () => {
    const good = (i: number) => JSON.stringify({ text: i % 2 ? PAIN : MASS });
    const lines = Array.from({ length: 30_000 }, (_, i) => good(i));
    lines[25_000] = `{"text": "unterminated}`;
    const path = join(dir, "late-bad.jsonl.gz");
    await writeFile(path, gzipSync(lines.join("\n") + "\n"));
    const { summary, chunks, errors } = await annotate(jsonSource(path), { idColumn: undefined });
    expect(errors).toEqual([{ id: "25000", row: 25_000, message: expect.stringMatching(new RegExp(`^${path} line 25001: malformed JSON: Unterminated string`)) }]);
    // The note after the bad line keeps its own number: ids are row numbers and the bad line is a row.
    expect(chunks["25001"]).toEqual(await chunksOf(PAIN));
    expect(chunks["25002"]).toEqual(await chunksOf(MASS));
    expect(Object.keys(chunks)).toHaveLength(29_999);
    expect(summary).toMatchObject({ notes: 30_000, errors: 1 });
  });

  it("tells a bad JSON line from a real row whose id and text are null", async () => {
    const path = join(dir, "nulls.jsonl");
    // An escaped backslash before "ud83d" is no surrogate escape: that row is real.
    const backslash = String.raw`{"id":null,"text":null,"path":"C:\\ud83d"}`;
    const lines = [`{"id":1,"text":"${PAIN}"}`, `{"id":null,"text":null}`, "{}", `{"id":4,"text":NaN}`, "{oops}", `{"id":6,"text":"${MASS}"}`, backslash];
    await writeFile(path, lines.join("\r\n") + "\r\n");
    const { summary, chunks, errors } = await annotate(jsonSource(path));
    expect(errors).toEqual([
      { id: "4", row: 3, message: 'text column "text" holds NaN, which is not JSON, expected a string or null' },
      { id: null, row: 4, message: expect.stringMatching(new RegExp(`^${path} line 5: malformed JSON`)) },
    ]);
    expect(chunks).toEqual({ "1": await chunksOf(PAIN), "6": await chunksOf(MASS) });
    // The null rows are notes with no text: annotated as empty, not errors.
    expect(summary).toMatchObject({ notes: 7, errors: 2 });
  });

  it("fails rather than name the wrong lines when the source's rows and its count of lines disagree", async () => {
    // A reader whose line scan counted one line more than the rows it yielded: every name after the gap would be off.
    const source: NoteSource = {
      query: `SELECT * FROM (VALUES (1, ${sqlString(PAIN)}), (NULL, NULL)) AS t(id, text)`,
      name: "odd.jsonl",
      malformedRows: async () => ({ rows: 3, reasons: new Map([[1, { line: 2, reason: "malformed JSON" }]]) }),
    };
    const before = await tableNames(connection);
    await expect(annotate(source)).rejects.toThrow(new SourceError("odd.jsonl: read 2 rows but its reader counted 3, so the rows it could not read cannot be named"));
    expect(await tableNames(connection)).toEqual(before);
  });

  it("reads JSON lines after a byte order mark, where a bad line fails the run, naming it", async () => {
    // DuckDB's newline-delimited reader refuses the mark; its auto-detected layout reads past it but cannot skip a value.
    const path = join(dir, "bom.jsonl");
    await writeFile(path, [`\uFEFF{"id":1,"text":"${PAIN}"}`, `{"id":2,"text":"${MASS}"}`].join("\r\n") + "\r\n");
    expect((await annotate(jsonSource(path))).chunks).toEqual({ "1": await chunksOf(PAIN), "2": await chunksOf(MASS) });
    await writeFile(path, [`\uFEFF{"id":1,"text":"${PAIN}"}`, `{"id": 2 "text": "no comma"}`].join("\n") + "\n");
    await expectFailsBeforeWriting(jsonSource(path), new RegExp(`^${path}: cannot read it: line 2: malformed JSON: Expected ','`));
  });

  it("fails on a bad value in a JSON array file, where the values are not lines, leaving no table", async () => {
    const path = join(dir, "notes.json");
    await writeFile(path, `[\n  {"id": 1, "text": "${PAIN}"},\n  {"id": 2 "text": "no comma"}\n]\n`);
    await expectFailsBeforeWriting(jsonSource(path), /Malformed JSON/);
    await writeFile(path, `[\n  {"id": 1, "text": "${PAIN}"},\n  {"id": 2, "text": "${MASS}"}\n]\n`);
    expect((await annotate(jsonSource(path))).chunks).toEqual({ "1": await chunksOf(PAIN), "2": await chunksOf(MASS) });
  });

  it("stops at the first error record over maxErrors, naming the first one, and writes nothing", async () => {
    const path = join(dir, "numbers.jsonl");
    const texts = [PAIN, 42, MASS, ["x"], ...Array.from({ length: 20 }, () => PAIN)];
    await writeFile(path, texts.map((text, id) => JSON.stringify({ id, text })).join("\n") + "\n");
    const watch = watched(model);
    const before = await tableNames(connection);
    const run = annotate(jsonSource(path), { maxErrors: 1, batchRows: 1, model: watch.model });
    await expect(run).rejects.toThrow(TooManyErrors);
    await expect(run).rejects.toMatchObject({ maxErrors: 1, first: { id: 1n, row: 1 } });
    await expect(run).rejects.toThrow('more than 1 note could not be annotated (maxErrors); the first: row 1: text column "text" holds a number (42)');
    expect(await tableNames(connection)).toEqual(before);
    // The reader stopped at row 3: the 20 notes after it never reached the model (at most rows 0 and 2 did).
    expect(watch.batches()).toBeLessThanOrEqual(2);
    expect((await annotate(jsonSource(path), { maxErrors: 2 })).summary).toMatchObject({ notes: 24, errors: 2 });
    await expect(annotate(jsonSource(path), { maxErrors: -1 })).rejects.toThrow("maxErrors must be a non-negative integer, got -1");
  });

  it("allows duplicate ids: each row is a note of its own", async () => {
    const { chunks, summary } = await annotate({ query: `SELECT * FROM (VALUES ('a', ${sqlString(PAIN)}), ('a', ${sqlString(MASS)})) AS t(id, text)` });
    expect(chunks).toEqual({ a: [...(await chunksOf(PAIN)), ...(await chunksOf(MASS))] });
    expect(summary.notes).toBe(2);
  });
});

