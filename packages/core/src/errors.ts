/** A Spark NLP param that Kindling declares but has not implemented: failing loudly beats silently ignoring it. */
export class NotSupportedError extends Error {
  constructor(stage: string, param: string, hint?: string) {
    super(`${stage}: the Spark NLP param "${param}" is not supported by Kindling${hint ? ` (${hint})` : ""}`);
    this.name = "NotSupportedError";
  }
}

/** A param value, an unknown param, or a constructor option that cannot be applied. */
export class ParamError extends Error {
  constructor(stage: string, param: string, detail: string) {
    super(`${stage}: param "${param}" ${detail}`);
    this.name = "ParamError";
  }
}

/** Raised at fit or transform time when a stage's inputs are not what it declares. */
export class PipelineWiringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PipelineWiringError";
  }
}

/** A stage failed on a particular row; the message names the stage, its output column and the row. */
export class StageRowError extends Error {
  constructor(
    readonly stage: string,
    readonly column: string,
    readonly row: number,
    cause: unknown,
  ) {
    super(`${stage} (output "${column}") failed on row ${row}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StageRowError";
  }
}

/** A saved pipeline or stage directory that cannot be read back. */
export class PersistenceError extends Error {
  constructor(path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "PersistenceError";
  }
}

/** An error thrown in a worker thread, as it crosses to the main thread (Error objects lose their class there). */
export interface WorkerErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: WorkerErrorInfo;
}

/** Rebuilds a worker's error: same name, message, stack (the worker's, where it was thrown) and chain of causes. */
export function workerError(info: WorkerErrorInfo): Error {
  const error = new Error(info.message, info.cause ? { cause: workerError(info.cause) } : undefined);
  error.name = info.name;
  if (info.stack !== undefined) error.stack = info.stack;
  return error;
}

/** "rows 512-1023", or where an empty batch sat. */
export function describeRows(firstRow: number, numRows: number): string {
  return numRows === 0 ? `the empty batch at row ${firstRow}` : `rows ${firstRow}-${firstRow + numRows - 1}`;
}

/** `PipelinePool.create` failed: the factory module or a stage package could not be imported, the factory threw, or a worker died while starting. */
export class PoolStartError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PoolStartError";
  }
}

/** A pipeline stage failed on a batch in a pool worker. `cause` is the worker's error, with its original stack. */
export class PoolBatchError extends Error {
  constructor(
    readonly firstRow: number,
    readonly numRows: number,
    readonly worker: number,
    error: WorkerErrorInfo,
  ) {
    super(`${describeRows(firstRow, numRows)} failed in pool worker ${worker}: ${error.message}`, { cause: workerError(error) });
    this.name = "PoolBatchError";
  }
}

/** A pool worker thread died (`process.exit`, out of memory, an uncaught exception): the pool cannot be used any more. */
export class PoolWorkerExitError extends Error {
  constructor(
    readonly worker: number,
    readonly exitCode: number,
    detail: string,
    cause?: unknown,
  ) {
    super(`pool worker ${worker} exited with code ${exitCode}${detail ? ` ${detail}` : ""}; close the pool and create a new one`, cause === undefined ? undefined : { cause });
    this.name = "PoolWorkerExitError";
  }
}

/** The pool was closed before or while a stream used it. */
export class PoolClosedError extends Error {
  constructor(detail: string) {
    super(`the pipeline pool is closed${detail ? ` (${detail})` : ""}`);
    this.name = "PoolClosedError";
  }
}
