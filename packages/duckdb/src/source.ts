import type { DuckDBConnection, DuckDBResult, DuckDBValue } from "@duckdb/node-api";
import { SourceError, TooManyErrors } from "./errors.js";
import { sqlIdentifier, type ColumnInfo } from "./sql.js";

/** Notes in a table of the connection's database (unqualified name; for other schemas use a query). */
export interface TableSource {
  readonly table: string;
}

/** Notes from any SELECT, including DuckDB's file readers (`FROM read_parquet('notes.parquet')`). */
export interface QuerySource {
  readonly query: string;
  /** Names the source in error messages, such as the file a reader function reads; default "query". */
  readonly name?: string;
  /**
   * Rows the query's reader refused instead of failing (DuckDB's CSV rejects tables), read on the reading
   * connection once the scan is done. `csvSource` sets it.
   */
  readonly rejectedRows?: (reader: DuckDBConnection) => Promise<readonly RejectedRow[]>;
  /**
   * When the reader fails, a message that says better than DuckDB's where and why (`jsonSource` finds the line
   * itself: DuckDB's JSON errors name the line after the bad one); undefined keeps DuckDB's message.
   */
  readonly explainFailure?: (error: Error) => Promise<string | undefined>;
  /**
   * For a reader that yields a line it cannot read as a row of NULLs, in its place (`jsonSource`): finds those rows.
   * Asked at most once, when a row's id and text are both NULL.
   */
  readonly malformedRows?: () => Promise<MalformedRows>;
}

/** The rows a reader yielded as NULLs for lines it could not read, and the number of rows it yields in all. */
export interface MalformedRows {
  readonly rows: number;
  /** Keyed by the 0-based row number; `line` is the file's 1-based line. */
  readonly reasons: ReadonlyMap<number, { readonly line: number; readonly reason: string }>;
}

export type NoteSource = TableSource | QuerySource;

/** A line the source's reader refused; it never became a row, so it has no id or row number. */
export interface RejectedRow {
  readonly message: string;
}

/** One note that was not annotated, and why: what goes to the errors table. */
export interface RowError {
  /** The note's id; null when the reader could not read it (a rejected CSV line, a malformed JSON line). */
  readonly id: DuckDBValue;
  /** 0-based row number in the order the source yields rows; null for rejected CSV lines, which yield no row. */
  readonly row: number | null;
  readonly message: string;
}

/**
 * `record`, for at most `maxErrors` error records (undefined: no limit); one more throws `TooManyErrors`, which stops
 * the reader that reported it, and so the run.
 */
export function limitErrors(maxErrors: number | undefined, record: (error: RowError) => void): (error: RowError) => void {
  if (maxErrors === undefined) return record;
  let count = 0;
  let first: RowError | undefined;
  return (error) => {
    first ??= error;
    if (++count > maxErrors) throw new TooManyErrors(maxErrors, first);
    record(error);
  };
}

/** Consecutive notes that passed the checks, with their ids and source row numbers kept beside the text. */
export interface NoteBatch {
  readonly rows: readonly number[];
  readonly ids: readonly DuckDBValue[];
  /** null for SQL NULL: such a note gets empty annotations, like an empty text. */
  readonly texts: readonly (string | null)[];
}

export interface NoteReaderOptions {
  /** Column whose value identifies each note; default: none, and a note's id is its 0-based row number (BIGINT). */
  readonly idColumn?: string;
  readonly textColumn: string;
  /** Notes per batch. */
  readonly batchRows: number;
  /** Longer texts (UTF-16 code units) become error records instead of being annotated. */
  readonly maxTextLength: number;
}

/** Types a note's text can have: VARCHAR, and JSON (mixed-type JSON fields, decoded and checked row by row). */
const TEXT_TYPES = new Set(["VARCHAR", "JSON"]);

/** The id of notes read without an id column: the row number. */
const ROW_NUMBER_ID: ColumnInfo = { name: "row number", type: "BIGINT" };

export function describeSource(source: NoteSource): string {
  return "table" in source ? `table ${sqlIdentifier(source.table)}` : (source.name ?? "query");
}

function fromClause(source: NoteSource): string {
  return "table" in source ? sqlIdentifier(source.table) : `(${source.query})`;
}

/**
 * Reads notes from a source in batches, streaming (never the whole table), in the order the source yields them.
 * `open` checks the columns before anything is read, so a bad source fails before any output is written.
 */
