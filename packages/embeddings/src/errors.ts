/** A vectors file that cannot be read; names the path and, where known, the line or entry. */
export class EmbeddingsFormatError extends Error {
  constructor(path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "EmbeddingsFormatError";
  }
}
