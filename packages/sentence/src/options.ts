import { CUSTOM_BOUNDS_STRATEGIES, type CustomBoundsStrategy } from "./custom-bounds.js";

/** Everything that shapes sentence detection; the names and defaults are Spark NLP's SentenceDetector params. */
export interface SentenceOptions {
  /** Consult the abbreviation dictionaries ("Dr.", "approx.", "etc.", "q.d."). */
  useAbbreviations: boolean;
  /** Bullets, numbered and lettered items start sentences. */
  detectLists: boolean;
  /** Regular expressions (JavaScript syntax, `u` flag) whose matches split sentences. */
  customBounds: string[];
  /** Split only at custom bounds (ignored while `customBounds` is empty, as in Spark). */
  useCustomBoundsOnly: boolean;
  /** Whether a custom bound's matched text is dropped, starts the next sentence or ends the previous one. */
  customBoundsStrategy: CustomBoundsStrategy;
  /** Sentences longer than this are cut at whitespace into pieces of at most this length; null: never. */
  splitLength: number | null;
  /** Sentences shorter than this are dropped. */
  minLength: number;
  /** Sentences longer than this are dropped (after `splitLength` cuts them). */
  maxLength: number;
}

export const DEFAULT_SENTENCE_OPTIONS: Readonly<SentenceOptions> = Object.freeze({
  useAbbreviations: true,
  detectLists: true,
  customBounds: [],
  useCustomBoundsOnly: false,
  customBoundsStrategy: "none",
  splitLength: null,
  minLength: 0,
  maxLength: 99999,
});

type Validator<T> = (value: T) => string | undefined;

const boolean: Validator<boolean> = (v) => (typeof v === "boolean" ? undefined : `must be a boolean, got ${JSON.stringify(v)}`);
const nonNegativeInt: Validator<number> = (v) => (Number.isInteger(v) && v >= 0 ? undefined : `must be a non-negative integer, got ${v}`);

/** Per-option checks, shared by `detectSentences` and the SentenceDetector's params. */
export const OPTION_CHECKS: { readonly [K in keyof SentenceOptions]: Validator<SentenceOptions[K]> } = {
  useAbbreviations: boolean,
  detectLists: boolean,
  useCustomBoundsOnly: boolean,
  customBounds: (v) => {
    if (!Array.isArray(v) || v.some((b) => typeof b !== "string")) return `must be an array of strings, got ${JSON.stringify(v)}`;
    for (const bound of v) {
      try {
        new RegExp(bound, "u");
      } catch (e) {
        return `entry ${JSON.stringify(bound)} is not a valid regular expression: ${(e as Error).message}`;
      }
    }
    return undefined;
  },
  customBoundsStrategy: (v) => (CUSTOM_BOUNDS_STRATEGIES.includes(v) ? undefined : `must be one of ${CUSTOM_BOUNDS_STRATEGIES.join(", ")}; got ${JSON.stringify(v)}`),
  splitLength: (v) => (v === null || (Number.isInteger(v) && v > 0) ? undefined : `must be a positive integer or null, got ${v}`),
  minLength: nonNegativeInt,
  maxLength: nonNegativeInt,
};

/** Checks a complete set of options; returns the offending option and problem, or undefined. */
export function findOptionProblem(options: SentenceOptions): { option: keyof SentenceOptions; problem: string } | undefined {
  for (const key of Object.keys(OPTION_CHECKS) as (keyof SentenceOptions)[]) {
    const problem = (OPTION_CHECKS[key] as Validator<unknown>)(options[key]);
    if (problem) return { option: key, problem };
  }
  if (options.maxLength < options.minLength) {
    return { option: "maxLength", problem: `(${options.maxLength}) must be at least minLength (${options.minLength})` };
  }
  return undefined;
}
