import { isSpace } from "./chars.js";
import { compileCustomBounds, forEachSegment } from "./custom-bounds.js";
import { DEFAULT_SENTENCE_OPTIONS, findOptionProblem, type SentenceOptions } from "./options.js";
import { PragmaticScanner, type SentenceSpan } from "./scanner.js";

/** Splits one text into trimmed sentence spans, in order and non-overlapping. */
export type SentenceSplitter = (text: string) => SentenceSpan[];

/** Raised by `detectSentences` / `compileSentenceSplitter` for an invalid option; names the option. */
export class SentenceOptionError extends Error {
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`sentence detection option "${option}" ${problem}`);
    this.name = "SentenceOptionError";
  }
}

/**
 * Compiles the options once (custom bounds regex, rule set) into a splitter to call on many texts. This is what
 * the SentenceDetector runs on every document.
 */
export function compileSentenceSplitter(options: Partial<SentenceOptions> = {}): SentenceSplitter {
  const o: SentenceOptions = { ...DEFAULT_SENTENCE_OPTIONS, ...definedOnly(options) };
  const problem = findOptionProblem(o);
  if (problem) throw new SentenceOptionError(problem.option, problem.problem);
  let bounds: RegExp | undefined;
  try {
    bounds = compileCustomBounds(o.customBounds);
  } catch (e) {
    throw new SentenceOptionError("customBounds", `cannot be combined into one regular expression: ${(e as Error).message}`);
  }
  const scanner = new PragmaticScanner({ useAbbreviations: o.useAbbreviations, detectLists: o.detectLists });
  const limits = lengthLimits(o);

  let detect: SentenceSplitter;
  if (!bounds) {
    detect = (text) => {
      const out: SentenceSpan[] = [];
      scanner.scan(text, 0, text.length, out);
      return out;
    };
  } else {
    const customBounds = bounds;
    const customOnly = o.useCustomBoundsOnly;
    detect = (text) => {
      const out: SentenceSpan[] = [];
      forEachSegment(text, customBounds, o.customBoundsStrategy, (from, to) => {
        if (customOnly) pushTrimmed(text, from, to, out);
        else scanner.scan(text, from, to, out);
      });
      return out;
    };
  }
  return (text) => limits(text, detect(text));
}

const defaultSplitter = compileSentenceSplitter();
const splitters = new WeakMap<object, SentenceSplitter>();

/**
 * Sentence spans of `text` (`end` inclusive, so `text.slice(begin, end + 1)` is the sentence), with Spark NLP's
 * SentenceDetector options. The compiled splitter is cached per options object: reuse the object, or call
 * {@link compileSentenceSplitter} yourself, when splitting many texts.
 */
export function detectSentences(text: string, options?: Partial<SentenceOptions>): SentenceSpan[] {
  if (typeof text !== "string") throw new TypeError(`detectSentences: text must be a string, got ${text === null ? "null" : typeof text}`);
  if (options === undefined) return defaultSplitter(text);
  let splitter = splitters.get(options);
  if (!splitter) {
    splitter = compileSentenceSplitter(options);
    splitters.set(options, splitter);
  }
  return splitter(text);
}

function definedOnly(options: Partial<SentenceOptions>): Partial<SentenceOptions> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_SENTENCE_OPTIONS)) throw new SentenceOptionError(k, `is unknown; known options: ${Object.keys(DEFAULT_SENTENCE_OPTIONS).join(", ")}`);
    out[k] = v;
  }
  return out as Partial<SentenceOptions>;
}

function pushTrimmed(text: string, from: number, to: number, out: SentenceSpan[]): void {
  while (from < to && isSpace(text.charCodeAt(from))) from++;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  if (to > from) out.push({ begin: from, end: to - 1 });
}

/**
 * Spark's post-processing: `splitLength` cuts long sentences at whitespace, then sentences outside
 * [minLength, maxLength] are dropped. With the defaults it returns the spans untouched unless the text is
 * longer than maxLength.
 */
function lengthLimits(o: SentenceOptions): (text: string, spans: SentenceSpan[]) => SentenceSpan[] {
  const { splitLength, minLength, maxLength } = o;
  const fits = (s: SentenceSpan) => s.end - s.begin + 1 >= minLength && s.end - s.begin + 1 <= maxLength;
  if (splitLength === null && minLength <= 1) {
    // Every span is at least one character long, so only maxLength can drop one, and only in a longer text.
    return (text, spans) => (text.length <= maxLength ? spans : spans.filter(fits));
  }
  return (text, spans) => {
    const out: SentenceSpan[] = [];
    const keep = (s: SentenceSpan) => {
      if (fits(s)) out.push(s);
    };
    for (const s of spans) {
      if (splitLength === null || s.end - s.begin + 1 <= splitLength) keep(s);
      else cutAtWhitespace(text, s, splitLength, keep);
    }
    return out;
  };
}

/**
 * Cuts a sentence into pieces of at most `limit` characters, each ending at the last whitespace that fits
 * (Spark's `truncateSentence`, but on original offsets). A word longer than `limit` becomes its own piece,
 * as in Spark: there is no whitespace to cut it at.
 */
function cutAtWhitespace(text: string, s: SentenceSpan, limit: number, emit: (piece: SentenceSpan) => void): void {
  let begin = s.begin;
  while (s.end - begin + 1 > limit) {
    let cut = begin + limit;
    while (cut > begin && !isSpace(text.charCodeAt(cut))) cut--;
    if (cut === begin) {
      cut = begin + limit + 1;
      while (cut <= s.end && !isSpace(text.charCodeAt(cut))) cut++;
      if (cut > s.end) break;
    }
    let pieceEnd = cut - 1;
    while (isSpace(text.charCodeAt(pieceEnd))) pieceEnd--;
    emit({ begin, end: pieceEnd });
    begin = cut;
    while (isSpace(text.charCodeAt(begin))) begin++;
  }
  emit({ begin, end: s.end });
}
