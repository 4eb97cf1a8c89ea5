import { COLON, DOT, isAsciiLetter, isAsciiLower, isDigit, isSpace, isTerminal, LEFT_PAREN, RIGHT_PAREN } from "./chars.js";

/** A list item's marker, as found by {@link readListMarker}. */
export interface ListMarker {
  /** Index just past the marker ("1." / "(a)" / "-"). */
  end: number;
  /** The item number for numbered markers, 0 for bullets and letters. */
  number: number;
}

/** Bullets that mark a list item even without a following space. */
function isBulletGlyph(c: number): boolean {
  return c === 0x2022 || c === 0x25e6 || c === 0x25aa || c === 0x2023 || c === 0x00b7 || c === 0x25cf || c === 0x25a0 || c === 0x2043;
}

/** ASCII-ish bullets that are also hyphens, stars or dashes, so they need a space after them: "- aspirin". */
function isSpacedBullet(c: number): boolean {
  return c === 0x2d || c === 0x2a || c === 0x2013 || c === 0x2014;
}

export function isInlineBullet(c: number): boolean {
  return isBulletGlyph(c);
}

/**
 * Reads a list marker starting at `i`: a bullet ("•", "- ", "* "), a number or a single letter followed by "."
 * or ")" ("1. ", "12) ", "a) "), or one in parentheses ("(1) ", "(b) "). Numbered and lettered markers must be
 * followed by whitespace so that "1.5 mg" and "(1:2)" are not markers. Writes into `out`; returns false if none.
 */
export function readListMarker(text: string, i: number, to: number, out: ListMarker): boolean {
  const c = text.charCodeAt(i);
  if (isBulletGlyph(c)) return setMarker(out, i + 1, 0);
  if (isSpacedBullet(c)) return i + 1 < to && isSpace(text.charCodeAt(i + 1)) && setMarker(out, i + 1, 0);
  let j = i;
  const parenthesized = c === LEFT_PAREN;
  if (parenthesized) j++;
  let number = 0;
  const digitsStart = j;
  while (j < to && j - digitsStart < 3 && isDigit(text.charCodeAt(j))) number = number * 10 + text.charCodeAt(j++) - 0x30;
  if (j === digitsStart) {
    if (j >= to || !isAsciiLetter(text.charCodeAt(j))) return false;
    j++;
  }
  if (j >= to) return false;
  const closing = text.charCodeAt(j);
  if (parenthesized ? closing !== RIGHT_PAREN : closing !== DOT && closing !== RIGHT_PAREN) return false;
  j++;
  return j < to && isSpace(text.charCodeAt(j)) && setMarker(out, j, number);
}

function setMarker(out: ListMarker, end: number, number: number): true {
  out.end = end;
  out.number = number;
  return true;
}

const MAX_HEADER_LENGTH = 60;
const MAX_HEADER_WORDS = 6;

/**
 * A section header line such as "HISTORY OF PRESENT ILLNESS" or "PHYSICAL EXAM:": short, at most a few words,
 * at least two letters and none of them lower case, not ending like a sentence. `from`/`to` delimit the trimmed
 * line. A capitalised line ending in a colon ("Past Medical History:") is a header too.
 */
export function isHeaderLine(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (length < 2 || length > MAX_HEADER_LENGTH) return false;
  const last = text.charCodeAt(to - 1);
  if (isTerminal(last)) return false;
  if (last === COLON && !isAsciiLower(text.charCodeAt(from))) return true;
  let letters = 0;
  let words = 1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (isAsciiLower(c)) return false;
    if (isAsciiLetter(c)) letters++;
    else if (isSpace(c) && !isSpace(text.charCodeAt(i - 1)) && ++words > MAX_HEADER_WORDS) return false;
  }
  return letters >= 2;
}
