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
