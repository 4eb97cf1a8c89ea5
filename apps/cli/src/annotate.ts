import { DuckDBInstance } from "@duckdb/node-api";
import { LightPipeline, PipelinePool, type PipelineModel } from "@kindling/core";
import {
  annotateNotes,
  annotateTable as annotateIntoDuckDB,
  annotationsOf,
  countAnnotations,
  limitErrors,
  NoteReader,
  OutputError,
  SourceError,
  sqlIdentifier,
  sqlString,
  type AnnotatedNotes,
  type BatchModel,
  type RowError,
} from "@kindling/duckdb";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeIfInterrupted } from "./cleanup.js";
import { duckdbIds } from "./ids.js";
import { checkInputFile, DUCKDB_CONFIG, duckdbSource, formatOf, openNoteInput, type InputFormat, type InputOptions } from "./input.js";
import type { Io } from "./io.js";
import { arrowChunkSink, AtomicFile, errorSink, jsonLinesSink, outputFormatOf, writeTarget, type ErrorSink, type OutputFormat, type RecordSink, type RowRecords } from "./output.js";
import { isCustomModel, loadPipeline, TEXT_COL, type NerModelChoice, type PipelineName } from "./pipelines.js";
import createPipeline, { type WorkerPipelineOptions } from "./pool-pipeline.js";
import { NO_PROGRESS, startProgress, wantsProgress, type Progress } from "./progress.js";
import { RECORDS, type AnnotatedRow, type RecordKind } from "./records.js";

export interface AnnotateTextOptions extends NerModelChoice {
  pipeline: PipelineName;
  /** File to write; undefined or "-" for stdout. */
  output?: string;
}

/** One text: one JSON line per chunk (or per sentence for the tokens pipeline); a single text has no id. */
export async function annotateText(text: string, options: AnnotateTextOptions, io: Io): Promise<void> {
  const light = new LightPipeline(await pipelineOf(options));
  const records = RECORDS[options.pipeline].of(await light.fullAnnotate(text));
  if (options.output === undefined || options.output === "-") records.forEach((r) => io.out(JSON.stringify(r)));
  else await writeBare(options.output, records);
}

async function writeBare(path: string, records: readonly object[]): Promise<void> {
  const file = await AtomicFile.create(path);
  try {
    if (records.length > 0) await file.write(records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    await file.commit();
  } catch (e) {
    await file.abort();
    throw e;
  }
}

/** What builds a pipeline for these options (plain data: it also goes to each worker thread). */
function workerOptions(options: AnnotateTextOptions & { intraOpThreads?: number }): WorkerPipelineOptions {
  const { pipeline, nerModel, embeddings, head, abbreviations, intraOpThreads } = options;
  if (pipeline !== "ner" && isCustomModel(options)) throw new UsageError("--ner-model, --embeddings, --head and --abbreviations apply to --pipeline ner");
  return { pipeline, nerModel, embeddings, head, abbreviations, intraOpThreads };
}

/** The shipped pipeline, loaded once per process, or one built for the options' own models or threads. */
function pipelineOf(options: AnnotateTextOptions & { intraOpThreads?: number }): Promise<PipelineModel> {
  const worker = workerOptions(options);
  return isCustomModel(options) || options.intraOpThreads !== undefined ? createPipeline(worker) : loadPipeline(options.pipeline);
}

/** A combination of options that cannot work; the CLI reports it as a usage error (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface AnnotateTableOptions extends AnnotateTextOptions {
  /** A file, or "-" for an Arrow IPC stream on stdin. */
  input: string;
  inputFormat?: InputFormat;
  outputFormat?: OutputFormat;
  /** The DuckDB table: the input's when the input is a DuckDB file, else the output's. */
  table?: string;
  /** The output DuckDB table when the input is a DuckDB file too (default "chunks"). */
  outputTable?: string;
  idColumn?: string;
  textColumn: string;
  batchSize: number;
  maxTextLength: number;
  /** Error records a run may have; one more fails it, writing nothing (default: no limit). */
  maxErrors?: number;
  /** JSON lines file for error records; default stderr (or the `<table>_errors` table of a DuckDB output). */
  errors?: string;
  /** Replace an existing DuckDB output table. */
  replace?: boolean;
  /** Add the run's rows to an existing DuckDB output table (its columns must match). */
  append?: boolean;
  /** --progress / --no-progress; undefined: a bar only when stderr is a terminal. */
  progress?: boolean;
  /** What annotates the notes (default: the named pipeline, loaded once per process); a worker pool fits here. */
  model?: BatchModel;
  /** Worker threads, each with its own pipeline; 1 runs the pipeline on the main thread. */
  workers?: number;
  /** ONNX Runtime intra-op threads per pipeline (per worker). */
  intraOpThreads?: number;
}

