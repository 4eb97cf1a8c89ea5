/** A source that cannot be annotated as given: a missing column, a text column that is not text, an unreadable row. */
export class SourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SourceError";
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
