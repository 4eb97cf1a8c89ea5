import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { stat } from "node:fs/promises";

/** Table formats `kindling annotate` reads, through DuckDB's built-in readers. */
export const INPUT_FORMATS = ["jsonl", "csv", "parquet"] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** What an input table's `id` can be in the output: JSON scalars (ids are copied, never interpreted). */
export type NoteId = string | number | boolean | null;

/** A bad input table: the message names the file, and the row or column at fault. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

const EXTENSIONS: Readonly<Record<string, InputFormat>> = {
  jsonl: "jsonl",
  ndjson: "jsonl",
  json: "jsonl",
  csv: "csv",
  tsv: "csv",
  parquet: "parquet",
};

/** The format a file name implies; compressed text files (`notes.csv.gz`) are named by the extension before `.gz`. */
export function formatOf(path: string): InputFormat {
  const parts = path.toLowerCase().split("/").pop()!.split(".");
  if (parts.length > 2 && parts.at(-1) === "gz") parts.pop();
  const format = parts.length > 1 ? EXTENSIONS[parts.at(-1)!] : undefined;
  if (!format) {
    throw new InputError(`${path}: cannot tell the input format from the file name; use .jsonl/.ndjson, .csv or .parquet, or pass --input-format ${INPUT_FORMATS.join("|")}`);
  }
  return format;
}

export interface NoteTableOptions {
  path: string;
  /** Default: from the file name (`formatOf`). */
  format?: InputFormat;
  /** Column holding the note id; default none, and each note's id is its 0-based row number. */
  idColumn?: string;
  textColumn: string;
  /** Notes per batch handed to the pipeline. */
  batchSize: number;
}

/** A batch of consecutive notes; `rowOffset` is the 0-based row number of the first. */
export interface NoteBatch {
  rowOffset: number;
  ids: NoteId[];
  /** null for SQL nulls and JSON nulls: such notes get no annotations. */
  texts: (string | null)[];
}

interface Column {
  name: string;
  type: string;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const sqlIdentifier = (s: string) => `"${s.replaceAll('"', '""')}"`;

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array (${preview(value)})`;
  if (value instanceof Date) return `a date (${value.toISOString()})`;
  if (typeof value === "object") return `an object (${preview(value)})`;
  return `a ${typeof value} (${preview(value)})`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** An id as JSON output: integers that fit a double stay numbers, anything else non-scalar becomes its text. */
function toNoteId(value: unknown): NoteId {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  return preview(value);
}

/**
 * A table of notes read through DuckDB (JSON lines, CSV, Parquet; gzip-compressed text files too). Rows stream out
 * in file order, a batch at a time, so a large file is never held in memory whole.
 */
export class NoteTable {
  private constructor(
    private readonly options: NoteTableOptions,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly source: string,
    private readonly idColumn: Column | undefined,
    private readonly textColumn: Column,
  ) {}

  /** Opens the file and checks that the id and text columns exist; errors name the file and list its columns. */
  static async open(options: NoteTableOptions): Promise<NoteTable> {
    const { path } = options;
    try {
      await stat(path);
    } catch (e) {
      throw new InputError(`${path}: cannot read the input table (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const format = options.format ?? formatOf(path);
    // Extensions cannot be downloaded here (nor should a CLI try); JSON and Parquet support is built in.
    const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
    const connection = await instance.connect();
    try {
      const columns = await describeColumns(connection, reader(format, path), path);
      const find = (name: string, what: string): Column => {
        const column = columns.find((c) => c.name === name);
        if (!column) {
          throw new InputError(`${path}: no ${what} column "${name}" (available columns: ${columns.map((c) => c.name).join(", ") || "none"})`);
        }
        return column;
      };
      const idColumn = options.idColumn === undefined ? undefined : find(options.idColumn, "id");
      const textColumn = find(options.textColumn, "text");
      // CSV has no types: whatever is in the text column is text, even if DuckDB's sniffer would call it a number.
      const source = format === "csv" ? reader(format, path, { [textColumn.name]: "VARCHAR" }) : reader(format, path);
      return new NoteTable(options, instance, connection, source, idColumn, format === "csv" ? { ...textColumn, type: "VARCHAR" } : textColumn);
    } catch (e) {
      connection.closeSync();
      instance.closeSync();
      throw e;
    }
  }

  /** Number of rows (one extra pass over the file: only the progress bar asks). */
  async count(): Promise<number> {
    const result = await this.query(`SELECT count(*) FROM ${this.source}`);
    return Number(result.getRowsJS()[0]![0]);
  }

  async *batches(): AsyncGenerator<NoteBatch> {
    const { batchSize, path } = this.options;
    const idSql = this.idColumn ? sqlIdentifier(this.idColumn.name) : "NULL";
    const result = await this.stream(`SELECT ${idSql}, ${sqlIdentifier(this.textColumn.name)} FROM ${this.source}`);
    let batch: NoteBatch = { rowOffset: 0, ids: [], texts: [] };
    let row = 0;
    try {
      for await (const rows of result.yieldRowsJs()) {
        for (const [id, text] of rows) {
          batch.ids.push(this.idColumn ? toNoteId(this.parse(this.idColumn, id)) : row);
          batch.texts.push(this.textOf(text, row));
          row++;
          if (batch.texts.length === batchSize) {
            yield batch;
            batch = { rowOffset: row, ids: [], texts: [] };
          }
        }
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`${path}: cannot read row ${row}: ${(e as Error).message}`);
    }
    if (batch.texts.length > 0) yield batch;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** DuckDB reads mixed-type JSON fields as JSON text; decode them to see what the file really holds. */
  private parse(column: Column, value: unknown): unknown {
    return column.type === "JSON" && typeof value === "string" ? JSON.parse(value) : value;
  }

  private textOf(raw: unknown, row: number): string | null {
    const value = this.parse(this.textColumn, raw);
    if (value === null || value === undefined || typeof value === "string") return value ?? null;
    throw new InputError(`${this.options.path}: row ${row}: text column "${this.textColumn.name}" holds ${describe(value)}, expected a string or null`);
  }

  private async query(sql: string) {
    try {
      return await this.connection.runAndReadAll(sql);
    } catch (e) {
      throw new InputError(`${this.options.path}: ${(e as Error).message}`);
    }
  }

  private async stream(sql: string) {
    try {
      return await this.connection.stream(sql);
    } catch (e) {
      throw new InputError(`${this.options.path}: ${(e as Error).message}`);
    }
  }
}

/** The DuckDB table function reading `path`; `types` pins column types (CSV only). */
function reader(format: InputFormat, path: string, types?: Record<string, string>): string {
  switch (format) {
    case "jsonl":
      return `read_json(${sqlString(path)})`;
    case "parquet":
      return `read_parquet(${sqlString(path)})`;
    case "csv": {
      const pinned = types ? `, types = {${Object.entries(types).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(", ")}}` : "";
      // The CLI needs named columns, and DuckDB's header sniffing is unreliable when every column is text.
      return `read_csv(${sqlString(path)}, header = true${pinned})`;
    }
  }
}

async function describeColumns(connection: DuckDBConnection, source: string, path: string): Promise<Column[]> {
  try {
    const result = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    return result.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (e) {
    throw new InputError(`${path}: cannot read it as a table: ${(e as Error).message}`);
  }
}
