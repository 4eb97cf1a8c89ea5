// Messages between PipelinePool (main thread) and its workers (pool-worker.ts). Batches travel as Arrow IPC
// stream bytes whose ArrayBuffer is transferred, not copied.
import { makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import type { WorkerErrorInfo } from "./errors.js";

/** How a worker builds its PipelineModel (the `workerData` of every pool worker). */
export type PipelineSourceData =
  | { readonly kind: "factory"; readonly module: string; readonly exportName: string; readonly options: unknown }
  | { readonly kind: "pipelineDir"; readonly dir: string };

export interface BatchRequest {
  readonly type: "batch";
  readonly id: number;
  /** Position of the batch's first row in the whole input (for error messages). */
  readonly rowOffset: number;
  readonly ipc: Uint8Array;
  readonly timings: boolean;
  /** TransformOptions.outputCols of the stream: the columns to encode and send back. */
  readonly outputCols: readonly string[] | undefined;
}

export type WorkerMessage =
  | { readonly type: "ready"; readonly inputColumns: readonly string[]; readonly outputColumns: readonly string[] }
  | { readonly type: "start-error"; readonly error: WorkerErrorInfo }
  /** `ipc` holds only the columns the pipeline added; the main thread still has the input columns. */
  | { readonly type: "result"; readonly id: number; readonly ipc: Uint8Array; readonly timings?: Record<string, number> }
  | { readonly type: "batch-error"; readonly id: number; readonly error: WorkerErrorInfo };

/** An error as plain data that survives postMessage, with its chain of causes (a StageRowError wraps the stage's). */
export function errorInfo(e: unknown, depth = 0): WorkerErrorInfo {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const cause = e.cause !== undefined && depth < 8 ? errorInfo(e.cause, depth + 1) : undefined;
  return { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}), ...(cause ? { cause } : {}) };
}

/** The batch as IPC stream bytes that own their whole ArrayBuffer, so the buffer can be transferred. */
export function batchToIPC(batch: RecordBatch): Uint8Array {
  const bytes = tableToIPC(new Table(batch), "stream");
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

export function batchFromIPC(bytes: Uint8Array): RecordBatch {
  const table = tableFromIPC(bytes);
  return table.batches[0] ?? emptyBatch(table.schema);
}

function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeData({ type: f.type, length: 0 }));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
}
