import { conllSafeToken } from "@kindling/annotation";
import * as ort from "onnxruntime-node";
import type { FeedSlot } from "./feeds.js";

/**
 * The manifest's `contextualStrings`: the model carries a forward and a backward character language model in its
 * graph (contextual string embeddings, Akbik et al. 2018). Each reads a sentence's tokens joined by
 * `tokenSeparator` and framed by `boundary`; a token's features are the forward state after its last character and
 * the backward state after its first (reading right to left), picked inside the graph by the indexes fed here.
 */
export interface ContextualStringsSpec {
  /** Code point → id; 0 pads, `<unk>` is the unknown id. */
  charVocab: Record<string, number>;
  boundary: string;
  tokenSeparator: string;
  hidden?: Record<string, number>;
}

export const CONTEXTUAL_INPUTS = ["lm_chars_fwd", "lm_chars_bwd", "lm_index_fwd", "lm_index_bwd"] as const;

/**
 * Builds the four LM inputs for a batch, bit for bit as tools/train/contextual.py builds them: code points of the
 * CoNLL-safe token texts (whitespace inside a token read as U+00A0, as in the training files), so a surrogate pair
 * is one character.
 */
export class ContextualStringInputs {
  private readonly vocab: Map<string, number>;
  private readonly unknown: number;
  private readonly boundary: number;
  private readonly separator: number;

  constructor(spec: ContextualStringsSpec) {
    this.vocab = new Map(Object.entries(spec.charVocab));
    this.unknown = spec.charVocab["<unk>"] ?? 1;
    this.boundary = this.id(spec.boundary);
    this.separator = this.id(spec.tokenSeparator);
  }

  private id(codePoint: string): number {
    return this.vocab.get(codePoint) ?? this.unknown;
  }

  /** The inputs for `slots`, whose token axis is `t` wide (the main feeds' padding). */
  fill(slots: readonly FeedSlot[], t: number): Record<string, ort.Tensor> {
    const b = slots.length;
    const texts: number[][] = [];
    /** Per slot, each token's first and one-past-last position in its text. */
    const spans: [number, number][][] = [];
    let width = 2;
    for (const slot of slots) {
      const ids: number[] = [];
      const slotSpans: [number, number][] = [];
      for (let i = 0; i < slot.length; i++) {
        if (i > 0) ids.push(this.separator);
        const start = ids.length;
        for (const cp of conllSafeToken(slot.tokens[slot.from + i]!.result)) ids.push(this.id(cp));
        slotSpans.push([start, ids.length]);
      }
      texts.push(ids);
      spans.push(slotSpans);
      width = Math.max(width, ids.length + 2);
    }
    const fwd = new BigInt64Array(b * width);
    const bwd = new BigInt64Array(b * width);
    const indexFwd = new BigInt64Array(b * t);
    const indexBwd = new BigInt64Array(b * t);
    for (let s = 0; s < b; s++) {
      const ids = texts[s]!;
      const n = ids.length;
      const row = s * width;
      fwd[row] = bwd[row] = BigInt(this.boundary);
      for (let k = 0; k < n; k++) {
        fwd[row + 1 + k] = BigInt(ids[k]!);
        bwd[row + 1 + k] = BigInt(ids[n - 1 - k]!);
      }
      fwd[row + 1 + n] = bwd[row + 1 + n] = BigInt(this.boundary);
      spans[s]!.forEach(([start, end], j) => {
        indexFwd[s * t + j] = BigInt(end); // the token's last character, after the leading boundary
        indexBwd[s * t + j] = BigInt(n - start); // its first character in the reversed, framed text
      });
    }
    return {
      lm_chars_fwd: new ort.Tensor("int64", fwd, [b, width]),
      lm_chars_bwd: new ort.Tensor("int64", bwd, [b, width]),
      lm_index_fwd: new ort.Tensor("int64", indexFwd, [b, t]),
      lm_index_bwd: new ort.Tensor("int64", indexBwd, [b, t]),
    };
  }
}
