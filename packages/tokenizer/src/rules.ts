import { ParamError } from "@kindling/core";
import type { TokenizerModelParams } from "./params.js";
import { targetClassSource } from "./params.js";
import { escapeForClass, tryCompile } from "./regex.js";

// Per-UTF-16-unit classification, filled lazily: one byte per code unit, so 64 KiB per model.
const KNOWN = 1;
export const BREAK = 2;
export const CONTEXT = 4;
const LETTER = 8;

const LETTER_CHAR = /\p{L}/u;

/**
 * A TokenizerModel's params compiled once: character tables, the prefix/infix/suffix rules, the protected
 * patterns (exceptions and placeholders) and the abbreviation lookup. Shared by every call; only the character
 * table fills in as new characters are seen.
 */
export class CompiledTokenizer {
  private readonly flags = new Uint8Array(65536);
  private readonly breakClass: RegExp;
  private readonly contextSet: ReadonlySet<string>;

  /** The prefix+infix+suffix rules, or null when the defaults apply and the hand-written fast path runs. */
  readonly rules: readonly RegExp[] | null;
  /** Global regexes whose matches are kept as single tokens (exceptions, then placeholders). */
  readonly protectedPatterns: readonly RegExp[];
  readonly splitPattern: RegExp | null;
  /** Split characters as code units; null when splitChars is empty. */
  readonly splitChars: ReadonlySet<number> | null;
  readonly minLength: number;
  readonly maxLength: number;
  readonly keepInitialismPeriods: boolean;
  readonly abbreviations: ReadonlySet<string>;
  readonly longestAbbreviation: number;

  constructor(p: TokenizerModelParams, stage: string) {
    if (p.maxLength < p.minLength) throw new ParamError(stage, "maxLength", `(${p.maxLength}) must be at least minLength (${p.minLength})`);
    this.breakClass = compileOrThrow(targetClassSource(p.targetPattern), "u", stage, "targetPattern");
    this.contextSet = new Set(p.contextChars);
    this.rules = p.prefixPattern === null && p.suffixPattern === null && p.infixPatterns.length === 0 ? null : buildRules(p, stage);
    const protectedPatterns: RegExp[] = [];
    if (p.exceptions.length > 0) {
      const joined = p.exceptions.map((e) => `(?:${e})`).join("|");
      protectedPatterns.push(compileOrThrow(joined, p.caseSensitiveExceptions ? "gu" : "giu", stage, "exceptions"));
    }
    if (p.placeholderPatterns.length > 0) {
      const joined = p.placeholderPatterns.map((e) => `(?:${e})`).join("|");
      protectedPatterns.push(compileOrThrow(joined, "gu", stage, "placeholderPatterns"));
    }
    this.protectedPatterns = protectedPatterns;
    this.splitPattern = p.splitPattern === null ? null : compileOrThrow(p.splitPattern, "gu", stage, "splitPattern");
    this.splitChars = p.splitChars.length === 0 ? null : new Set(p.splitChars.map((c) => c.charCodeAt(c.length - 1)));
    this.minLength = p.minLength;
    this.maxLength = p.maxLength;
    this.keepInitialismPeriods = p.keepInitialismPeriods;
    this.abbreviations = new Set(p.abbreviations);
    this.longestAbbreviation = Math.max(0, ...p.abbreviations.map((a) => a.length));
  }

  private classify(code: number): number {
    const ch = String.fromCharCode(code);
    let f = KNOWN;
    if (this.breakClass.test(ch)) f |= BREAK;
    if (this.contextSet.has(ch)) f |= CONTEXT;
    if (LETTER_CHAR.test(ch)) f |= LETTER;
    this.flags[code] = f;
    return f;
  }

  /** The BREAK/CONTEXT/... bits of one UTF-16 code unit (the scanner's hot path reads these directly). */
  flagsOf(code: number): number {
    const f = this.flags[code]!;
    return f === 0 ? this.classify(code) : f;
  }

  /** True for characters that separate token candidates (whitespace, by default). */
  isBreak(code: number): boolean {
    return (this.flagsOf(code) & BREAK) !== 0;
  }

  private isLetter(code: number): boolean {
    return (this.flagsOf(code) & LETTER) !== 0;
  }

  /**
   * Whether the period at `end` belongs to the token text[start, end): a listed abbreviation ("Mr.") or a
   * chain of single letters and periods ("b.i.d.", "e.g.").
   */
  keepsPeriod(text: string, start: number, end: number): boolean {
    if (this.keepInitialismPeriods && this.isInitialism(text, start, end)) return true;
    if (end - start + 1 > this.longestAbbreviation) return false;
    return this.abbreviations.has(text.slice(start, end + 1));
  }

  /** "b.i.d" or "e.g": letters at even offsets, periods at odd ones, at least two letters. */
  private isInitialism(text: string, start: number, end: number): boolean {
    const length = end - start;
    if (length < 3 || length % 2 === 0) return false;
    for (let i = start; i < end; i += 2) {
      if (!this.isLetter(text.charCodeAt(i))) return false;
      if (i + 1 < end && text.charCodeAt(i + 1) !== 46) return false;
    }
    return true;
  }
}

function compileOrThrow(source: string, flags: string, stage: string, param: string): RegExp {
  const compiled = tryCompile(source, flags);
  if (typeof compiled === "string") throw new ParamError(stage, param, compiled);
  return compiled;
}

/**
 * Spark's RuleFactory: one anchored rule per infix pattern, prefix + infix + suffix, tried in order.
 * The defaults are Spark's, written without its nested quantifier `(?:.*[^ctx])*` (same language, no
 * catastrophic backtracking).
 */
function buildRules(p: TokenizerModelParams, stage: string): RegExp[] {
  const context = escapeForClass(p.contextChars.join(""));
  const prefix = p.prefixPattern ?? `\\A([${context}]*)`;
  const suffix = p.suffixPattern ?? `([${context}]*)\\z`;
  const infixes = p.infixPatterns.length > 0 ? p.infixPatterns : [defaultInfix(context)];
  return infixes.map((infix) => compileOrThrow(prefix + infix + suffix, "du", stage, p.infixPatterns.length > 0 ? "infixPatterns" : "prefixPattern/suffixPattern"));
}

function defaultInfix(escapedContext: string): string {
  return escapedContext.length === 0 ? "([^]+)" : `([^${escapedContext}](?:[^]*[^${escapedContext}])?)`;
}
