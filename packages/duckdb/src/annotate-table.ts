import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { annotationColumnNames, annotationListValue, annotationsOf, countAnnotations } from "./annotation-values.js";
import { OutputError } from "./errors.js";
import { annotateNotes, type AnnotatedNotes, type BatchModel } from "./notes.js";
import { chunkRecord } from "./records.js";
import { limitErrors, NoteReader, type NoteSource, type RowError } from "./source.js";
import { ANNOTATION_LIST_SQL, checkAppendable, chunkColumns, errorColumns, existingTables, IF_EXISTS, publish, StagedTable, type IfExists } from "./tables.js";

export interface OutputTables {
  /** The flat chunks table: `id, chunk, begin, end, ner_label, confidence, sentence`. */
  chunksTable?: string;
  /** `id` plus one `STRUCT(...)[]` column per annotation column of the model's output. */
  annotationsTable?: string;
  /** `id, row, message` for every note that was not annotated; default `<chunksTable or annotationsTable>_errors`. */
  errorsTable?: string;
}

export interface AnnotateTableOptions {
  /** The database: the run opens its own connections (one reads while the other writes). */
  instance: DuckDBInstance;
  source: NoteSource;
  /** Column identifying each note, copied into every output row as `id` with its DuckDB type; default: the 0-based row number (BIGINT). */
  idColumn?: string;
  /** Column holding the note text: VARCHAR, or JSON whose values are strings. */
  textColumn: string;
  model: BatchModel;
  outputs: OutputTables;
  /** The column the model's first stage reads the text from (default "text"). */
  modelTextColumn?: string;
  /** The model's chunk column, flattened into `chunksTable` (default "ner_chunk"). */
  chunkColumn?: string;
  /** The model's token column, counted for the summary (default "token"). */
  tokenColumn?: string;
  /** Annotation columns written to `annotationsTable`; default every annotation column of the model's output. */
  annotationColumns?: readonly string[];
  /** Notes read and handed to the model at a time (default 128). */
  batchRows?: number;
  /** Texts longer than this many UTF-16 code units become error records (default 1,000,000; see the README). */
  maxTextLength?: number;
  /**
   * Error records a run may have (default: no limit). One more stops the run with `TooManyErrors` and nothing is
   * written: a text column of the wrong kind fails in the first rows instead of after millions of error records.
   */
  maxErrors?: number;
  /**
   * What to do when an output table exists: "fail" (default, checked before any work), "replace" it, or "append" the
   * run's rows to it (its columns must match; checked before any work, or for an annotations table whose columns
   * come from the model, at the first batch). Either way the tables change at the end, all or nothing.
   */
  ifExists?: IfExists;
  /** Called after each batch is written, with the totals so far. */
  onProgress?: (progress: AnnotateProgress) => void;
}

export interface AnnotateProgress {
  /** Source rows read so far, annotated or not. */
  notes: number;
  tokens: number;
  chunks: number;
  errors: number;
}

export interface AnnotateSummary extends AnnotateProgress {
  seconds: number;
}

export const DEFAULT_BATCH_ROWS = 128;
export const DEFAULT_MAX_TEXT_LENGTH = 1_000_000;

/**
 * Annotates every note of a DuckDB table or query with `model` and writes the results as DuckDB tables, all or
 * nothing: rows go to staging tables through the appender, batch by batch, and are swapped in under their real
 * names in one transaction at the end. If anything fails (the model throws, a row cannot be read) the staging
 * tables are dropped and no output table is created or changed. The source is only ever read.
 */
