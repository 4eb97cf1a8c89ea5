import type { Annotation } from "@kindling/annotation";
import { endianness } from "node:os";
import * as ort from "onnxruntime-node";
import type { CharEncoder } from "./chars.js";
import type { ContextualStringInputs } from "./contextual.js";

if (endianness() !== "LE") throw new Error("@kindling/medical-ner writes int64 tensors through int32 views and needs a little-endian machine");

/** A run of consecutive tokens of one row that goes through the network in one batch slot. */
export interface FeedSlot {
  /** The row's tokens and their vectors (aligned by index). */
  readonly tokens: readonly Annotation[];
  readonly vectors: readonly Float32Array[];
  /** Tokens [from, from + length) of the row. */
  readonly from: number;
  readonly length: number;
}

/**
 * The network's input tensors for one batch (three, plus the character LMs' four for a contextual model), written into typed arrays that are reused from batch to
 * batch (they only grow). Every element of the used region is written or cleared on each fill, padding
 * included, so a reused buffer never leaks an earlier batch into this one. Not shareable between batches in
 * flight: ONNX Runtime reads the arrays when the run starts, after an `await`.
 */
export class FeedBuffers {
  private vectors = new Float32Array(0);
  private charIds = new BigInt64Array(0);
  /** Little-endian int32 words of `charIds`: ids go in the low words, high words stay 0. */
  private charWords = new Int32Array(0);
  private lengths = new BigInt64Array(0);
  /** Each slot's tokens' char ids, contiguous at `maxChars` apart, and their counts: encoded once per batch. */
  private ids = new Int32Array(0);
  private widths = new Int32Array(0);

  constructor(
    private readonly chars: CharEncoder,
    private readonly dimension: number,
    /** A model with character LMs in its graph takes their inputs too. */
    private readonly contextual?: ContextualStringInputs,
  ) {}

  /** Feeds for `slots`, padded to the longest slot's tokens and the widest token's characters. */
  fill(slots: readonly FeedSlot[]): Record<string, ort.Tensor> {
    const { chars, dimension: d } = this;
    const maxChars = chars.maxChars;
    const b = slots.length;
    let t = 0;
    let tokens = 0;
    for (const s of slots) {
      if (s.length > t) t = s.length;
      tokens += s.length;
    }
    if (this.widths.length < tokens) {
      this.widths = new Int32Array(grow(this.widths.length, tokens));
      this.ids = new Int32Array(this.widths.length * maxChars);
    }
    const { ids, widths } = this;
    let c = 1;
    for (let si = 0, n = 0; si < b; si++) {
      const s = slots[si]!;
      for (let i = 0; i < s.length; i++, n++) {
        const w = chars.encodeInto(s.tokens[s.from + i]!.result, ids, n * maxChars);
        widths[n] = w;
        if (w > c) c = w;
      }
    }

    if (this.vectors.length < b * t * d) this.vectors = new Float32Array(grow(this.vectors.length, b * t * d));
    if (this.charIds.length < b * t * c) {
      this.charIds = new BigInt64Array(grow(this.charIds.length, b * t * c));
      this.charWords = new Int32Array(this.charIds.buffer);
    }
    if (this.lengths.length < b) this.lengths = new BigInt64Array(grow(this.lengths.length, b));
    const { vectors, charWords, lengths } = this;
    // Char ids are short runs in a wide tensor: clearing it in one memset beats clearing each token's tail.
    charWords.fill(0, 0, b * t * c * 2);
    for (let si = 0, n = 0; si < b; si++) {
      const s = slots[si]!;
      lengths[si] = BigInt(s.length);
      for (let i = 0; i < s.length; i++, n++) {
        const pos = si * t + i;
        vectors.set(s.vectors[s.from + i]!, pos * d);
        const w = widths[n]!;
        const word = pos * c * 2;
        for (let k = 0; k < w; k++) charWords[word + 2 * k] = ids[n * maxChars + k]!;
      }
      // Padding tokens: zero vectors (their char ids are PAD_CHAR, 0, from the clear above).
      vectors.fill(0, (si * t + s.length) * d, (si + 1) * t * d);
    }
    return {
      word_vectors: new ort.Tensor("float32", vectors.subarray(0, b * t * d), [b, t, d]),
      char_ids: new ort.Tensor("int64", this.charIds.subarray(0, b * t * c), [b, t, c]),
      lengths: new ort.Tensor("int64", lengths.subarray(0, b), [b]),
      ...this.contextual?.fill(slots, t),
    };
  }
}

function grow(current: number, needed: number): number {
  return Math.max(needed, current * 2);
}
