import { Table, type RecordBatch, type RecordBatchReader } from "apache-arrow";
import { PipelineWiringError } from "./errors.js";
import type { StageTimings } from "./timings.js";

/**
 * A stream of Arrow record batches: an array, a (async) generator, or an apache-arrow `RecordBatchReader`
 * (which is both iterable and async-iterable).
 */
export type RecordBatchStream = Iterable<RecordBatch> | AsyncIterable<RecordBatch> | RecordBatchReader;

export interface TransformOptions {
  /** Receives the time spent per stage and in Arrow encoding. */
  timings?: StageTimings;
  /**
   * Larger input record batches are processed in slices of this many rows (default 512): all annotations of a
   * slice are alive at once, so huge batches cost memory and garbage-collection time, not speed.
   */
  maxBatchRows?: number;
  /**
   * Row number of the stream's first row (default 0). Only error messages use it: a `PipelinePool` worker sets it
   * to where its slice sits in the whole input, so a failing row is named as the user counts it.
   */
  rowOffset?: number;
  /**
   * The annotation columns to encode into the output batches (default: every stage's). The other stages still run,
   * since later stages read their columns, but their annotations are never encoded to Arrow: like selecting the
   * columns after `transform`, without paying for the rest (a run that wants chunks skips encoding every token).
   */
  outputCols?: readonly string[];
}

/** Anything that annotates a stream of record batches in order: a `PipelineModel` or a `PipelinePool`. */
export interface BatchTransformer {
  transformBatches(batches: RecordBatchStream, options?: TransformOptions): AsyncGenerator<RecordBatch>;
}

export const DEFAULT_MAX_BATCH_ROWS = 512;

/** `options.maxBatchRows`, checked: 0 or a fraction would slice forever or not at all. */
export function maxBatchRowsOf(options: TransformOptions): number {
  const rows = options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
  if (!(Number.isInteger(rows) && rows > 0)) throw new RangeError(`maxBatchRows must be a positive integer, got ${rows}`);
  return rows;
}

/** Input batches cut to at most `rows` rows each, in order. */
export async function* sliced(batches: RecordBatchStream, rows: number): AsyncGenerator<RecordBatch> {
  for await (const batch of batches as AsyncIterable<RecordBatch>) {
    if (batch.numRows <= rows) yield batch;
    else for (let i = 0; i < batch.numRows; i += rows) yield batch.slice(i, Math.min(i + rows, batch.numRows));
  }
}

/**
 * A Table rather than a stream. Checked by shape as well as `instanceof`, because an application can hold two
 * copies of apache-arrow; a Table is iterable too, but over rows, not batches.
 */
export function isTable(input: unknown): input is Table {
  if (input instanceof Table) return true;
  const candidate = input as { batches?: unknown; schema?: unknown; getChild?: unknown } | null;
  return typeof candidate === "object" && candidate !== null && Array.isArray(candidate.batches) && candidate.schema !== undefined && typeof candidate.getChild === "function";
}

/** The output columns `options.outputCols` selects among a pipeline's (all when unset); an unknown name is a wiring error. */
export function encodedColumns(outputColumns: readonly string[], options: Pick<TransformOptions, "outputCols">): ReadonlySet<string> {
  if (options.outputCols === undefined) return new Set(outputColumns);
  const unknown = options.outputCols.filter((c) => !outputColumns.includes(c));
  if (unknown.length > 0) {
    const names = unknown.map((c) => `"${c}"`).join(", ");
    throw new PipelineWiringError(`outputCols: ${names} ${unknown.length === 1 ? "is" : "are"} not written by any stage (the stages write ${outputColumns.join(", ")})`);
  }
  return new Set(options.outputCols);
}
