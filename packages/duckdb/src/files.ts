import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { constants as zlibConstants, createGunzip, gunzipSync } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { MalformedRows, QuerySource, RejectedRow } from "./source.js";
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
 * A JSON lines file (gzip too). A line DuckDB cannot read (malformed JSON, invalid UTF-8, a lone surrogate escape
 * such as `"\ud83d"`, valid JSON but not UTF-8 text) does not fail the run: it becomes an error record naming the
 * line, and every other line is read. A file holding one JSON array or pretty-printed objects, or starting with a byte
 * order mark, and a path that is not a regular file (a glob, a pipe) are read in DuckDB's auto-detected layout, where
 * such a value fails the run (naming the line, when the file is one value per line).
 */
export function jsonSource(path: string): QuerySource {
  const layout = jsonLayout(path);
  const lines = layout === "lines";
  return {
    // Types come from every line, not a sample: {"text": 42} after 20,000 strings must be seen as the number it is
    // (an error record), not cast to "42" and annotated. The extra pass costs ~0.1 s per 100,000 notes. With
    // ignore_errors DuckDB yields a line it cannot read as a row of NULLs, in its place: the row numbers stay the
    // lines' (blank lines aside), so the bad lines can be found again by number. Only one value per line in one file
    // allows that.
    query: `SELECT * FROM read_json(${sqlString(path)}, format = ${lines ? "'newline_delimited', ignore_errors = true" : "'auto'"}, sample_size = -1)`,
    name: path,
    ...(lines && { malformedRows: () => malformedJsonLines(path) }),
    explainFailure: async (error) => {
      // Only lines can be told apart line by line: in an array or pretty-printed objects DuckDB's message stands.
      if (layout === "other" || !/Malformed JSON|invalid UTF-8/i.test(error.message)) return undefined;
      const bad = (await malformedJsonLines(path, { first: true }).catch(() => undefined))?.reasons.values().next().value;
      // DuckDB's message stays the error's cause; its line number is not repeated here.
      return bad && `line ${bad.line}: ${bad.reason}`;
    },
  };
}

/**
 * The file's layout from its first bytes: "lines" for one JSON value per line; "bom-lines" for the same after a byte
 * order mark, which DuckDB's newline-delimited reader refuses and its auto-detected layout reads; "other" for an array,
 * pretty-printed objects, or a path that is not a regular file (DuckDB names a missing one).
 */
function jsonLayout(path: string): "lines" | "bom-lines" | "other" {
  let head: Buffer;
  try {
    const file = openSync(path, "r");
    try {
      // Reading a pipe would take its first bytes away from DuckDB.
      if (!fstatSync(file).isFile()) return "other";
      const bytes = Buffer.alloc(4096);
      const read = readSync(file, bytes, 0, bytes.length, 0);
      // Part of a gzip stream: Z_SYNC_FLUSH returns what those bytes hold instead of failing on the missing rest.
      head = path.endsWith(".gz") ? gunzipSync(bytes.subarray(0, read), { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : bytes.subarray(0, read);
    } finally {
      closeSync(file);
    }
  } catch {
    return "other";
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const start = /^[ \t\r\n\f\v]*(\[|\{[ \t\r]*\n)?/.exec(head.subarray(bom ? 3 : 0).toString("latin1"));
  return start?.[1] ? "other" : bom ? "bom-lines" : "lines";
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

/** Lines DuckDB's newline-delimited reader skips rather than yielding a row for. */
const BLANK_LINE = /^[ \t\r\f\v]*$/;

/**
 * The lines of a JSON lines file that are not valid UTF-8, not one JSON value or hold a lone surrogate, keyed by the
 * 0-based row DuckDB yields for each (rows are the non-blank lines), read line by line (gunzipped when the name ends
 * in .gz). Only read once a row comes back all NULL, or DuckDB has failed (`first`: stop at the first bad line).
 */
async function malformedJsonLines(path: string, options: { first?: boolean } = {}): Promise<MalformedRows> {
  const raw = createReadStream(path);
  const bytes: Readable = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  // A byte order mark is only allowed (and only read past, by DuckDB's auto layout) at the start of the file.
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const reasons = new Map<number, { line: number; reason: string }>();
  let line = 0;
  let rows = 0;
  try {
    for await (const buffer of byteLines(bytes)) {
      line += 1;
      let text: string;
      try {
        text = utf8.decode(buffer);
      } catch {
        reasons.set(rows++, { line, reason: "invalid UTF-8" });
        if (options.first) break;
        continue;
      }
      if (line === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
      if (BLANK_LINE.test(text)) continue;
      const reason = jsonLineProblem(text);
      if (reason !== undefined) {
        reasons.set(rows, { line, reason });
        if (options.first) break;
      }
      rows += 1;
    }
  } finally {
    raw.destroy();
  }
  return { rows, reasons };
}

function jsonLineProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch (e) {
    return `malformed JSON: ${(e as Error).message}`;
  }
  const lone = loneSurrogateEscape(text);
  return lone && `a lone UTF-16 surrogate (${lone}) in a string: JSON allows it, DuckDB's UTF-8 text cannot hold it`;
}

/** Every escape sequence of a JSON text; `\\` is one, so the "u" after an escaped backslash starts none. */
const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|[^u])/g;

/**
 * The first unpaired surrogate escape (`\ud83d` without a low surrogate right after it) in valid JSON text, as
 * written. Read from the text, not the parsed value: JSON.parse keeps only the last value of a repeated key, and
 * DuckDB refuses the line for any of them.
 */
export function loneSurrogateEscape(json: string): string | undefined {
  let high: string | undefined;
  let end = -1;
  for (const match of json.matchAll(ESCAPE)) {
    const code = match[1] === undefined ? undefined : parseInt(match[1], 16);
    const low = code !== undefined && code >= 0xdc00 && code <= 0xdfff;
    if (high !== undefined && !(low && match.index === end)) return high;
    if (high === undefined && low) return `\\u${match[1]!.toLowerCase()}`;
    high = high === undefined && code !== undefined && code >= 0xd800 && code <= 0xdbff ? `\\u${match[1]!.toLowerCase()}` : undefined;
    end = match.index + match[0].length;
  }
  return high;
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