export async function annotateTable(options: AnnotateTableOptions): Promise<AnnotateSummary> {
  const started = performance.now();
  const settings = resolve(options);
  const reader = await options.instance.connect();
  const writer = await options.instance.connect();
  try {
    const notes = await NoteReader.open(reader, options.source, settings);
    const existing = settings.ifExists === "fail" ? await existingTables(writer, settings.targets) : [];
    if (existing.length > 0) {
      const tables = existing.length === 1 ? `table ${existing[0]} already exists` : `tables ${existing.join(", ")} already exist`;
      const them = existing.length === 1 ? "it" : "them";
      throw new OutputError(`output ${tables} (pass ifExists: "replace" to replace ${them}, or "append" to add to ${them})`, { existingTables: existing });
    }
    const run = new TableRun(writer, notes.idColumn.type, settings);
    try {
      await run.start();
      const recordError = limitErrors(settings.maxErrors, (error) => run.writeError(error));
      const stream = annotateNotes(options.model, notes.batches(recordError), settings.modelTextColumn, columnsRead(settings));
      for await (const annotated of stream) {
        await run.write(annotated);
        options.onProgress?.(run.progress());
      }
      for (const rejected of await notes.rejectedRows()) recordError({ id: null, row: null, message: rejected.message });
      const progress = run.progress();
      // The reader's last transaction must end before the swap, which may drop a table the source read.
      reader.closeSync();
      await run.publish();
      return { ...progress, seconds: (performance.now() - started) / 1000 };
    } catch (e) {
      await run.discard();
      throw e;
    }
  } finally {
    reader.closeSync();
    writer.closeSync();
  }
}

/**
 * The annotation columns a run reads from the model's output: without an annotations table, only the chunks and the
 * tokens (counted), so the model need not encode the rest; with one, its columns (all of them by default).
 */
function columnsRead(settings: Settings): readonly string[] | undefined {
  const { outputs, annotationColumns, chunkColumn, tokenColumn } = settings;
  if (outputs.annotationsTable !== undefined) return annotationColumns && [...new Set([...annotationColumns, chunkColumn, tokenColumn])];
  return outputs.chunksTable !== undefined ? [chunkColumn, tokenColumn] : [tokenColumn];
}

interface Settings {
  outputs: Required<Pick<OutputTables, "errorsTable">> & OutputTables;
  targets: string[];
  idColumn?: string;
  textColumn: string;
  modelTextColumn: string;
  chunkColumn: string;
  tokenColumn: string;
  annotationColumns?: readonly string[];
  batchRows: number;
  maxTextLength: number;
  maxErrors?: number;
  ifExists: IfExists;
}

function resolve(options: AnnotateTableOptions): Settings {
  const { chunksTable, annotationsTable } = options.outputs;
  const main = chunksTable ?? annotationsTable;
  if (main === undefined) throw new OutputError("outputs: name a chunksTable, an annotationsTable or both");
  const outputs = { ...options.outputs, errorsTable: options.outputs.errorsTable ?? `${main}_errors` };
  const targets = [outputs.chunksTable, outputs.annotationsTable, outputs.errorsTable].filter((t): t is string => t !== undefined);
  for (const [i, t] of targets.entries()) {
    if (t.trim() === "") throw new OutputError("outputs: table names must not be empty");
    if (targets.findIndex((u) => u.toLowerCase() === t.toLowerCase()) !== i) throw new OutputError(`outputs: "${t}" is named twice`);
    if ("table" in options.source && options.source.table.toLowerCase() === t.toLowerCase()) {
      throw new OutputError(`outputs: "${t}" is the source table; the source is never written`);
    }
  }
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const maxTextLength = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);
  if (!Number.isSafeInteger(maxTextLength) || maxTextLength < 0) throw new RangeError(`maxTextLength must be a non-negative integer, got ${maxTextLength}`);
  const ifExists = options.ifExists ?? "fail";
  if (!IF_EXISTS.includes(ifExists)) throw new RangeError(`ifExists must be "fail", "replace" or "append", got ${JSON.stringify(ifExists)}`);
  const { maxErrors } = options;
  if (maxErrors !== undefined && (!Number.isSafeInteger(maxErrors) || maxErrors < 0)) throw new RangeError(`maxErrors must be a non-negative integer, got ${maxErrors}`);
  return {
    outputs,
    targets,
    idColumn: options.idColumn,
    textColumn: options.textColumn,
    modelTextColumn: options.modelTextColumn ?? "text",
    chunkColumn: options.chunkColumn ?? "ner_chunk",
    tokenColumn: options.tokenColumn ?? "token",
    annotationColumns: options.annotationColumns,
    batchRows,
    maxTextLength,
    maxErrors,
    ifExists,
  };
}

