import { TokenizerModel } from "./model.js";
import { scanTokens } from "./scan.js";

/** A token without the pipeline: `text.slice(begin, end + 1) === result` (end inclusive, as in annotations). */
export interface Token {
  readonly result: string;
  readonly begin: number;
  readonly end: number;
}

let defaultModel: TokenizerModel | undefined;

/**
 * Tokenises `text[begin..end]` (end inclusive, default: the whole text) with a model's rules (default: a
 * TokenizerModel with default params, compiled once and shared), for tools that need tokens without building
 * annotations or a pipeline. Offsets are into `text`. Same rules, same tokens as `TokenizerModel.annotate` on a
 * sentence covering that range.
 */
export function tokenize(text: string, begin = 0, end = text.length - 1, model?: TokenizerModel): Token[] {
  if (typeof text !== "string") throw new TypeError(`tokenize: text must be a string, got ${typeof text}`);
  if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end >= text.length || end < begin - 1) {
    throw new RangeError(`tokenize: invalid range begin=${begin} end=${end} for a text of length ${text.length}`);
  }
  const rules = (model ?? (defaultModel ??= new TokenizerModel())).compiled;
  const whole = begin === 0 && end === text.length - 1;
  const slice = whole ? text : text.slice(begin, end + 1);
  const offsets: number[] = [];
  scanTokens(slice, rules, offsets);
  const tokens: Token[] = new Array(offsets.length / 2);
  for (let k = 0; k < offsets.length; k += 2) {
    const start = offsets[k]!;
    const stop = offsets[k + 1]!;
    tokens[k / 2] = { result: slice.slice(start, stop), begin: begin + start, end: begin + stop - 1 };
  }
  return tokens;
}
