/**
 * Spark NLP patterns are Java regular expressions; Kindling compiles them as JavaScript `u`-mode regexes.
 * The Java-only constructs that Spark's own tokenizer patterns rely on are translated: `\A` (start of input),
 * `\z` (end of input), `\Z` (end, before a final line break) and `\Q...\E` quoting. Anything else must already
 * be valid JavaScript regex syntax (`\p{L}`, `\w`, groups, classes and lookarounds all are).
 */
export function javaRegexToJs(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\" && i + 1 < source.length) {
      const next = source[i + 1]!;
      i++;
      if (next === "Q") {
        const close = source.indexOf("\\E", i + 1);
        const literal = close < 0 ? source.slice(i + 1) : source.slice(i + 1, close);
        out += inClass ? escapeForClass(literal) : escapeLiteral(literal);
        i = close < 0 ? source.length : close + 1;
      } else if (!inClass && next === "A") out += "^";
      else if (!inClass && next === "z") out += "$";
      else if (!inClass && next === "Z") out += "(?=\\n?$)";
      else out += c + next;
      continue;
    }
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    out += c;
  }
  return out;
}

const LITERAL_SPECIALS = /[\\^$.*+?()[\]{}|/]/g;
const CLASS_SPECIALS = /[\\\]\[^-]/g;

/** Escapes text to match itself outside a character class (valid in `u` mode). */
export function escapeLiteral(text: string): string {
  return text.replace(LITERAL_SPECIALS, "\\$&");
}

/** Escapes text to be the members of a character class (valid in `u` mode). */
export function escapeForClass(text: string): string {
  return text.replace(CLASS_SPECIALS, "\\$&");
}

/** Compiles a Spark (Java) pattern for JavaScript; returns the problem as a string instead of throwing. */
export function tryCompile(source: string, flags: string): RegExp | string {
  try {
    return new RegExp(javaRegexToJs(source), flags);
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message}`;
  }
}
