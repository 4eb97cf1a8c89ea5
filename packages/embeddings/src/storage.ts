/**
 * One contiguous float32 matrix with a word → row index. Vectors handed out are views into the matrix, so a
 * lookup allocates nothing.
 */
export class EmbeddingsStorage {
  private readonly index: Map<string, number>;

  constructor(
    readonly words: readonly string[],
    readonly matrix: Float32Array,
    readonly dimension: number,
  ) {
    if (matrix.length !== words.length * dimension) {
      throw new RangeError(`matrix has ${matrix.length} values, expected ${words.length} words × ${dimension}`);
    }
    this.index = new Map();
    // The first occurrence wins, as in word2vec readers: later duplicates are usually noise.
    for (let i = 0; i < words.length; i++) if (!this.index.has(words[i]!)) this.index.set(words[i]!, i);
  }

  get size(): number {
    return this.words.length;
  }

  /** Row of an exact key, or -1. */
  row(word: string): number {
    return this.index.get(word) ?? -1;
  }

  vector(row: number): Float32Array {
    return this.matrix.subarray(row * this.dimension, (row + 1) * this.dimension);
  }

  /** Bytes held by the matrix (the index adds roughly 50–100 bytes per word on V8). */
  get matrixBytes(): number {
    return this.matrix.byteLength;
  }
}
