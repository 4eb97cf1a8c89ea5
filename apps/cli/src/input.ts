import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { csvSource, jsonSource, NoteReader, parquetSource, SourceError, sqlIdentifier, sqlString, type NoteBatch, type NoteSource, type RejectedRow, type RowError } from "@kindling/duckdb";
import { DataType, RecordBatchReader, type RecordBatch, type Vector } from "apache-arrow";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { arrowIds, duckdbIds, type IdFormat } from "./ids.js";
import type { Io } from "./io.js";

/** Note table formats `kindling annotate` reads: files through DuckDB's readers, and Arrow IPC streams. */
export const INPUT_FORMATS = ["jsonl", "csv", "parquet", "duckdb", "arrow"] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

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
  duckdb: "duckdb",
  db: "duckdb",
  arrow: "arrow",
  arrows: "arrow",
};

/** The format a file name implies; compressed text files (`notes.csv.gz`) are named by the extension before `.gz`. */
export function formatOf(path: string): InputFormat {
  const parts = path.toLowerCase().split("/").pop()!.split(".");
  if (parts.length > 2 && parts.at(-1) === "gz") parts.pop();
  const format = parts.length > 1 ? EXTENSIONS[parts.at(-1)!] : undefined;
  if (!format) {
    throw new InputError(
      `${path}: cannot tell the input format from the file name; use .jsonl/.ndjson, .csv, .parquet, .duckdb or .arrows, or pass --input-format ${INPUT_FORMATS.join("|")}`,
    );
  }
  return format;
}

export interface InputOptions {
  /** A file, or "-" for stdin (Arrow only). */
  path: string;
  format: InputFormat;
  /** The table of a DuckDB database file. */
  table?: string;
  idColumn?: string;
  textColumn: string;
  batchSize: number;
  maxTextLength: number;
}

