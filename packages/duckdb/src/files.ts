import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { QuerySource, RejectedRow } from "./source.js";
import { sqlString } from "./sql.js";

export interface CsvSourceOptions {
  /** Columns read as VARCHAR whatever the sniffer guesses (the text column: "42" is a note, not a number). */
  varcharColumns?: readonly string[];
}

/**
 * A CSV file (gzip too) with a header line. Malformed lines (too many or too few fields, invalid UTF-8, a value
 * that does not fit its column's type) do not fail the run: DuckDB's `store_rejects` skips them and each becomes an
 * error record naming the file's line, while every other line is read.
 */
export function csvSource(path: string, options: CsvSourceOptions = {}): QuerySource {
  const types = options.varcharColumns?.length ? `, types = {${options.varcharColumns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ")}}` : "";
  return {
    // The CLI needs named columns, and DuckDB's header sniffing is unreliable when every column is text. Types are
    // sniffed from every line, not a sample: an id "A999" after 20,000 numeric ones would be refused otherwise. A
    // column is BIGINT or text: ids are copied, never computed with, and DOUBLE would round 12345678901234567890
    // and print 1 as 1.0.
    query: `SELECT * FROM read_csv(${sqlString(path)}, header = true, store_rejects = true, sample_size = -1, auto_type_candidates = ['BIGINT', 'VARCHAR']${types})`,
    name: path,
    rejectedRows: (reader) => csvRejects(reader, path),
  };
}

/**
 * A JSON lines file (gzip too). Invalid UTF-8, malformed JSON or a lone surrogate escape (`"\ud83d"`, valid JSON
 * but not UTF-8 text) fails the run with an error naming the line.
 */
export function jsonSource(path: string): QuerySource {
  return {
    // Types come from every line, not a sample: {"text": 42} after 20,000 strings must be seen as the number it is
    // (an error record), not cast to "42" and annotated. The extra pass costs ~0.1 s per 100,000 notes.
    query: `SELECT * FROM read_json(${sqlString(path)}, sample_size = -1)`,
    name: path,
    explainFailure: async (error) => {
      if (!/Malformed JSON|invalid UTF-8/i.test(error.message)) return undefined;
      const bad = await firstBadJsonLine(path).catch(() => undefined);
      // DuckDB's message stays the error's cause; its line number is not repeated here.
      return bad && `line ${bad.line}: ${bad.reason}`;
    },
  };
}

export function parquetSource(path: string): QuerySource {
  return { query: `SELECT * FROM read_parquet(${sqlString(path)})`, name: path };
}

/** The lines the last CSV scan on this connection refused, one record per line (DuckDB lists each bad field). */
async function csvRejects(reader: DuckDBConnection, path: string): Promise<RejectedRow[]> {
  const result = await reader.runAndReadAll(
    `SELECT line, first(error_type ORDER BY byte_position) AS error_type, first(error_message ORDER BY byte_position) AS error_message
     FROM reject_errors WHERE scan_id = (SELECT max(scan_id) FROM reject_scans)
     GROUP BY line ORDER BY line`,
  );
  return result.getRowObjectsJS().map((r) => ({ message: `${path} line ${r.line}: ${r.error_type}: ${r.error_message}` }));
}

/**
 * The first line of a JSON lines file that is not valid UTF-8, not one JSON value or holds a lone surrogate, read
 * line by line (gunzipped when the name ends in .gz): only called once DuckDB has failed, whose JSON errors name the
 * line after the bad one. A lone surrogate in a duplicate key's first value is not seen (JSON.parse keeps the last);
 * DuckDB's own message is given then.
 */
async function firstBadJsonLine(path: string): Promise<{ line: number; reason: string } | undefined> {
  const raw = createReadStream(path);
  const bytes: Readable = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let line = 0;
  try {
    for await (const buffer of byteLines(bytes)) {
      line += 1;
      let text: string;
      try {
        text = utf8.decode(buffer);
      } catch {
        return { line, reason: "invalid UTF-8" };
      }
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        return { line, reason: `malformed JSON: ${(e as Error).message}` };
      }
      const lone = loneSurrogate(value);
      if (lone) return { line, reason: `a lone UTF-16 surrogate (${lone}) in a string: JSON allows it, DuckDB's UTF-8 text cannot hold it` };
    }
    return undefined;
  } finally {
    raw.destroy();
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first unpaired surrogate in a parsed JSON value's strings (keys too), as its `\uXXXX` escape. */
function loneSurrogate(value: unknown): string | undefined {
  if (typeof value === "string") {
    const found = LONE_SURROGATE.exec(value);
    return found ? `\\u${found[0].charCodeAt(0).toString(16)}` : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = loneSurrogate(key) ?? loneSurrogate(inner);
    if (found) return found;
  }
  return undefined;
}

/** Lines as raw bytes (a string decoder would hide invalid UTF-8 behind U+FFFD). */
async function* byteLines(stream: Readable): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let data: Buffer = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10)) {
      yield data.subarray(0, newline);
      data = data.subarray(newline + 1);
    }
    rest = data;
  }
  if (rest.length) yield rest;
}
