/** A CoNLL line that cannot be read; names the file (or source label) and the 1-based line number. */
export class ConllFormatError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${path}:${line}: ${detail}`);
    this.name = "ConllFormatError";
  }
}

/** A document that cannot be written as CoNLL; names the document, sentence and token where known. */
export class ConllWriteError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "ConllWriteError";
  }
}