/** Checks that the input file exists, so a typo fails before any model is loaded. */
export async function checkInputFile(options: InputOptions): Promise<void> {
  if (options.path === "-") return;
  try {
    await stat(options.path);
  } catch (e) {
    throw new InputError(`${options.path}: cannot read the input table (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** DuckDB settings for the CLI: extensions cannot be downloaded here (nor should a CLI try); JSON and Parquet are built in. */
export const DUCKDB_CONFIG = { autoinstall_known_extensions: "false", autoload_known_extensions: "false" } as const;

/**
 * The input as a source DuckDB reads, on a connection of the instance that will run the query. A DuckDB file other
 * than the instance's own is attached read-only.
 */
export async function duckdbSource(options: InputOptions, connection: DuckDBConnection, instancePath?: string): Promise<NoteSource> {
  const { path, format } = options;
  switch (format) {
    case "jsonl":
      return jsonSource(path);
    case "parquet":
      return parquetSource(path);
    case "csv":
      // CSV has no types: whatever is in the text column is text, even if DuckDB's sniffer would call it a number.
      return csvSource(path, { varcharColumns: [options.textColumn] });
    case "duckdb": {
      const table = options.table!;
      if (instancePath !== undefined && resolve(instancePath) === resolve(path)) return { table };
      await connection.run(`ATTACH ${sqlString(path)} AS kindling_input (READ_ONLY)`);
      return { query: `SELECT * FROM kindling_input.${sqlIdentifier(table)}`, name: `${path} table ${table}` };
    }
    case "arrow":
      throw new InputError(`${path}: an Arrow stream is not read through DuckDB`);
  }
}

/** Notes streamed from an input, in batches, whatever its format. */
export interface NoteInput {
  /** How the ids are written out. */
  readonly ids: IdFormat;
  /** Rows in the input (an extra pass over it; only an ETA needs it); undefined when a stream cannot be counted. */
  count(): Promise<number | undefined>;
  batches(onRowError: (error: RowError) => void): AsyncIterable<NoteBatch>;
  /** Lines the reader refused (CSV); ask once `batches` is done. */
  rejectedRows(): Promise<readonly RejectedRow[]>;
  close(): void;
}

export async function openNoteInput(options: InputOptions, io: Io): Promise<NoteInput> {
  return options.format === "arrow" ? ArrowNoteInput.open(options, io) : DuckDBNoteInput.open(options);
}

/** A file DuckDB reads (JSON lines, CSV, Parquet, a table of a DuckDB database), streamed in batches. */
class DuckDBNoteInput implements NoteInput {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly reader: NoteReader,
    readonly ids: IdFormat,
  ) {}

  static async open(options: InputOptions): Promise<DuckDBNoteInput> {
    const database = options.format === "duckdb" ? options.path : ":memory:";
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(database, { ...DUCKDB_CONFIG, ...(options.format === "duckdb" ? { access_mode: "READ_ONLY" } : {}) });
    } catch (e) {
      throw new InputError(`${options.path}: cannot open it as a DuckDB database: ${(e as Error).message}`);
    }
    const connection = await instance.connect();
    try {
      const source = await duckdbSource(options, connection, database);
      const reader = await NoteReader.open(connection, source, { ...options, batchRows: options.batchSize });
      return new DuckDBNoteInput(instance, connection, reader, duckdbIds(reader.idColumn.type));
    } catch (e) {
      connection.closeSync();
      instance.closeSync();
      // A table of the database file opened here is named by the table alone: say which file.
      throw options.format === "duckdb" && e instanceof SourceError ? new SourceError(`${options.path}: ${e.message}`, { cause: e }) : e;
    }
  }

  count(): Promise<number> {
    return this.reader.count();
  }

  batches(onRowError: (error: RowError) => void): AsyncIterable<NoteBatch> {
    return this.reader.batches(onRowError);
  }

  rejectedRows(): Promise<readonly RejectedRow[]> {
    return this.reader.rejectedRows();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** An Arrow IPC stream (stdin or a file) of record batches holding the id and text columns. */
class ArrowNoteInput implements NoteInput {
  private constructor(
    private readonly options: InputOptions,
    private readonly reader: AsyncIterable<RecordBatch>,
    readonly ids: IdFormat,
  ) {}

  static async open(options: InputOptions, io: Io): Promise<ArrowNoteInput> {
    const { path } = options;
    const bytes = path === "-" ? (io.stdin ?? process.stdin) : createReadStream(path);
    let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
    try {
      reader = await RecordBatchReader.from(bytes as NodeJS.ReadableStream);
      await reader.open();
    } catch (e) {
      throw new InputError(`${path}: cannot read it as an Arrow IPC stream: ${(e as Error).message}`);
    }
    if (!reader.schema) throw new InputError(`${path}: not an Arrow IPC stream (no schema message)`);
    const fields = reader.schema.fields;
    const find = (name: string, role: string) => {
      const field = fields.find((f) => f.name === name);
      if (!field) throw new InputError(`${path}: no ${role} column "${name}" (available columns: ${fields.map((f) => f.name).join(", ") || "none"})`);
      return field;
    };
    const idField = options.idColumn === undefined ? undefined : find(options.idColumn, "id");
    const textField = find(options.textColumn, "text");
    if (!isText(textField.type)) throw new InputError(`${path}: text column "${textField.name}" has type ${textField.type}, expected Utf8`);
    return new ArrowNoteInput(options, reader as AsyncIterable<RecordBatch>, idField ? arrowIds(idField.type) : duckdbIds("BIGINT"));
  }

  async count(): Promise<undefined> {
    return undefined;
  }

  async *batches(onRowError: (error: RowError) => void): AsyncGenerator<NoteBatch> {
    const { idColumn, textColumn, maxTextLength, batchSize } = this.options;
    let row = 0;
    for await (const input of this.reader) {
      const ids = idColumn === undefined ? undefined : (input.getChild(idColumn) as Vector);
      const texts = input.getChild(textColumn) as Vector;
      let batch: { rows: number[]; ids: DuckDBValue[]; texts: (string | null)[] } = { rows: [], ids: [], texts: [] };
      for (let i = 0; i < input.numRows; i++, row++) {
        // Arrow hands ids over as JS values (strings, numbers, bigints); they go back out with the same Arrow type.
        const id = (ids ? ids.get(i) : BigInt(row)) as DuckDBValue;
        const text = texts.get(i) as string | null;
        if (text !== null && text.length > maxTextLength) {
          onRowError({ id, row, message: `text is ${text.length} UTF-16 code units long, over maxTextLength (${maxTextLength})` });
          continue;
        }
        batch.rows.push(row);
        batch.ids.push(id);
        batch.texts.push(text);
        if (batch.texts.length === batchSize) {
          yield batch;
          batch = { rows: [], ids: [], texts: [] };
        }
      }
      if (batch.texts.length > 0) yield batch;
    }
  }

  async rejectedRows(): Promise<readonly RejectedRow[]> {
    return [];
  }

  close(): void {}
}

function isText(type: DataType): boolean {
  return DataType.isUtf8(type) || DataType.isLargeUtf8(type) || (DataType.isDictionary(type) && (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary)));
}
