import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { RecordBatch } from "apache-arrow";
import type { BatchModel } from "../src/index.js";

/** A temp directory for this test file, removed after its tests. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kindling-duckdb-"));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh DuckDB (in memory unless a path is given) and a connection to it, closed after the file's tests. */
export async function openDatabase(path = ":memory:"): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });
  return { instance, connection };
}

/** Rows of a query as JSON-friendly objects (bigints as strings, structs and maps as plain JSON). */
export async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

/** The names of the tables in the connection's database, sorted. */
export async function tableNames(connection: DuckDBConnection): Promise<string[]> {
  return (await rows(connection, "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY table_name")).map((r) => String(r.table_name));
}

/** No lone surrogates: DuckDB text is UTF-8, which cannot hold them (String.prototype.isWellFormed is ES2024). */
export const isWellFormed = (text: string): boolean => !/\p{Surrogate}/u.test(text);

/** `model`, counting the batches of notes it reads (`batches()`): a run that fails before any work hands it none. */
export function watched(model: BatchModel): { model: BatchModel; batches: () => number } {
  let batches = 0;
  async function* counted(input: AsyncIterable<RecordBatch>): AsyncGenerator<RecordBatch> {
    for await (const batch of input) {
      batches++;
      yield batch;
    }
  }
  return { model: { transformBatches: (input) => model.transformBatches(counted(input)) }, batches: () => batches };
}
