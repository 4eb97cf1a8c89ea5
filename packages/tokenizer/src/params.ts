import { AnnotatorType } from "@kindling/annotation";
import { check, param, type ParamSpecs, type StageParams } from "@kindling/core";
import { DEFAULT_ABBREVIATIONS, DEFAULT_CONTEXT_CHARS, DEFAULT_MAX_LENGTH, DEFAULT_PLACEHOLDER_PATTERNS, DEFAULT_TARGET_PATTERN } from "./defaults.js";
import { tryCompile } from "./regex.js";

/** Params of the fitted TokenizerModel: everything needed to rebuild its rules after save/load. */
export interface TokenizerModelParams extends StageParams {
  targetPattern: string;
  contextChars: string[];
  prefixPattern: string | null;
  suffixPattern: string | null;
  infixPatterns: string[];
  splitChars: string[];
  splitPattern: string | null;
  exceptions: string[];
  caseSensitiveExceptions: boolean;
  minLength: number;
  maxLength: number;
  placeholderPatterns: string[];
  abbreviations: string[];
  keepInitialismPeriods: boolean;
}

/** Params of the Tokenizer approach: the model's plus a file of exceptions read at fit time. */
export interface TokenizerParams extends TokenizerModelParams {
  exceptionsPath: string | null;
}

function compiles(v: string): string | undefined {
  const compiled = tryCompile(v, "u");
  return typeof compiled === "string" ? compiled : undefined;
}

function eachEntry(problemOf: (entry: string) => string | undefined) {
  return (list: readonly string[]): string | undefined => {
    if (!Array.isArray(list)) return `must be an array of strings, got ${JSON.stringify(list)}`;
    for (const entry of list) {
      if (typeof entry !== "string") return `entries must be strings, got ${JSON.stringify(entry)}`;
      const problem = problemOf(entry);
      if (problem) return `entry ${JSON.stringify(entry)} ${problem}`;
    }
    return undefined;
  };
}

const singleChar = (c: string) => (c.length === 1 ? undefined : "must be exactly one character");
/** Spark also accepts a backslash-escaped character ("\\-"), so Spark settings carry over unchanged. */
const splitChar = (c: string) => (c.length === 1 || (c.length === 2 && c[0] === "\\") ? undefined : 'must be one character (or one escaped character such as "\\\\.")');
const abbreviation = (a: string) => (a.length >= 2 && a.endsWith(".") && !/\s/u.test(a) ? undefined : 'must end with "." and contain no whitespace');

function optionalPattern(problemOf: (v: string) => string | undefined) {
  return (v: string | null) => (v === null ? undefined : typeof v !== "string" ? `must be a string or null, got ${JSON.stringify(v)}` : problemOf(v));
}

/** The character class Spark builds from targetPattern: the class's complement is what separates candidates. */
export function targetClassSource(targetPattern: string): string {
  return `[^(?:${targetPattern})]`;
}

const bool = (v: boolean) => (typeof v === "boolean" ? undefined : `must be a boolean, got ${JSON.stringify(v)}`);

export const MODEL_SPECS: ParamSpecs<TokenizerModelParams> = {
  inputCols: param<string[]>([AnnotatorType.DOCUMENT], "Input columns: one column of annotator type document, usually the sentences"),
  outputCol: param("token", "Output column of token annotations"),
  targetPattern: param(
    DEFAULT_TARGET_PATTERN,
    "Pattern to grab from text as token candidates. As in Spark, it is spliced into the character class [^(?:<targetPattern>)] whose members separate candidates",
    (v) => (typeof v !== "string" || v.length === 0 ? "must be a non-empty string" : compiles(targetClassSource(v))),
  ),
  contextChars: param([...DEFAULT_CONTEXT_CHARS], "Characters peeled off the start and end of each candidate (ignored where prefix/suffix/infix patterns are set)", eachEntry(singleChar)),
  prefixPattern: param<string | null>(
    null,
    "Regex with groups, starting with \\A, matched at the start of each candidate; each group becomes a token. null: built from contextChars",
    optionalPattern((v) => (v.startsWith("\\A") ? compiles(v) : "must begin with \\A to anchor it at the start of the candidate")),
  ),
  suffixPattern: param<string | null>(
    null,
    "Regex with groups, ending with \\z, matched at the end of each candidate; each group becomes a token. null: built from contextChars",
    optionalPattern((v) => (v.endsWith("\\z") ? compiles(v) : "must end with \\z to anchor it at the end of the candidate")),
  ),
  infixPatterns: param<string[]>(
    [],
    "Regexes with groups for the middle of a candidate, tried in order (first match wins); each group becomes a token. Empty: Spark's default infix",
    eachEntry((v) => (v.includes("(") && v.includes(")") ? compiles(v) : "must use a regex group: each group becomes a token")),
  ),
  splitChars: param<string[]>([], "Characters that split tokens from the inside; the characters themselves are dropped", eachEntry(splitChar)),
  splitPattern: param<string | null>(null, "Regex that splits tokens from the inside (matches are dropped); takes priority over splitChars", optionalPattern(compiles)),
  exceptions: param<string[]>([], "Regexes of tokens kept whole, even across whitespace", eachEntry(compiles)),
  caseSensitiveExceptions: param(true, "Whether exceptions match case-sensitively", bool),
  minLength: param(0, "Tokens shorter than this (in UTF-16 code units) are dropped", check.nonNegativeInt),
  maxLength: param(DEFAULT_MAX_LENGTH, "Tokens longer than this (in UTF-16 code units) are dropped", check.positiveInt),
  placeholderPatterns: param<string[]>(
    [...DEFAULT_PLACEHOLDER_PATTERNS],
    "Kindling: regexes of de-identification placeholders kept as one token, like exceptions (set [] for Spark's behaviour)",
    eachEntry(compiles),
  ),
  abbreviations: param<string[]>(
    [...DEFAULT_ABBREVIATIONS],
    "Kindling: abbreviations (case-sensitive, ending in '.') that keep their period instead of splitting it off (set [] for Spark's behaviour)",
    eachEntry(abbreviation),
  ),
  keepInitialismPeriods: param(
    true,
    "Kindling: chains of single letters and periods (b.i.d., p.o., e.g.) keep their final period (set false for Spark's behaviour)",
    bool,
  ),
};

export const APPROACH_SPECS: ParamSpecs<TokenizerParams> = {
  ...MODEL_SPECS,
  exceptionsPath: param<string | null>(
    null,
    "Path to a UTF-8 text file with one exception per line, read at fit time and added to exceptions",
    optionalPattern((v) => (v.length > 0 ? undefined : "must be a non-empty path")),
  ),
};

const LAZY_HINT = "Kindling pipelines run every stage eagerly; there is no RecursivePipeline";

export const APPROACH_UNSUPPORTED: Readonly<Record<string, string>> = { lazyAnnotator: LAZY_HINT };

export const MODEL_UNSUPPORTED: Readonly<Record<string, string>> = {
  lazyAnnotator: LAZY_HINT,
  rules: "the model rebuilds its rules from prefixPattern, suffixPattern, infixPatterns and contextChars; set those instead of a RuleFactory",
};
