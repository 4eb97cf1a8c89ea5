import type { Annotation } from "@kindling/annotation";

export interface Coverage {
  /** Tokens looked up. */
  tokens: number;
  /** Tokens that found a vector. */
  covered: number;
  /** covered / tokens (0 when there are no tokens). */
  ratio: number;
}

/**
 * Spark's `WordEmbeddingsModel.overallCoverage`: the share of word_embeddings annotations that are not OOV, over
 * any number of rows.
 */
export function overallCoverage(rows: Iterable<readonly Annotation[]>): Coverage {
  let tokens = 0;
  let covered = 0;
  for (const row of rows) {
    for (const a of row) {
      tokens++;
      if (a.metadata.isOOV === "false") covered++;
    }
  }
  return { tokens, covered, ratio: tokens === 0 ? 0 : covered / tokens };
}
