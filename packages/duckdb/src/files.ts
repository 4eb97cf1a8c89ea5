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
    // The CLI needs named columns, and DuckDB's header sniffing is unreliable when every column is text.
    query: `SELECT * FROM read_csv(${sqlString(path)}, header = true, store_rejects = true${types})`,
    name: path,
    rejectedRows: (reader) => csvRejects(reader, path),
  };
}

/** A JSON lines file (gzip too). Invalid UTF-8 or malformed JSON fails the run with DuckDB's message naming the line. */
export function jsonSource(path: string): QuerySource {
  return { query: `SELECT * FROM read_json(${sqlString(path)})`, name: path };
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
