import { GENERAL, LINE_CONTINUING_WORDS, NAME_INTRODUCERS, NEVER_FINAL } from "./abbreviations.js";
import {
  COLON,
  CR,
  DOT,
  ELLIPSIS,
  isAsciiLetter,
  isAsciiLower,
  isAsciiUpper,
  isCloser,
  isDigit,
  isLineBreak,
  isLowerAt,
  isOpener,
  isSpace,
  isTerminal,
  isUpperAt,
  LEFT_BRACKET,
  LEFT_PAREN,
  LF,
  QUESTION,
  RIGHT_BRACKET,
  RIGHT_PAREN,
} from "./chars.js";
import { isHeaderLine, isInlineBullet, readListMarker, type ListMarker } from "./lines.js";

/** A sentence as offsets into the scanned text: `text.slice(begin, end + 1)` is the trimmed sentence. */
export interface SentenceSpan {
  begin: number;
  /** Inclusive, as in Spark NLP annotations. */
  end: number;
}

export interface RuleOptions {
  /** Consult the abbreviation dictionaries ("Dr.", "approx.", "b.i.d.") before ending a sentence at a period. */
  readonly useAbbreviations: boolean;
  /** Treat bullets and numbered or lettered items as sentence starts. */
  readonly detectLists: boolean;
}

/** A line this short (trimmed) ends its sentence at the line break: vitals, medication lines, labels. */
const SHORT_LINE = 40;
/** Longest word looked up as an abbreviation; longer words are never abbreviations, so nothing is sliced. */
const MAX_WORD = 12;
/** How far a citation after a period may reach: ".[12]", ".[3, 4]", ".[5–7]". */
const MAX_CITATION = 16;

/**
 * The pragmatic rules, applied in one left-to-right pass over `text[from, to)`. Only a few characters start work
 * (terminal punctuation, line breaks and, with list detection, tokens that may be list markers); everything
 * else is skipped at the cost of a char-code check. Decisions look a bounded distance around the candidate, so
 * the pass is linear in the text length, and nothing is allocated per character.
 *
 * One instance is reused across texts (it is not re-entrant, which is fine in single-threaded JavaScript).
 */
export class PragmaticScanner {
  private text = "";
  private from = 0;
  private to = 0;
  private out: SentenceSpan[] = [];
  /** Where the current sentence starts (possibly whitespace, trimmed on emit). */
  private start = 0;
  /** First non-space index of the current sentence, computed on demand; -1 when unknown. */
  private contentStartCache = -1;
  private lineStart = 0;
  /** The number of the last numbered list item seen in this paragraph, 0 if none. */
  private lastListNumber = 0;
  private readonly marker: ListMarker = { end: 0, number: 0 };

  constructor(private readonly rules: RuleOptions) {}

