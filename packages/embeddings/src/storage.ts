/**
 * One contiguous float32 matrix with a word → row index. Vectors handed out are views into the matrix, one per
 * row, made on first use and then shared: a lookup copies no vector and, after the first, allocates nothing.
 */
export class EmbeddingsStorage {
  private readonly index: Map<string, number>;
  /**
   * The view of each row once asked for. Creating a typed-array view costs far more than reading an array slot
   * (about 0.5 µs against a few ns), and a pipeline asks for hundreds of thousands of vectors per second.
   */
  private readonly views: (Float32Array | undefined)[];

  constructor(
    readonly words: readonly string[],
    readonly matrix: Float32Array,
    readonly dimension: number,
  ) {
    if (matrix.length !== words.length * dimension) {
      throw new RangeError(`matrix has ${matrix.length} values, expected ${words.length} words × ${dimension}`);
    }
    this.views = new Array<Float32Array | undefined>(words.length).fill(undefined);
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

  /** Row `row` of the matrix, as a shared view (the same object on every call): read it, never write to it. */
  vector(row: number): Float32Array {
    let view = this.views[row];
    if (view === undefined) {
      if (!(row >= 0 && row < this.words.length && Number.isInteger(row))) throw new RangeError(`row ${row} is outside the ${this.words.length} vectors`);
      view = this.views[row] = this.matrix.subarray(row * this.dimension, (row + 1) * this.dimension);
    }
    return view;
  }

  /** Bytes held by the matrix (the index adds roughly 50–100 bytes per word on V8). */
  get matrixBytes(): number {
    return this.matrix.byteLength;
  }
}
