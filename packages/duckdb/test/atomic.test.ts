// All or nothing, with a real DuckDB database file: a run that fails (the model throws mid-stream, an output table
// appears meanwhile) or is killed leaves no output table, no staging table and an untouched source; a rerun
// restarts from scratch and succeeds.
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { modelCardNote } from "@kindling/fixtures";
import type { RecordBatch } from "apache-arrow";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { annotateTable, OutputError, sqlString, stagingName, type AnnotateTableOptions, type BatchModel } from "../src/index.js";
import { rows, tableNames, tempDir, watched } from "./helpers.js";
import { nerPipeline } from "./pipeline.js";

const NOTES = [modelCardNote(), "Severe chest pain, treated with aspirin.", "No fever. CT scan showed a small mass.", "Started metformin for type 2 diabetes.", "BP 120/80 🙂 stable."];

/** The real pipeline, except that it throws instead of yielding its (n+1)-th batch. */
function failingAfter(model: BatchModel, n: number): BatchModel {
  return {
    async *transformBatches(input: AsyncIterable<RecordBatch>) {
      let yielded = 0;
      for await (const batch of model.transformBatches(input)) {
        if (yielded++ === n) throw new Error(`model crashed after ${n} batches`);
        yield batch;
      }
    },
  };
}

async function createNotes(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CREATE TABLE notes AS SELECT * FROM (VALUES ${NOTES.map((t, i) => `(${i + 1}, ${sqlString(t)})`).join(", ")}) AS t(id, text)`);
}

const snapshot = (connection: DuckDBConnection) => rows(connection, "SELECT * FROM notes ORDER BY rowid");

describe("annotateTable is all or nothing", async () => {
  const dir = await tempDir();
  const model = await nerPipeline();
  let n = 0;

  /** A fresh database file with the notes table; the connection stays open for checks. */
  async function database() {
    const instance = await DuckDBInstance.create(join(dir, `notes-${n++}.duckdb`));
    const connection = await instance.connect();
    await createNotes(connection);
    const options = { instance, source: { table: "notes" }, idColumn: "id", textColumn: "text", model, batchRows: 1 } satisfies Partial<AnnotateTableOptions>;
    return { instance, connection, options, notes: await snapshot(connection) };
  }

  it("leaves no output and no staging tables, and the source as it was, when the model throws after 2 batches", async () => {
    const { connection, options, notes } = await database();
    const run = annotateTable({ ...options, model: failingAfter(model, 2), outputs: { chunksTable: "chunks", annotationsTable: "annotations" } });
    await expect(run).rejects.toThrow("model crashed after 2 batches");
    expect(await tableNames(connection)).toEqual(["notes"]);
    expect(await snapshot(connection)).toEqual(notes);
  });

  it("keeps the old output table whole when a replacing run fails", async () => {
    const { connection, options } = await database();
    await annotateTable({ ...options, outputs: { chunksTable: "chunks" } });
    const before = await rows(connection, "SELECT * FROM chunks ORDER BY rowid");
    expect(before.length).toBeGreaterThan(5);
    await expect(annotateTable({ ...options, model: failingAfter(model, 3), outputs: { chunksTable: "chunks" }, ifExists: "replace" })).rejects.toThrow(/model crashed/);
    expect(await rows(connection, "SELECT * FROM chunks ORDER BY rowid")).toEqual(before);
    expect(await tableNames(connection)).toEqual(["chunks", "chunks_errors", "notes"]);
  });

  it("replaces an existing output table with ifExists: replace, and refuses with the default, before any work", async () => {
    const { connection, options } = await database();
    await connection.run("CREATE TABLE chunks AS SELECT 'old' AS stale");
    const watch = watched(model);
    await expect(annotateTable({ ...options, model: watch.model, outputs: { chunksTable: "chunks" } })).rejects.toThrow(
      new OutputError('output table chunks already exists (pass ifExists: "replace" to replace it, or "append" to add to it)', { existingTables: ["chunks"] }),
    );
    expect(watch.batches()).toBe(0);
    expect(await tableNames(connection)).toEqual(["chunks", "notes"]);
    await annotateTable({ ...options, model: watch.model, outputs: { chunksTable: "chunks" }, ifExists: "replace" });
    expect((await rows(connection, "SELECT column_name FROM (DESCRIBE chunks)")).map((r) => r.column_name)).toEqual(["id", "chunk", "begin", "end", "ner_label", "confidence", "sentence"]);
  });

  it("appends to existing output tables with ifExists: append, in parts that each land whole, and only new notes", async () => {
    const { connection, options } = await database();
    const outputs = { chunksTable: "chunks", annotationsTable: "done" };
    const part = (where: string) => ({ query: `SELECT * FROM notes WHERE ${where}` });
    // The annotations table with no annotation columns is the list of notes done: the next part skips them.
    const remaining = part("id NOT IN (SELECT id FROM done UNION ALL SELECT id FROM chunks_errors)");
    await annotateTable({ ...options, source: part("id <= 2"), outputs, annotationColumns: [] });
    // A part that fails leaves the tables as they were.
    await expect(annotateTable({ ...options, source: remaining, model: failingAfter(model, 1), outputs, annotationColumns: [], ifExists: "append" })).rejects.toThrow(/model crashed/);
    expect(await rows(connection, "SELECT id FROM done ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    const summary = await annotateTable({ ...options, source: remaining, outputs, annotationColumns: [], ifExists: "append" });
    expect(summary.notes).toBe(3);
    expect(await tableNames(connection)).toEqual(["chunks", "chunks_errors", "done", "notes"]);
    // The same chunks, in the same order, as one run over every note.
    await annotateTable({ ...options, outputs: { chunksTable: "whole" } });
    const chunks = (table: string) => rows(connection, `SELECT * FROM ${table} ORDER BY rowid`);
    expect(await chunks("chunks")).toEqual(await chunks("whole"));
    expect(await rows(connection, "SELECT id FROM done ORDER BY rowid")).toEqual(NOTES.map((_, i) => ({ id: i + 1 })));
  });

  it("refuses to append to a table with other columns, before any work", async () => {
    const { connection, options } = await database();
    await connection.run("CREATE TABLE chunks (id VARCHAR, chunk VARCHAR)");
    const watch = watched(model);
    await expect(annotateTable({ ...options, model: watch.model, outputs: { chunksTable: "chunks" }, ifExists: "append" })).rejects.toThrow(
      "cannot append to table chunks: it has columns (id VARCHAR, chunk VARCHAR), this run writes (id INTEGER, chunk VARCHAR, begin INTEGER, end INTEGER, ner_label VARCHAR, confidence DOUBLE, sentence INTEGER)",
    );
    expect(watch.batches()).toBe(0);
    expect(await tableNames(connection)).toEqual(["chunks", "notes"]);
  });

  it("swaps all output tables in one transaction: if one cannot be published, none is", async () => {
    const { instance, connection, options } = await database();
    const other = await instance.connect();
    let created = false;
    const run = annotateTable({
      ...options,
      outputs: { chunksTable: "chunks", annotationsTable: "annotations", errorsTable: "problems" },
      // Another client creates one of the output tables while the run is under way.
      onProgress: () => {
        if (!created) void other.run("CREATE TABLE problems AS SELECT 'theirs' AS owner");
        created = true;
      },
    });
    await expect(run).rejects.toThrow(/cannot publish the output tables chunks, annotations, problems: .*problems.* already exists/);
    expect(await tableNames(connection)).toEqual(["notes", "problems"]);
    expect(await rows(connection, "FROM problems")).toEqual([{ owner: "theirs" }]);
    other.closeSync();
  });

  it("refuses to write over its source table", async () => {
    const { options } = await database();
    await expect(annotateTable({ ...options, outputs: { chunksTable: "NOTES" }, ifExists: "replace" })).rejects.toThrow(
      new OutputError('outputs: "NOTES" is the source table; the source is never written'),
    );
  });

  it("restarts cleanly after the process is killed mid-run", async () => {
    const path = join(dir, "killed.duckdb");
    {
      const instance = await DuckDBInstance.create(path);
      const connection = await instance.connect();
      await createNotes(connection);
      connection.closeSync();
      instance.closeSync();
    }
    const script = fileURLToPath(new URL("./fixtures/killed-run.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, path], { stdio: ["ignore", "pipe", "inherit"] });
    const batches = await new Promise<number>((resolve, reject) => {
      let seen = 0;
      child.stdout.on("data", (data: Buffer) => {
        seen += data.toString().split("\n").filter((l) => l === "batch").length;
        if (seen >= 2) child.kill("SIGKILL");
      });
      child.on("error", reject);
      child.on("exit", () => resolve(seen));
    });
    expect(batches).toBeGreaterThanOrEqual(2);
    expect(batches).toBeLessThan(NOTES.length);

    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    // The killed run's rows are in its staging table, never in the output table.
    expect(await tableNames(connection)).toEqual(["chunks__kindling_staging", "chunks_errors__kindling_staging", "notes"].sort());
    expect(stagingName("chunks")).toBe("chunks__kindling_staging");
    const summary = await annotateTable({ instance, source: { table: "notes" }, idColumn: "id", textColumn: "text", model, outputs: { chunksTable: "chunks" } });
    expect(summary.notes).toBe(NOTES.length);
    expect(await tableNames(connection)).toEqual(["chunks", "chunks_errors", "notes"]);
    const ids = await rows(connection, "SELECT DISTINCT id FROM chunks ORDER BY id");
    expect(ids.length).toBe(NOTES.length);
    connection.closeSync();
    instance.closeSync();
  });
});
