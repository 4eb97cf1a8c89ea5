// Character classes by UTF-16 code unit. The scanner works on char codes so that deciding a boundary never
// allocates a one-character string.

export const DOT = 0x2e;
export const QUESTION = 0x3f;
export const EXCLAMATION = 0x21;
export const ELLIPSIS = 0x2026;
export const COLON = 0x3a;
export const LEFT_PAREN = 0x28;
export const RIGHT_PAREN = 0x29;
export const LEFT_BRACKET = 0x5b;
export const RIGHT_BRACKET = 0x5d;
export const LF = 0x0a;
export const CR = 0x0d;
const LINE_SEPARATOR = 0x2028;
const PARAGRAPH_SEPARATOR = 0x2029;

/** Exactly the characters `String.prototype.trim` removes (ECMAScript WhiteSpace and LineTerminator). */
export function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === LINE_SEPARATOR ||
    c === PARAGRAPH_SEPARATOR ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Line terminators that end a line (a lone CR counts, for old Mac files). */
export function isLineBreak(c: number): boolean {
  return c === LF || c === CR || c === LINE_SEPARATOR || c === PARAGRAPH_SEPARATOR;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function isAsciiUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

export function isAsciiLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

// Sticky, so a test at an index reads the text in place instead of slicing a character out of it.
const UPPER_AT = /\p{Lu}|\p{Lt}/uy;
const LOWER_AT = /\p{Ll}/uy;

/** Whether an upper-case letter starts at `i` (ASCII fast path, Unicode categories otherwise). */
export function isUpperAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return c >= 0x41 && c <= 0x5a;
  UPPER_AT.lastIndex = i;
  return UPPER_AT.test(text);
}

/** Whether a lower-case letter starts at `i`. */
export function isLowerAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return c >= 0x61 && c <= 0x7a;
  LOWER_AT.lastIndex = i;
  return LOWER_AT.test(text);
}

/** Sentence-final punctuation: a run of these (".", "?!", "...", "…") is one candidate boundary. */
export function isTerminal(c: number): boolean {
  return c === DOT || c === QUESTION || c === EXCLAMATION || c === ELLIPSIS || c === 0x203c || c === 0x2047 || c === 0x2048 || c === 0x2049;
}

/** Closing quotes and brackets that stay with the sentence whose terminal they follow: `He said "stop."`. */
export function isCloser(c: number): boolean {
  return (
    c === RIGHT_PAREN ||
    c === RIGHT_BRACKET ||
    c === 0x7d || // }
    c === 0x22 || // "
    c === 0x27 || // '
    c === 0x2019 || // ’
    c === 0x201d || // ”
    c === 0x00bb || // »
    c === 0x203a // ›
  );
}

/** Opening quotes and brackets, skipped when reading the word before a period: `(approx.` is "approx". */
export function isOpener(c: number): boolean {
  return c === LEFT_PAREN || c === LEFT_BRACKET || c === 0x7b || c === 0x22 || c === 0x27 || c === 0x2018 || c === 0x201c || c === 0x00ab || c === 0x2039;
}
