import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll } from "vitest";
import { main } from "../src/cli.js";

/** A stand-in for stderr's terminal that keeps what the progress bar draws. */
export class CapturedStream extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface Run {
  code: number;
  out: string[];
  err: string[];
  progress: string;
}

/** Runs `kindling ...args` in-process, capturing stdout and stderr lines and the progress stream. */
export async function run(args: string[], options: { tty?: boolean } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const progressStream = new CapturedStream(options.tty ?? false);
  const code = await main(["node", "kindling", ...args], { out: (l) => out.push(l), err: (l) => err.push(l), progressStream });
  return { code, out, err, progress: progressStream.text };
}

/** A temp directory for this test file, removed after its tests. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kindling-cli-"));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export type Row = Record<string, string | number | null>;

export async function writeJsonl(path: string, rows: readonly object[]): Promise<string> {
  await writeFile(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}

/** RFC 4180 CSV; null is an empty unquoted field (DuckDB reads it as NULL), "" is a quoted empty string. */
export function csvOf(columns: readonly string[], rows: readonly Row[]): string {
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? "" : `"${String(v).replaceAll('"', '""')}"`);
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

/** Runs SQL in a throwaway in-memory DuckDB: writing Parquet inputs with COPY ... TO. */
export async function duckdb(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

export const parseLines = (lines: readonly string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
