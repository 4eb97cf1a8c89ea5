/** Raised when an Arrow column does not hold valid annotations; names the column and, when known, the row. */
export class AnnotationColumnError extends Error {
  constructor(
    readonly column: string,
    readonly row: number | undefined,
    detail: string,
  ) {
    super(row === undefined ? `column "${column}": ${detail}` : `column "${column}", row ${row}: ${detail}`);
    this.name = "AnnotationColumnError";
  }
}
