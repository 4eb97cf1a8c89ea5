/**
 * Abbreviation definitions in a sentence's tokens: "long form ( SF )", with Schwartz & Hearst's matching (A simple
 * algorithm for identifying abbreviation definitions in biomedical text, PSB 2003). tools/train/abbreviations.py
 * implements the same rules over CoNLL tokens to score models; both read test/fixtures/definitions.json.
 */

/** A definition found in one sentence: token indices within the sentence. */
export interface Definition {
  readonly shortForm: string;
  /** The long form's first token. */
  readonly longFormFirst: number;
  /** The long form's last token (the one before the opening parenthesis). */
  readonly longFormLast: number;
  /** The short form's token. */
  readonly shortFormIndex: number;
}

export interface ShortFormLimits {
  readonly minLength: number;
  readonly maxLength: number;
}

export const DEFAULT_LIMITS: ShortFormLimits = { minLength: 2, maxLength: 10 };

const LETTER = /\p{L}/u;
const ALNUM = /[\p{L}\p{N}]/u;

/** A candidate short form: within the length limits, a letter among its characters, a letter or digit first. */
export function isShortForm(token: string, limits: ShortFormLimits = DEFAULT_LIMITS): boolean {
  return token.length >= limits.minLength && token.length <= limits.maxLength && LETTER.test(token) && ALNUM.test(token[0]!);
}

/**
 * Schwartz & Hearst's match, right to left: the index of the first word of the shortest long form ending with the last
 * of `words` whose characters contain the short form's letters and digits in order (case-insensitive), the short
 * form's first character at the start of a word. -1 when there is none.
 */
export function longFormStart(shortForm: string, words: readonly string[]): number {
  const text = words.join(" ");
  let t = text.length - 1;
  for (let s = shortForm.length - 1; s >= 0; s--) {
    const c = shortForm[s]!.toLowerCase();
    if (!ALNUM.test(c)) continue;
    while (t >= 0 && (text[t]!.toLowerCase() !== c || (s === 0 && t > 0 && ALNUM.test(text[t - 1]!)))) t--;
    if (t < 0) return -1;
    t--;
  }
  // t + 1 is where the short form's first character matched: count the words before the one holding it.
  const wordStart = text.lastIndexOf(" ", t) + 1;
  let wordsBefore = 0;
  for (let i = 0; i < wordStart; i++) if (text[i] === " ") wordsBefore++;
  return wordsBefore;
}

/**
 * Every "long form ( SF )" in a sentence. The long form is looked for among the min(|SF| + 5, 2·|SF|) tokens before
 * the parenthesis; a closing token such as ")." (the default Tokenizer keeps it whole) counts as ")". A long form
 * that only spells the short form again ("AKI ( AKI )") is no definition.
 */
export function findDefinitions(tokens: readonly string[], limits: ShortFormLimits = DEFAULT_LIMITS): Definition[] {
  const out: Definition[] = [];
  for (let i = 1; i + 2 < tokens.length; i++) {
    const shortForm = tokens[i + 1]!;
    if (tokens[i] !== "(" || !tokens[i + 2]!.startsWith(")") || !isShortForm(shortForm, limits)) continue;
    const span = Math.min(shortForm.length + 5, shortForm.length * 2);
    const windowFirst = Math.max(0, i - span);
    const words = tokens.slice(windowFirst, i);
    const start = longFormStart(shortForm, words);
    if (start < 0 || words.slice(start).join("").toLowerCase() === shortForm.toLowerCase()) continue;
    out.push({ shortForm, longFormFirst: windowFirst + start, longFormLast: i - 1, shortFormIndex: i + 1 });
  }
  return out;
}