// Workers run plain Node: when this module runs from source (vitest), their factory is the built one.
const POOL_FACTORY = import.meta.url.endsWith(".ts") ? new URL("../dist/pool-pipeline.js", import.meta.url) : new URL("./pool-pipeline.js", import.meta.url);

/**
 * The model of one run: the caller's, a worker pool (workers > 1, started on first use and closed with the run), or
 * the named pipeline on this thread. Started lazily so a bad input file is reported before any model loads.
 */
class RunModel {
  private pool?: PipelinePool;

  constructor(private readonly options: AnnotateTableOptions) {}

  async get(): Promise<BatchModel> {
    const { model, workers = 1, intraOpThreads } = this.options;
    if (model) return model;
    if (workers <= 1) return pipelineOf(this.options);
    this.pool = await PipelinePool.create({
      factory: { module: POOL_FACTORY, options: { ...workerOptions(this.options), intraOpThreads: intraOpThreads ?? 1 } },
      workers,
    });
    return this.pool;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

export interface AnnotateSummary {
  notes: number;
  tokens: number;
  /** Chunks, or sentences for the tokens pipeline. */
  records: number;
  errors: number;
  seconds: number;
}

/** The formats and tables of a run, resolved from the options and file names, with every combination checked. */
export interface RunPlan {
  input: InputOptions;
  output: { format: OutputFormat; path?: string; table?: string };
}

const TABLE_OUTPUTS: readonly OutputFormat[] = ["duckdb", "parquet", "csv"];

export function planRun(options: AnnotateTableOptions): RunPlan {
  if (options.input === "-" && options.inputFormat !== "arrow") throw new UsageError("reading notes from stdin (-) needs --input-format arrow");
  const inputFormat = options.inputFormat ?? formatOf(options.input);
  const outputFormat = options.outputFormat ?? outputFormatOf(options.output);
  const output = options.output === "-" ? undefined : options.output;
  if (inputFormat === "duckdb" && options.table === undefined) throw new UsageError(`a DuckDB input needs --table <name> (the table of notes in ${options.input})`);
  if (options.outputTable !== undefined && outputFormat !== "duckdb") throw new UsageError("--output-table names the table of a DuckDB --output");
  if (options.table !== undefined && inputFormat !== "duckdb" && outputFormat !== "duckdb") throw new UsageError("--table names the table of a DuckDB input or output");
  if (TABLE_OUTPUTS.includes(outputFormat)) {
    if (output === undefined) throw new UsageError(`--output-format ${outputFormat} writes a file: give --output <path>`);
    if (inputFormat === "arrow") throw new UsageError(`an Arrow input is written as JSON lines or Arrow (--output-format jsonl|arrow), not ${outputFormat}`);
  }
  if (options.pipeline === "tokens" && outputFormat !== "jsonl") throw new UsageError(`--pipeline tokens writes JSON lines only, not ${outputFormat}`);
  if (outputFormat === "duckdb" && options.errors !== undefined) throw new UsageError("a DuckDB --output keeps its error records in the table <table>_errors; --errors is for other outputs");
  if (options.replace && outputFormat !== "duckdb") throw new UsageError("--replace is for a DuckDB --output table (files are always replaced)");
  if (options.append && outputFormat !== "duckdb") throw new UsageError("--append is for a DuckDB --output table (files are always replaced)");
  if (options.append && options.replace) throw new UsageError("--append and --replace contradict each other: give one");
  const outputTable = outputFormat === "duckdb" ? (options.outputTable ?? (inputFormat === "duckdb" ? undefined : options.table) ?? "chunks") : undefined;
  return {
    input: {
      path: options.input,
      format: inputFormat,
      table: inputFormat === "duckdb" ? options.table : undefined,
      idColumn: options.idColumn,
      textColumn: options.textColumn,
      batchSize: options.batchSize,
      maxTextLength: options.maxTextLength,
    },
    output: { format: outputFormat, path: output, table: outputTable },
  };
}

/**
 * Refuses an --output or --errors that is the input file (or a link to it), or both the same file: the output is
 * renamed over it at the end, so a typo would replace the notes. A DuckDB output may be the input database: its
 * chunks go to a table of their own.
 */
async function checkNothingOverwritesTheInput(plan: RunPlan, errors: string | undefined): Promise<void> {
  // The same inode (hard links too), or the same file to be (two names for one path not made yet).
  const identity = async (path: string | undefined) => {
    if (path === undefined || path === "-") return undefined;
    const s = await stat(path).catch(() => undefined);
    if (s) return s.isFile() ? `${s.dev}:${s.ino}` : undefined; // /dev/null may take both outputs
    return await writeTarget(path).catch(() => undefined);
  };
  const input = await identity(plan.input.path);
  const output = plan.output.format === "duckdb" && plan.input.format === "duckdb" ? undefined : await identity(plan.output.path);
  const errorsFile = await identity(errors);
  if (input !== undefined && output === input) throw new UsageError(`--output ${plan.output.path} is the input file: writing it would replace the notes`);
  if (input !== undefined && errorsFile === input) throw new UsageError(`--errors ${errors} is the input file: writing it would replace the notes`);
  if (errorsFile !== undefined && errorsFile === output) throw new UsageError(`--errors ${errors} and --output ${plan.output.path} are the same file`);
}

/**
 * A table of notes through the pipeline, streamed in batches. JSON lines and Arrow outputs are written batch by
 * batch as the run goes (to a temporary file renamed into place at the end, or to stdout); DuckDB, Parquet and CSV
 * outputs go through @kindling/duckdb's staged tables. Ends with a one-line summary on stderr.
 */
export async function annotateTable(options: AnnotateTableOptions, io: Io): Promise<AnnotateSummary> {
  const started = performance.now();
  const plan = planRun(options);
  await checkInputFile(plan.input);
  await checkNothingOverwritesTheInput(plan, options.errors);
  const records = RECORDS[options.pipeline];
  const model = new RunModel(options);
  let summary: AnnotateSummary;
  try {
    summary = TABLE_OUTPUTS.includes(plan.output.format) ? await annotateIntoTable(plan, model, options, io) : await annotateStream(plan, model, options, records, io);
  } finally {
    await model.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  const errorsAt = plan.output.format === "duckdb" && summary.errors > 0 ? ` (see table ${plan.output.table}_errors)` : "";
  io.err(
    `kindling: ${summary.notes} notes, ${summary.tokens} tokens, ${summary.records} ${records.unit}, ${summary.errors} errors${errorsAt} in ${summary.seconds.toFixed(1)} s`,
  );
  return summary;
}


function progressFor(options: AnnotateTableOptions, io: Io, total: number | undefined, unit: string): Progress {
  return wantsProgress(options.progress, io.progressStream) ? startProgress(io.progressStream, total, unit) : NO_PROGRESS;
}

/** JSON lines or Arrow output, written batch by batch from the model's output. */
async function annotateStream(plan: RunPlan, runModel: RunModel, options: AnnotateTableOptions, records: RecordKind, io: Io): Promise<AnnotateSummary> {
  // Opening the input first reports a bad file or a missing column before any model is loaded.
  const input = await openNoteInput(plan.input, io);
  const summary: AnnotateSummary = { notes: 0, tokens: 0, records: 0, errors: 0, seconds: 0 };
  try {
    const model = await runModel.get();
    // Counting rows is an extra pass over the file: only a visible progress bar needs the total.
    const total = wantsProgress(options.progress, io.progressStream) ? await input.count() : undefined;
    const sink: RecordSink = plan.output.format === "arrow" ? await arrowChunkSink(plan.output.path, input.ids, io) : await jsonLinesSink(plan.output.path, input.ids, io);
    const errors = await errorSink(options.errors, input.ids, io).catch(async (e) => {
      await sink.abort();
      throw e;
    });
    const onRowError = limitErrors(options.maxErrors, (error: RowError) => {
      errors.write(error);
      summary.errors++;
      if (error.row !== null) summary.notes++;
    });
    const progress = progressFor(options, io, total, records.unit);
    try {
      // Only the columns the records and the token count read are encoded to Arrow.
      const outputCols = [...new Set([...records.columns, "token"])];
      for await (const annotated of annotateNotes(model, input.batches(onRowError), TEXT_COL, outputCols)) {
        const rows = recordsOf(annotated, records);
        await sink.write(rows);
        summary.notes += annotated.batch.numRows;
        summary.tokens += countAnnotations(annotated.batch, "token");
        summary.records += rows.reduce((n, r) => n + r.records.length, 0);
        progress.update({ notes: summary.notes, tokens: summary.tokens, records: summary.records });
      }
      for (const rejected of await input.rejectedRows()) onRowError({ id: null, row: null, message: rejected.message });
      await sink.commit();
      await errors.commit();
    } catch (e) {
      await sink.abort();
      await errors.abort();
      throw e instanceof SourceError ? e : new Error(`${plan.input.path}: ${(e as Error).message}`, { cause: e });
    } finally {
      progress.stop();
    }
  } finally {
    input.close();
  }
  return summary;
}

/** Each row's records, from the annotation columns they need (only those are decoded from Arrow). */
function recordsOf({ ids, batch }: AnnotatedNotes, records: RecordKind): RowRecords[] {
  const columns = records.columns.map((name) => [name, annotationsOf(batch, name)] as const);
  return ids.map((id, r) => {
    const row: AnnotatedRow = Object.fromEntries(columns.map(([name, rows]) => [name, rows[r]!]));
    return { id, records: records.of(row) };
  });
}

/**
 * DuckDB, Parquet and CSV outputs: @kindling/duckdb writes the chunks table into the output database (or, for
 * Parquet and CSV, a temporary one), all or nothing; Parquet and CSV are then exported with DuckDB's COPY into a
 * temporary file that is renamed into place.
 */
async function annotateIntoTable(plan: RunPlan, runModel: RunModel, options: AnnotateTableOptions, io: Io): Promise<AnnotateSummary> {
  const { format, path } = plan.output;
  const file = format === "duckdb" ? undefined : await AtomicFile.create(path!);
  const scratch = file
    ? await mkdtemp(join(tmpdir(), "kindling-")).catch(async (e: unknown) => {
        await file.abort();
        throw e;
      })
    : undefined;
  const forgetScratch = scratch ? removeIfInterrupted(scratch) : () => {};
  const database = scratch ? join(scratch, "chunks.duckdb") : path!;
  const table = plan.output.table ?? "chunks";
  try {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(database, DUCKDB_CONFIG);
    } catch (e) {
      throw new Error(`cannot open --output ${path} as a DuckDB database: ${(e as Error).message}`);
    }
    const connection = await instance.connect();
    try {
      const source = await duckdbSource(plan.input, connection, database);
      // Opening a reader checks the columns before any model is loaded, and counts the notes for the ETA.
      const reader = await NoteReader.open(connection, source, { ...plan.input, batchRows: plan.input.batchSize });
      // Opened now, so an unwritable --errors fails before the run rather than after it.
      const errors = file ? await errorSink(options.errors, duckdbIds(reader.idColumn.type), io) : undefined;
      let result;
      try {
        const total = wantsProgress(options.progress, io.progressStream) ? await reader.count() : undefined;
        const model = await runModel.get();
        const progress = progressFor(options, io, total, "chunks");
        try {
          result = await annotateIntoDuckDB({
            instance,
            source,
            idColumn: plan.input.idColumn,
            textColumn: plan.input.textColumn,
            model,
            modelTextColumn: TEXT_COL,
            outputs: { chunksTable: table },
            batchRows: plan.input.batchSize,
            maxTextLength: plan.input.maxTextLength,
            maxErrors: options.maxErrors,
            ifExists: options.replace ? "replace" : options.append ? "append" : "fail",
            onProgress: (p) => progress.update({ notes: p.notes, tokens: p.tokens, records: p.chunks }),
          });
        } catch (e) {
          if (e instanceof OutputError && e.existingTables.length > 0) {
            const tables = e.existingTables.length === 1 ? `table ${e.existingTables[0]} already exists` : `tables ${e.existingTables.join(", ")} already exist`;
            if (options.append) throw new Error(`${path}: ${e.message}`, { cause: e });
            const them = e.existingTables.length === 1 ? "it" : "them";
            throw new Error(`${path}: ${tables} (pass --replace to replace ${them}, or --append to add to ${them})`, { cause: e });
          }
          throw e;
        } finally {
          progress.stop();
        }
        if (file) await exportChunks(connection, table, format, file, errors!);
      } catch (e) {
        await errors?.abort();
        throw e;
      }
      return { notes: result.notes, tokens: result.tokens, records: result.chunks, errors: result.errors, seconds: 0 };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } catch (e) {
    await file?.abort();
    throw e;
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    forgetScratch();
  }
}

/** COPY of the chunks table into the --output file, and its error records to --errors or stderr. */
async function exportChunks(connection: Awaited<ReturnType<DuckDBInstance["connect"]>>, table: string, format: OutputFormat, file: AtomicFile, errors: ErrorSink) {
  await file.release();
  // USE_TMP_FILE false: the target is already a temporary file (or a pipe); DuckDB's own tmp_ copy would be one more
  // file an interrupt could leave behind.
  const copyOptions = `${format === "parquet" ? "FORMAT parquet" : "FORMAT csv, HEADER true"}, USE_TMP_FILE false`;
  await connection.run(`COPY (SELECT * FROM ${sqlIdentifier(table)} ORDER BY rowid) TO ${sqlString(file.writePath)} (${copyOptions})`);
  const result = await connection.stream(`SELECT id, "row", message FROM ${sqlIdentifier(`${table}_errors`)} ORDER BY rowid`);
  for await (const rows of result.yieldRows()) {
    for (const [id, row, message] of rows) errors.write({ id: id ?? null, row: row === null ? null : Number(row), message: String(message) });
  }
  await errors.commit();
  await file.commit();
}