/** The staged output tables of one run and the totals written to them. */
class TableRun {
  private chunks?: StagedTable;
  private errors?: StagedTable;
  private annotations?: StagedTable;
  private annotationColumns?: readonly string[];
  private readonly staged: StagedTable[] = [];
  private readonly totals = { annotated: 0, tokens: 0, chunks: 0, errors: 0, rowErrors: 0 };

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly idType: string,
    private readonly settings: Settings,
  ) {}

  async start(): Promise<void> {
    const { chunksTable, errorsTable } = this.settings.outputs;
    if (chunksTable !== undefined) this.chunks = await this.stage(chunksTable, chunkColumns(this.idType));
    this.errors = await this.stage(errorsTable, errorColumns(this.idType));
    // The annotation columns are those of the model's output, known from its first batch; with no rows at all,
    // only the columns asked for by name.
    if (this.settings.outputs.annotationsTable !== undefined && this.settings.annotationColumns !== undefined) {
      await this.stageAnnotations(this.settings.annotationColumns);
    }
  }

  writeError(error: RowError): void {
    this.errors!.append([error.id, error.row === null ? null : BigInt(error.row), error.message]);
    this.totals.errors++;
    if (error.row !== null) this.totals.rowErrors++;
  }

  async write({ ids, batch }: AnnotatedNotes): Promise<void> {
    const { chunkColumn, tokenColumn } = this.settings;
    if (this.chunks) {
      const chunks = annotationsOf(batch, chunkColumn);
      for (const [row, annotations] of chunks.entries()) {
        for (const annotation of annotations) {
          const c = chunkRecord(annotation);
          this.chunks.append([ids[row]!, c.chunk, c.begin, c.end, c.ner_label, c.confidence, c.sentence]);
        }
        this.totals.chunks += annotations.length;
      }
      this.chunks.flush();
    }
    if (this.settings.outputs.annotationsTable !== undefined) {
      if (!this.annotations) await this.stageAnnotations(annotationColumnNames(batch));
      const columns = this.annotationColumns!.map((name) => annotationsOf(batch, name));
      for (let row = 0; row < batch.numRows; row++) this.annotations!.append([ids[row]!, ...columns.map((rows) => annotationListValue(rows[row]!))]);
      this.annotations!.flush();
    }
    this.errors!.flush();
    this.totals.tokens += countAnnotations(batch, tokenColumn);
    this.totals.annotated += batch.numRows;
  }

  /** Totals so far: a note counts once it is written to the output or to the errors table. */
  progress(): AnnotateProgress {
    const { annotated, rowErrors, tokens, chunks, errors } = this.totals;
    return { notes: annotated + rowErrors, tokens, chunks, errors };
  }

  /** Publishes in the order of `targets` (chunks, annotations, errors), whatever order they were staged in. */
  async publish(): Promise<void> {
    const { targets } = this.settings;
    const ordered = [...this.staged].sort((x, y) => targets.indexOf(x.target) - targets.indexOf(y.target));
    await publish(this.connection, ordered, this.settings.ifExists);
  }

  async discard(): Promise<void> {
    for (const table of this.staged) await table.discard(this.connection);
  }

  private async stageAnnotations(columns: readonly string[]): Promise<void> {
    if (columns.some((c) => c.toLowerCase() === "id")) throw new OutputError(`annotationsTable: an annotation column is named "id", which the table uses for the note id`);
    this.annotationColumns = columns;
    const table = this.settings.outputs.annotationsTable!;
    this.annotations = await this.stage(table, [{ name: "id", type: this.idType }, ...columns.map((name) => ({ name, type: ANNOTATION_LIST_SQL }))]);
  }

  private async stage(target: string, columns: Parameters<typeof StagedTable.create>[2]): Promise<StagedTable> {
    const table = await StagedTable.create(this.connection, target, columns);
    this.staged.push(table);
    if (this.settings.ifExists === "append") await checkAppendable(this.connection, table);
    return table;
  }
}