export class NoteReader {
  /** `count`'s answer, once asked. */
  private rowCount: Promise<number> | undefined;
  /** The source's unreadable lines, once a row of NULLs made it necessary to look for them. */
  private malformed: Promise<MalformedRows> | undefined;

  private constructor(
    private readonly connection: DuckDBConnection,
    readonly source: NoteSource,
    private readonly options: NoteReaderOptions,
    /** The id column as read; its type is the id column type of every output table. */
    readonly idColumn: ColumnInfo,
    readonly textColumn: ColumnInfo,
    private readonly hasIdColumn: boolean,
  ) {}

  static async open(connection: DuckDBConnection, source: NoteSource, options: NoteReaderOptions): Promise<NoteReader> {
    const what = describeSource(source);
    const columns = await describeColumns(connection, source);
    const find = (name: string, role: string): ColumnInfo => {
      const column = columns.find((c) => c.name === name);
      if (!column) throw new SourceError(`${what}: no ${role} column "${name}" (available columns: ${columns.map((c) => c.name).join(", ") || "none"})`);
      return column;
    };
    const idColumn = options.idColumn === undefined ? undefined : find(options.idColumn, "id");
    const textColumn = find(options.textColumn, "text");
    if (!TEXT_TYPES.has(textColumn.type)) {
      throw new SourceError(
        `${what}: text column "${textColumn.name}" has type ${textColumn.type}, expected VARCHAR ` +
          `(cast it in a query source if it holds text: SELECT ..., CAST(${sqlIdentifier(textColumn.name)} AS VARCHAR) AS ${sqlIdentifier(textColumn.name)})`,
      );
    }
    const reader = new NoteReader(connection, source, options, idColumn ?? ROW_NUMBER_ID, textColumn, idColumn !== undefined);
    if (idColumn === undefined && !("table" in source) && source.rejectedRows) {
      // Numbered in reading order, a refused line would shift every later note's number: one reading pass first, so
      // such a source fails before any note is annotated or written (rejectedRows throws).
      await reader.count();
      await reader.rejectedRows();
    }
    return reader;
  }

  /**
   * Number of rows: a full extra pass over the source, so only callers showing an ETA should ask. Counted once: the
   * pass `open` makes over a CSV without an id column answers a later ask too.
   */
  async count(): Promise<number> {
    this.rowCount ??= this.run(() => this.connection.runAndReadAll(`SELECT count(*) FROM ${fromClause(this.source)}`)).then((r) => Number(r.getRowsJS()[0]![0]));
    return this.rowCount;
  }

  /**
   * The notes, `batchRows` at a time. Rows that cannot be annotated (a non-string value in a JSON text column, a
   * text over `maxTextLength`) go to `onRowError` and are left out of the batches; every other row is kept.
   */
  async *batches(onRowError: (error: RowError) => void): AsyncGenerator<NoteBatch> {
    const { batchRows } = this.options;
    const idSql = this.hasIdColumn ? sqlIdentifier(this.idColumn.name) : "NULL";
    const result = await this.run(() => this.connection.stream(`SELECT ${idSql}, ${sqlIdentifier(this.textColumn.name)} FROM ${fromClause(this.source)}`));
    let batch = emptyBatch();
    let row = 0;
    for (;;) {
      const chunk = await this.fetch(result, row);
      if (chunk === null) break;
      const ids = chunk.getColumnValues(0);
      const texts = chunk.getColumnValues(1);
      for (let i = 0; i < chunk.rowCount; i++, row++) {
        const id = this.hasIdColumn ? ids[i]! : BigInt(row);
        const malformed = texts[i] === null && (!this.hasIdColumn || id === null) ? await this.malformedReason(row) : undefined;
        if (malformed !== undefined) {
          onRowError({ id, row, message: malformed });
          continue;
        }
        const text = this.decodeText(texts[i]!);
        const problem = this.problemWith(text);
        if (problem !== undefined) {
          onRowError({ id, row, message: problem });
          continue;
        }
        batch.rows.push(row);
        batch.ids.push(id);
        batch.texts.push(text as string | null);
        if (batch.texts.length === batchRows) {
          yield batch;
          batch = emptyBatch();
        }
      }
    }
    if (batch.texts.length > 0) yield batch;
    const scanned = this.malformed && (await this.malformed);
    if (scanned && scanned.rows !== row) {
      // Rows and lines must pair up one to one, or the error records would name the wrong lines.
      throw new SourceError(`${describeSource(this.source)}: read ${row} rows but its reader counted ${scanned.rows}, so the rows it could not read cannot be named`);
    }
  }

