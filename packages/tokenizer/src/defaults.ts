/** Spark NLP's default: any run of non-whitespace is a token candidate. */
export const DEFAULT_TARGET_PATTERN = "\\S+";

/** Spark NLP's default context characters: peeled off the start and end of every candidate. */
export const DEFAULT_CONTEXT_CHARS: readonly string[] = Object.freeze([".", ",", ";", ":", "!", "?", "*", "-", "(", ")", '"', "'"]);

/** Spark NLP (Python) default for maxLength. */
export const DEFAULT_MAX_LENGTH = 99999;

/**
 * De-identification placeholders kept as one token even with spaces inside (Kindling addition, not in Spark):
 * MIMIC/i2b2 style `[** Name **]`, `[**2019-01-01**]`, and upper-case tags such as `[NAME]` or `[PATIENT NAME]`.
 * Bounded repetitions keep a stray `[**` from scanning the rest of a long sentence.
 */
export const DEFAULT_PLACEHOLDER_PATTERNS: readonly string[] = Object.freeze([
  "\\[\\*\\*[^\\[\\]\\n]{0,200}?\\*\\*\\]",
  "\\[[A-Z][A-Z0-9_ ./-]{0,48}\\]",
]);

/**
 * Abbreviations that keep their final period (Kindling addition; matched case-sensitively, so "ms." for
 * milliseconds still splits while "Ms." does not). Kept short on purpose: a listed word that ends a sentence
 * ("... as above, etc.") loses its separate "." token, so units such as "mg." are deliberately absent. Chains of single letters (b.i.d., p.o., e.g.) are handled by
 * `keepInitialismPeriods` instead of this list.
 */
export const DEFAULT_ABBREVIATIONS: readonly string[] = Object.freeze([
  "Mr.",
  "MR.",
  "Mrs.",
  "MRS.",
  "Ms.",
  "Dr.",
  "DR.",
  "Drs.",
  "Prof.",
  "Jr.",
  "Sr.",
  "St.",
  "vs.",
  "etc.",
  "approx.",
  "cf.",
  "al.",
]);
