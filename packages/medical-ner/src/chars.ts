import { conllSafeToken } from "@kindling/annotation";

/**
 * Token → character ids, bit for bit as the trainer computes them (tools/train/chars.py): code points, no case
 * folding; tokens longer than `maxChars` keep their first maxChars/2 and last maxChars - maxChars/2 code points;
 * unknown characters map to 1, padding is 0. Whitespace inside a token is read as U+00A0, as in the training files.
 */
export const PAD_CHAR = 0;
export const UNKNOWN_CHAR = 1;

export class CharEncoder {
  private readonly vocab: Map<string, number>;
  private readonly ascii = new Int32Array(128).fill(UNKNOWN_CHAR);

  constructor(
    vocab: Readonly<Record<string, number>>,
    readonly maxChars: number,
  ) {
    this.vocab = new Map(Object.entries(vocab));
    for (const [ch, id] of this.vocab) if (ch.length === 1 && ch.charCodeAt(0) < 128) this.ascii[ch.charCodeAt(0)] = id;
  }

  /** Number of ids `encodeInto` writes for this token. */
  width(rawToken: string): number {
    const token = conllSafeToken(rawToken);
    let n = 0;
    for (let i = 0; i < token.length; i++) {
      const c = token.charCodeAt(i);
      // A high surrogate followed by a low one is one code point.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < token.length) {
        const d = token.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return Math.min(n, this.maxChars);
  }

  /** Writes the token's ids into `out` from `offset`, `stride` apart; returns the count. */
  encodeInto(rawToken: string, out: Int32Array, offset: number, stride = 1): number {
    const token = conllSafeToken(rawToken);
    if (token.length <= this.maxChars && !hasSurrogate(token)) {
      // One UTF-16 unit per code point and nothing to cut: the common case, without building code point arrays.
      for (let i = 0; i < token.length; i++) out[offset + i * stride] = this.id(token, i);
      return token.length;
    }
    const points = Array.from(token);
    const kept = points.length > this.maxChars ? [...points.slice(0, this.maxChars >> 1), ...points.slice(points.length - (this.maxChars - (this.maxChars >> 1)))] : points;
    for (let i = 0; i < kept.length; i++) out[offset + i * stride] = this.vocab.get(kept[i]!) ?? UNKNOWN_CHAR;
    return kept.length;
  }

  private id(token: string, i: number): number {
    const c = token.charCodeAt(i);
    return c < 128 ? this.ascii[c]! : (this.vocab.get(token[i]!) ?? UNKNOWN_CHAR);
  }
}

function hasSurrogate(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}
