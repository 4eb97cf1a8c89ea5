import type { DuckDBValue } from "@duckdb/node-api";
import { Bool, DataType, Float64, Int32, Int64, Utf8 } from "apache-arrow";

/** What an input table's `id` is in a JSON line: JSON scalars (ids are copied, never interpreted). */
export type NoteId = string | number | boolean | null;

/** How the ids of one input are written: as JSON values, and as an Arrow column of one type. */
export interface IdFormat {
  json(value: unknown): NoteId;
  readonly arrowType: DataType;
  arrow(value: unknown): unknown;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** An id as JSON: integers that fit a double stay numbers; DuckDB's other values (dates, decimals, UUIDs) as DuckDB prints them. */
export function toNoteId(value: unknown): NoteId {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) return preview(value);
  return String(value);
}

const SMALL_INTS = new Set(["TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT"]);
const BIG_INTS = new Set(["BIGINT", "UINTEGER"]);

/** Ids read by DuckDB, described by their DuckDB type. */
export function duckdbIds(type: string): IdFormat {
  // Mixed-type JSON fields arrive as their JSON text: decode them to what the file holds.
  const json = type === "JSON" ? (v: unknown) => toNoteId(typeof v === "string" ? JSON.parse(v) : v) : toNoteId;
  const same = (v: unknown) => v;
  if (type === "VARCHAR") return { json, arrowType: new Utf8(), arrow: same };
  if (SMALL_INTS.has(type)) return { json, arrowType: new Int32(), arrow: same };
  if (BIG_INTS.has(type)) return { json, arrowType: new Int64(), arrow: (v) => (v === null ? null : BigInt(v as bigint | number)) };
  if (type === "DOUBLE" || type === "FLOAT") return { json, arrowType: new Float64(), arrow: same };
  if (type === "BOOLEAN") return { json, arrowType: new Bool(), arrow: same };
  return { json, arrowType: new Utf8(), arrow: (v) => (v === null ? null : String(json(v as DuckDBValue))) };
}

/** Ids from an Arrow stream keep their Arrow type. */
export function arrowIds(type: DataType): IdFormat {
  return { json: toNoteId, arrowType: type, arrow: (v) => v };
}
