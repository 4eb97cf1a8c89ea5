/**
 * Spark NLP's DocumentAssembler cleanup modes, reproduced regex for regex from its Scala source.
 *
 * Two details of the JVM that the regexes depend on, mirrored here on purpose:
 * - Java's `\s` is ASCII-only: space, \t, \n, \x0B, \f, \r. JavaScript's `\s` also matches U+00A0 (no-break
 *   space), U+2028 and friends, which Spark leaves alone; so `\s` is spelled out as JAVA_WS.
 * - `String.trim()` strips every code unit <= U+0020 (all C0 controls, not just whitespace) from both ends.
 *
 * The `_full` modes additionally handle *stringified* escapes: the two-character sequences backslash-n,
 * backslash-t and backslash-r-backslash-n that appear when text was JSON- or CSV-escaped twice.
 */

export const CLEANUP_MODES = ["disabled", "inplace", "inplace_full", "shrink", "shrink_full", "each", "each_full", "delete_full"] as const;

export type CleanupMode = (typeof CLEANUP_MODES)[number];

/** Java's `\s` as a character-class body. */
const JAVA_WS = " \\t\\n\\x0B\\f\\r";

/** Stringified newline (optionally preceded by a stringified carriage return) or tab: `\r\n`, `\n`, `\t` as text. */
const ESCAPED_NEWLINE_OR_TAB = String.raw`(?:\\r)?\\n|\\t`;

const PATTERNS = {
  inplace: new RegExp(`[${JAVA_WS}]`, "g"),
  inplaceFull: new RegExp(`[${JAVA_WS}]|${ESCAPED_NEWLINE_OR_TAB}`, "g"),
  shrink: new RegExp(`[${JAVA_WS}]+`, "g"),
  shrinkFull: new RegExp(String.raw`[${JAVA_WS}]+|(?:\\r)*(?:\\n)+|(?:\\t)+`, "g"),
  each: new RegExp(`[${JAVA_WS}][\\n\\t]`, "g"),
  eachFull: new RegExp(`[${JAVA_WS}](?:\\n|\\t|${ESCAPED_NEWLINE_OR_TAB})`, "g"),
  deleteFull: new RegExp(ESCAPED_NEWLINE_OR_TAB, "g"),
} as const;

/** Java's `String.trim()`: drops code units <= U+0020 at both ends (NBSP and other Unicode spaces stay). */
export function javaTrim(text: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && text.charCodeAt(from) <= 0x20) from++;
  while (to > from && text.charCodeAt(to - 1) <= 0x20) to--;
  return from === 0 && to === text.length ? text : text.slice(from, to);
}

/**
 * Applies a cleanup mode. Only `disabled` and `inplace` keep the text's length (and so its offsets); every other
 * mode may change it, and the document annotation then holds, and downstream offsets index into, the cleaned text.
 */
export function cleanText(text: string, mode: CleanupMode): string {
  switch (mode) {
    case "disabled":
      return text;
    case "inplace":
      // Each ASCII whitespace character becomes one space, "\r\n" included (two spaces): length is kept.
      return text.replace(PATTERNS.inplace, " ");
    case "inplace_full":
      // As inplace, and each stringified escape (2 or 4 characters) becomes one space: length can shrink.
      return text.replace(PATTERNS.inplaceFull, " ");
    case "shrink":
      return javaTrim(text).replace(PATTERNS.shrink, " ");
    case "shrink_full":
      return javaTrim(text).replace(PATTERNS.shrinkFull, " ");
    case "each":
      // Spark's regex is `\s[\n\t]`: a whitespace character FOLLOWED by a newline or tab becomes one space,
      // so "\r\n" and " \n" shrink to one space while a lone "\n" is kept as is.
      return text.replace(PATTERNS.each, " ");
    case "each_full":
      return text.replace(PATTERNS.eachFull, " ");
    case "delete_full":
      return javaTrim(text).replace(PATTERNS.deleteFull, "");
  }
}

/** True for the modes whose output always has the input's length, so offsets into the input stay valid. */
export function keepsLength(mode: CleanupMode): boolean {
  return mode === "disabled" || mode === "inplace";
}