  /** Why the reader yielded this all-NULL row (a line it could not read), or undefined for a real row. */
  private async malformedReason(row: number): Promise<string | undefined> {
    const { source } = this;
    if ("table" in source || !source.malformedRows) return undefined;
    const find = source.malformedRows;
    this.malformed ??= this.run(find);
    const bad = (await this.malformed).reasons.get(row);
    return bad && `${describeSource(source)} line ${bad.line}: ${bad.reason}`;
  }

  /**
   * Rows the source's reader refused (see `QuerySource.rejectedRows`); ask after `batches` is done. Without an id
   * column a refused row throws instead: the notes are numbered as the reader yields them, so every note after it
   * would carry the number of the one before it in the file, and chunks would land on the wrong notes.
   */
  async rejectedRows(): Promise<readonly RejectedRow[]> {
    const { source } = this;
    if ("table" in source || !source.rejectedRows) return [];
    const reader = source.rejectedRows;
    const rejected = await this.run(() => reader(this.connection));
    if (rejected.length > 0 && !this.hasIdColumn) {
      throw new SourceError(
        `${rejected[0]!.message}${rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : ""}. Without an id column the ` +
          "notes are numbered in reading order, so the notes after a refused line would get the wrong numbers: fix the " +
          "line, or name an id column (idColumn; --id-column in the CLI)",
      );
    }
    return rejected;
  }

  /** DuckDB hands JSON values over as their JSON text; a JSON text column can hold anything JSON can. */
  private decodeText(value: DuckDBValue): unknown {
    if (this.textColumn.type !== "JSON" || typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      // DuckDB reads NaN and Infinity, which JSON has no place for.
      return new NotJson(value);
    }
  }

  /** Why a text cannot be annotated, or undefined when it can (null and empty texts can). */
  private problemWith(text: unknown): string | undefined {
    if (text === null) return undefined;
    if (typeof text !== "string") return `text column "${this.textColumn.name}" holds ${describeValue(text)}, expected a string or null`;
    if (text.length > this.options.maxTextLength) return `text is ${text.length} UTF-16 code units long, over maxTextLength (${this.options.maxTextLength})`;
    return undefined;
  }

  private async fetch(result: DuckDBResult, row: number) {
    const chunk = await this.run(() => result.fetchChunk(), `reading on from row ${row}`);
    return chunk === null || chunk.rowCount === 0 ? null : chunk;
  }

  private async run<T>(action: () => Promise<T>, context?: string): Promise<T> {
    try {
      return await action();
    } catch (e) {
      throw await sourceFailure(this.source, e as Error, context);
    }
  }
}

/** A JSON column's value that JSON.parse refuses (NaN), kept as DuckDB's text for the error message. */
class NotJson {
  constructor(readonly text: string) {}
}

function emptyBatch(): { rows: number[]; ids: DuckDBValue[]; texts: (string | null)[] } {
  return { rows: [], ids: [], texts: [] };
}

async function describeColumns(connection: DuckDBConnection, source: NoteSource): Promise<ColumnInfo[]> {
  try {
    const result = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${fromClause(source)}`);
    return result.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (e) {
    throw await sourceFailure(source, e as Error, "cannot read it");
  }
}

async function sourceFailure(source: NoteSource, error: Error, context?: string): Promise<SourceError> {
  const explained = "table" in source ? undefined : await source.explainFailure?.(error);
  const prefix = describeSource(source) + (context ? `: ${context}` : "");
  // DuckDB's "LINE 1: <our SQL> / caret" tail points into Kindling's query, not the user's data; the cause keeps it.
  const message = explained ?? error.message.replace(/\n+LINE \d+:[\s\S]*$/, "").replace(/\n/g, " ");
  return new SourceError(`${prefix}: ${message}`, { cause: error });
}

/** "a number (42)", "an array ([1,2])": what a value is, for error messages. */
export function describeValue(value: unknown): string {
  if (value instanceof NotJson) return `${value.text}, which is not JSON`;
  if (Array.isArray(value)) return `an array (${preview(value)})`;
  if (typeof value === "object") return `an object (${preview(value)})`;
  return `a ${typeof value} (${preview(value)})`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