  /** Appends the sentences of `text[from, to)` to `out`. */
  scan(text: string, from: number, to: number, out: SentenceSpan[]): void {
    this.text = text;
    this.from = from;
    this.to = to;
    this.out = out;
    this.start = from;
    this.contentStartCache = -1;
    this.lineStart = from;
    this.lastListNumber = 0;
    const detectLists = this.rules.detectLists;
    let i = from;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (isTerminal(c)) i = this.onTerminal(i);
      else if (isLineBreak(c)) i = this.onLineBreak(i);
      else if (detectLists && this.mayStartListItem(i, c)) i = this.onListMarker(i);
      else i++;
    }
    this.emit(this.start, to);
    this.text = "";
    this.out = [];
  }

  // --- sentence bookkeeping ---

  private emit(from: number, to: number): void {
    const text = this.text;
    while (from < to && isSpace(text.charCodeAt(from))) from++;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
    if (to > from) this.out.push({ begin: from, end: to - 1 });
  }

  /** Ends the current sentence before `end` and starts the next one at `next`. */
  private breakAt(end: number, next: number): void {
    this.emit(this.start, end);
    this.start = next;
    this.contentStartCache = -1;
  }

  private contentStart(): number {
    if (this.contentStartCache < 0) {
      let i = this.start;
      while (i < this.to && isSpace(this.text.charCodeAt(i))) i++;
      this.contentStartCache = i;
    }
    return this.contentStartCache;
  }

  private nextNonSpace(i: number): number {
    while (i < this.to && isSpace(this.text.charCodeAt(i))) i++;
    return i;
  }

  // --- terminal punctuation ---

  /** Handles the run of terminal punctuation starting at `i`; returns where scanning resumes. */
  private onTerminal(i: number): number {
    const { text, to } = this;
    let j = i;
    let periods = 0;
    let question = false;
    let exclamation = false;
    let ellipsis = false;
    for (; j < to; j++) {
      const c = text.charCodeAt(j);
      if (c === DOT) periods++;
      else if (c === ELLIPSIS) ellipsis = true;
      else if (c === QUESTION) question = true;
      else if (isTerminal(c)) exclamation = true;
      else break;
    }
    let k = j;
    while (k < to && isCloser(text.charCodeAt(k))) k++;
    const closed = k > j;
    k = this.skipCitation(k);
    // Glued to the next character, it is not an end: "3.5", "e.g.,", "U.S.A", "Fig.2", "?PE".
    if (k < to && !isSpace(text.charCodeAt(k))) return k;
    const next = this.nextNonSpace(k);
    let ends: boolean;
    if (next >= to) ends = true;
    else if (question || exclamation) ends = this.questionOrExclamationEnds(i, question, closed, next);
    else if (ellipsis || periods > 1) ends = isUpperAt(text, next);
    else ends = this.periodEnds(i, closed, next);
    if (ends) this.breakAt(k, k);
    return k;
  }

  /** A bracketed citation right after the end of a sentence belongs to it: "shown before.[3, 4] The". */
  private skipCitation(k: number): number {
    const text = this.text;
    if (k >= this.to || text.charCodeAt(k) !== LEFT_BRACKET) return k;
    const limit = Math.min(this.to, k + MAX_CITATION);
    let digits = 0;
    for (let j = k + 1; j < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === RIGHT_BRACKET) return digits > 0 ? j + 1 : k;
      if (isDigit(c)) digits++;
      else if (c !== 0x2c && c !== 0x2d && c !== 0x2013 && c !== 0x20) return k;
    }
    return k;
  }

  private questionOrExclamationEnds(i: number, question: boolean, closed: boolean, next: number): boolean {
    // "? pneumonia", "r/o ? PE": a question mark opening a phrase is a clinical query, not an end.
    if (i === this.contentStart() || isSpace(this.text.charCodeAt(i - 1))) return false;
    // Before a lower-case word, "!" and a quoted or bracketed "?" continue the sentence; a bare "?" ends it.
    if (isLowerAt(this.text, next)) return question && !closed;
    return true;
  }

  /** Whether the single period at `p`, followed by whitespace, ends the sentence. */
  private periodEnds(p: number, closed: boolean, next: number): boolean {
    const text = this.text;
    // A quoted or bracketed phrase that ends in a period, inside a sentence: `(see above.) then`.
    if (closed && isLowerAt(text, next)) return false;
    const wordStart = this.wordBefore(p);
    if (wordStart < 0) return true;
    const length = p - wordStart;
    if (length === 0) return true;
    if (length === 1) {
      if (isUpperAt(text, wordStart)) return this.initialEnds(wordStart, next);
      // "p. 55", "45 y. old": a lone lower-case letter is an abbreviation.
      if (isAsciiLower(text.charCodeAt(wordStart))) return this.startsSentence(next);
      return true;
    }
    if (this.rules.useAbbreviations) {
      const word = text.slice(wordStart, p).toLowerCase();
      // A title precedes a name, except that an upper-case "MR." or "MS." in mixed-case text is an acronym
      // (mitral regurgitation, multiple sclerosis) that may end the sentence.
      if (NEVER_FINAL.has(word)) return this.isAllCapsWord(wordStart, p) && !this.isAllCapsWord(next, this.wordEnd(next)) && this.startsSentence(next);
      if (GENERAL.has(word)) return this.startsSentence(next);
    }
    // "b.i.d.", "a.m.", "U.S.": letters separated by periods end a sentence only before a capital.
    if (this.isDottedAbbreviation(wordStart, p)) return this.startsSentence(next);
    return true;
  }

  /**
   * Start of the word that ends at `end` (opening brackets and quotes excluded), or -1 when it is longer than
   * any abbreviation, so that long words are never sliced.
   */
  private wordBefore(end: number): number {
    const text = this.text;
    const limit = Math.max(this.from, end - MAX_WORD - 1);
    let start = end;
    while (start > limit && !isSpace(text.charCodeAt(start - 1))) start--;
    if (start === limit && limit > this.from && !isSpace(text.charCodeAt(limit - 1))) return -1;
    while (start < end && isOpener(text.charCodeAt(start))) start++;
    return start;
  }

  private wordEnd(from: number): number {
    let i = from;
    while (i < this.to && !isSpace(this.text.charCodeAt(i))) i++;
    return i;
  }

  private isAllCapsWord(from: number, to: number): boolean {
    if (to - from < 2) return false;
    for (let i = from; i < to; i++) if (!isAsciiUpper(this.text.charCodeAt(i))) return false;
    return true;
  }

  /** Whether the text at `next` can open a sentence after an abbreviation: a capital, possibly quoted. */
  private startsSentence(next: number): boolean {
    const text = this.text;
    if (isUpperAt(text, next)) return true;
    return isOpener(text.charCodeAt(next)) && next + 1 < this.to && isUpperAt(text, next + 1);
  }

  /** "e.g", "b.i.d", "Ph.D": one to three letters, then groups of one to three letters after periods. */
  private isDottedAbbreviation(from: number, to: number): boolean {
    const text = this.text;
    let run = 0;
    let periods = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (isAsciiLetter(c)) {
        if (++run > 3) return false;
      } else if (c === DOT && run > 0) {
        run = 0;
        periods++;
      } else return false;
    }
    return periods > 0 && run > 0;
  }

  /**
   * A single capital before a period and a capitalised word: an initial ("J. Smith", "Dr. J. Smith", "by
   * J. Smith") unless it follows a lower-case word or a number, as in "hepatitis C. She" or "98.6 F. He".
   */
  private initialEnds(letter: number, next: number): boolean {
    if (!this.startsSentence(next)) return false;
    const text = this.text;
    const sentenceStart = this.contentStart();
    let prevEnd = letter;
    while (prevEnd > sentenceStart && isSpace(text.charCodeAt(prevEnd - 1))) prevEnd--;
    if (prevEnd <= sentenceStart || prevEnd === letter) return false;
    const prevStart = this.wordBefore(prevEnd);
    if (prevStart < 0) return true;
    if (prevStart === prevEnd || isUpperAt(text, prevStart)) return false;
    return !(isAsciiLower(text.charCodeAt(prevStart)) && NAME_INTRODUCERS.has(text.slice(prevStart, prevEnd)));
  }

  // --- lists ---

  private mayStartListItem(i: number, c: number): boolean {
    if (i > this.from && !isSpace(this.text.charCodeAt(i - 1))) return false;
    if (isDigit(c) || c === LEFT_PAREN || isInlineBullet(c)) return true;
    if (!isAsciiLetter(c) || i + 1 >= this.to) return false;
    const after = this.text.charCodeAt(i + 1);
    return after === DOT || after === RIGHT_PAREN;
  }

  /**
   * A list marker starts a sentence at the start of a line, and inline when it continues a numbered list
   * ("2." after "1.") or opens one after a colon or at a sentence start ("Plan: 1. aspirin 2. statin").
   * The marker is skipped so that the period of "1." is not taken for the end of a sentence.
   */
  private onListMarker(i: number): number {
    const marker = this.marker;
    if (!readListMarker(this.text, i, this.to, marker)) return i + 1;
    const n = marker.number;
    let accepted: boolean;
    if (this.isLineStart(i) || isInlineBullet(this.text.charCodeAt(i))) accepted = true;
    // Inline, only plain numbered items count: "(1)" and lettered items inside a line enumerate within a sentence.
    else if (n === 0 || this.text.charCodeAt(i) === LEFT_PAREN) accepted = false;
    else accepted = (this.lastListNumber > 0 && n === this.lastListNumber + 1) || (n === 1 && (i === this.contentStart() || this.previousNonSpace(i) === COLON));
    if (!accepted) return i + 1;
    if (n > 0) this.lastListNumber = n;
    this.breakAt(i, i);
    return marker.end;
  }

  private isLineStart(i: number): boolean {
    const text = this.text;
    for (let j = i - 1; j >= this.from; j--) {
      const c = text.charCodeAt(j);
      if (isLineBreak(c)) return true;
      if (!isSpace(c)) return false;
    }
    return true;
  }

  private previousNonSpace(i: number): number {
    let j = i - 1;
    while (j >= this.from && isSpace(this.text.charCodeAt(j))) j--;
    return j >= this.from ? this.text.charCodeAt(j) : -1;
  }

  // --- line breaks ---

  /** Handles the line break at `i`; returns the first non-space index of the next line (or a blank line). */
  private onLineBreak(i: number): number {
    const { text, to } = this;
    let lineStart = i + 1;
    if (text.charCodeAt(i) === CR && lineStart < to && text.charCodeAt(lineStart) === LF) lineStart++;
    let k = lineStart;
    while (k < to && isSpace(text.charCodeAt(k)) && !isLineBreak(text.charCodeAt(k))) k++;
    if (k < to) {
      if (isLineBreak(text.charCodeAt(k))) {
        // A blank line always ends the sentence, and any list before it.
        this.breakAt(i, k);
        this.lastListNumber = 0;
      } else if (this.lineEndsSentence(i, k)) {
        this.breakAt(i, k);
      }
    }
    this.lineStart = lineStart;
    return k;
  }

  /** Whether the line ending at `lineEnd` ends its sentence, given the next line's first character at `next`. */
  private lineEndsSentence(lineEnd: number, next: number): boolean {
    const text = this.text;
    let first = this.lineStart;
    while (first < lineEnd && isSpace(text.charCodeAt(first))) first++;
    if (first >= lineEnd) return false;
    let last = lineEnd - 1;
    while (isSpace(text.charCodeAt(last))) last--;
    if (this.rules.detectLists && readListMarker(text, next, this.to, this.marker)) return true;
    const lastChar = text.charCodeAt(last);
    if (lastChar === COLON) return true;
    if (isHeaderLine(text, first, last + 1) || this.nextLineIsHeader(next)) return true;
    if (isLineContinuation(lastChar)) return false;
    if (this.rules.detectLists && readListMarker(text, first, last + 1, this.marker)) return !isLowerAt(text, next);
    return last - first < SHORT_LINE && !this.endsWithContinuingWord(first, last);
  }

  private nextLineIsHeader(next: number): boolean {
    const text = this.text;
    if (!isUpperAt(text, next)) return false;
    // Headers are short: look no further than a header can reach.
    const limit = Math.min(this.to, next + 64);
    let end = next;
    while (end < limit && !isLineBreak(text.charCodeAt(end))) end++;
    if (end === limit && end < this.to) return false;
    while (end > next && isSpace(text.charCodeAt(end - 1))) end--;
    return isHeaderLine(text, next, end);
  }

  /** "… a 45-year-old man with" + line break: the line was wrapped mid-sentence. */
  private endsWithContinuingWord(first: number, last: number): boolean {
    const text = this.text;
    let wordStart = last;
    const limit = Math.max(first, last - 8);
    while (wordStart > limit && !isSpace(text.charCodeAt(wordStart - 1))) wordStart--;
    if (!isAsciiLower(text.charCodeAt(wordStart))) return false;
    return LINE_CONTINUING_WORDS.has(text.slice(wordStart, last + 1));
  }
}

/** A line ending in one of these continues on the next line. */
function isLineContinuation(c: number): boolean {
  return c === 0x2c || c === 0x2d || c === 0x2f || c === LEFT_PAREN || c === 0x26 || c === 0x2b || c === 0x3d;
}
