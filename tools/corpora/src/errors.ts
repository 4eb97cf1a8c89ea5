/** Corpus input that does not have the documented format; names the file and, when known, the line. */
export class CorpusFormatError extends Error {
  constructor(
    readonly path: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(line === undefined ? `${path}: ${detail}` : `${path}:${line}: ${detail}`);
    this.name = "CorpusFormatError";
  }
}
