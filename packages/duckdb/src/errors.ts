/** A source that cannot be annotated as given: a missing column, a text column that is not text, an unreadable row. */
export class SourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SourceError";
  }
}

/**
 * More notes could not be annotated than the run allows (`maxErrors`): the run stops at the first one over the limit
 * and writes nothing. The first error record is kept, as it often names the cause (a text column of the wrong type).
 */
export class TooManyErrors extends SourceError {
  constructor(
    readonly maxErrors: number,
    readonly first: { readonly row: number | null; readonly message: string },
  ) {
    super(`more than ${maxErrors} ${maxErrors === 1 ? "note" : "notes"} could not be annotated (maxErrors); the first: ${first.row === null ? "" : `row ${first.row}: `}${first.message}`);
    this.name = "TooManyErrors";
  }
}

/** Output tables that cannot be written as asked: one already exists (`ifExists: "fail"`), or one is the source. */
export class OutputError extends Error {
  constructor(
    message: string,
    options?: ErrorOptions & {
      /** The output tables that exist already, when that is the problem. */
      existingTables?: readonly string[];
    },
  ) {
    super(message, options);
    this.name = "OutputError";
    this.existingTables = options?.existingTables ?? [];
  }

  readonly existingTables: readonly string[];
}
