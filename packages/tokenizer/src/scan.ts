import { BREAK, CONTEXT, type CompiledTokenizer } from "./rules.js";

/**
 * Tokenises `text` in one left-to-right pass, appending each token as a pair `begin, endExclusive` (offsets
 * into `text`) to `out`. Tokens come out in order and never overlap. Spark's steps, in order:
 * 1. protected spans (exceptions, placeholders) become tokens as they are, whitespace included;
 * 2. the rest is cut into candidates at break characters (whitespace for the default targetPattern);
 * 3. each candidate goes through the prefix/infix/suffix rules (first matching rule wins; every group is a
 *    token), or stays whole when no rule matches;
 * 4. splitPattern/splitChars split the groups further, and minLength/maxLength filter the result.
 */
export function scanTokens(text: string, t: CompiledTokenizer, out: number[]): void {
  let pos = 0;
  if (t.protectedPatterns.length > 0) {
    const spans = protectedSpans(text, t);
    for (let k = 0; k < spans.length; k += 2) {
      const start = spans[k]!;
      const end = spans[k + 1]!;
      scanRange(text, pos, start, t, out);
      keep(start, end, t, out);
      pos = end;
    }
  }
  scanRange(text, pos, text.length, t, out);
}

function scanRange(text: string, from: number, to: number, t: CompiledTokenizer, out: number[]): void {
  let i = from;
  while (i < to) {
    if ((t.flagsOf(text.charCodeAt(i)) & BREAK) !== 0) {
      i++;
      continue;
    }
    const start = i++;
    while (i < to && (t.flagsOf(text.charCodeAt(i)) & BREAK) === 0) i++;
    if (t.rules === null) splitByDefaultRule(text, start, i, t, out);
    else splitByRules(text, start, i, t, out);
  }
}

/**
 * Spark's default rule without a regex: prefix = leading context chars, infix = first to last non-context char,
 * suffix = trailing context chars (one token each). A candidate of context chars only matches no rule and
 * stays whole, as in Spark.
 */
function splitByDefaultRule(text: string, start: number, end: number, t: CompiledTokenizer, out: number[]): void {
  let infixStart = start;
  while (infixStart < end && (t.flagsOf(text.charCodeAt(infixStart)) & CONTEXT) !== 0) infixStart++;
  if (infixStart === end) {
    keep(start, end, t, out);
    return;
  }
  let infixEnd = end;
  while ((t.flagsOf(text.charCodeAt(infixEnd - 1)) & CONTEXT) !== 0) infixEnd--;
  if (infixEnd < end && text.charCodeAt(infixEnd) === PERIOD && t.keepsPeriod(text, infixStart, infixEnd)) infixEnd++;
  if (infixStart > start) emitGroup(text, start, infixStart, t, out);
  emitGroup(text, infixStart, infixEnd, t, out);
  if (infixEnd < end) emitGroup(text, infixEnd, end, t, out);
}

const PERIOD = 46;

/** Custom prefix/suffix/infix patterns: the first rule that matches the whole candidate splits it by its groups. */
function splitByRules(text: string, start: number, end: number, t: CompiledTokenizer, out: number[]): void {
  const candidate = text.slice(start, end);
  for (const rule of t.rules!) {
    const match = rule.exec(candidate);
    if (match === null) continue;
    const groups = groupSpans(match, start);
    // A period split off into the next group goes back to an abbreviation ("Mr" + ".," -> "Mr." + ",").
    for (let k = 0; k + 2 < groups.length; k += 2) {
      const groupEnd = groups[k + 1]!;
      if (groups[k + 2] === groupEnd && text.charCodeAt(groupEnd) === PERIOD && t.keepsPeriod(text, groups[k]!, groupEnd)) {
        groups[k + 1] = groupEnd + 1;
        groups[k + 2] = groupEnd + 1;
      }
    }
    for (let k = 0; k < groups.length; k += 2) {
      if (groups[k]! < groups[k + 1]!) emitGroup(text, groups[k]!, groups[k + 1]!, t, out);
    }
    return;
  }
  keep(start, end, t, out);
}

/** Non-empty groups in order as offset pairs; a group nested in an earlier one is skipped so tokens never overlap. */
function groupSpans(match: RegExpExecArray, base: number): number[] {
  const spans: number[] = [];
  const indices = match.indices!;
  let last = 0;
  for (let g = 1; g < indices.length; g++) {
    const span = indices[g];
    if (span === undefined || span[0] === span[1] || span[0] < last) continue;
    spans.push(base + span[0], base + span[1]);
    last = span[1];
  }
  return spans;
}

/** One rule group: split further by splitPattern (priority) or splitChars, else kept as one token. */
function emitGroup(text: string, start: number, end: number, t: CompiledTokenizer, out: number[]): void {
  if (t.splitPattern !== null && splitByPattern(text, start, end, t, out)) return;
  if (t.splitChars !== null && splitByChars(text, start, end, t, out)) return;
  keep(start, end, t, out);
}

/**
 * Java's String.split semantics, which Spark uses: the pattern only applies when it yields more than one piece
 * once trailing empty pieces are dropped, and a zero-width match at the start makes no empty first piece.
 * Unlike Spark, offsets come from the real match positions, so multi-character separators keep them exact.
 */
function splitByPattern(text: string, start: number, end: number, t: CompiledTokenizer, out: number[]): boolean {
  const target = text.slice(start, end);
  const re = t.splitPattern!;
  const pieces: number[] = [];
  let index = 0;
  re.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(target)) !== null) {
    const matchEnd = match.index + match[0].length;
    if (matchEnd === match.index) re.lastIndex = nextCodePoint(target, matchEnd);
    if (match.index === 0 && matchEnd === 0) continue;
    pieces.push(index, match.index);
    index = matchEnd;
    if (re.lastIndex > target.length) break;
  }
  if (pieces.length === 0) return false;
  pieces.push(index, target.length);
  let count = pieces.length;
  while (count > 0 && pieces[count - 2] === pieces[count - 1]) count -= 2;
  if (count <= 2) return false;
  for (let k = 0; k < count; k += 2) {
    if (pieces[k]! < pieces[k + 1]!) keep(start + pieces[k]!, start + pieces[k + 1]!, t, out);
  }
  return true;
}

/** Splits at every split character (dropping it); false when the group contains none. */
function splitByChars(text: string, start: number, end: number, t: CompiledTokenizer, out: number[]): boolean {
  const chars = t.splitChars!;
  let pieceStart = start;
  let found = false;
  for (let i = start; i < end; i++) {
    if (!chars.has(text.charCodeAt(i))) continue;
    found = true;
    if (i > pieceStart) keep(pieceStart, i, t, out);
    pieceStart = i + 1;
  }
  if (!found) return false;
  if (end > pieceStart) keep(pieceStart, end, t, out);
  return true;
}

function keep(start: number, end: number, t: CompiledTokenizer, out: number[]): void {
  const length = end - start;
  if (length >= t.minLength && length <= t.maxLength && length > 0) out.push(start, end);
}

/**
 * Matches of the exceptions and placeholder patterns, as sorted, non-overlapping offset pairs. A match is
 * honoured only at token boundaries: outside it, up to the next break, there may only be context characters
 * (which then become tokens of their own). So "[** Name **]," keeps its comma apart, while an exception
 * "mid" leaves "mid-LAD" alone.
 */
function protectedSpans(text: string, t: CompiledTokenizer): number[] {
  const spans: number[] = [];
  for (const re of t.protectedPatterns) {
    re.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = re.exec(text)) !== null) {
      let start = match.index;
      let end = start + match[0].length;
      if (end === start) {
        re.lastIndex = nextCodePoint(text, end);
        continue;
      }
      while (start < end && t.isBreak(text.charCodeAt(start))) start++;
      while (end > start && t.isBreak(text.charCodeAt(end - 1))) end--;
      if (start < end && atTokenBoundaries(text, start, end, t)) spans.push(start, end);
    }
  }
  return t.protectedPatterns.length > 1 ? sortedWithoutOverlaps(spans) : spans;
}

function atTokenBoundaries(text: string, start: number, end: number, t: CompiledTokenizer): boolean {
  let before = start;
  while (before > 0 && (t.flagsOf(text.charCodeAt(before - 1)) & (CONTEXT | BREAK)) === CONTEXT) before--;
  if (before > 0 && !t.isBreak(text.charCodeAt(before - 1))) return false;
  let after = end;
  while (after < text.length && (t.flagsOf(text.charCodeAt(after)) & (CONTEXT | BREAK)) === CONTEXT) after++;
  return after === text.length || t.isBreak(text.charCodeAt(after));
}

/** Earlier start wins; on a tie the longer span wins. */
function sortedWithoutOverlaps(spans: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < spans.length; k += 2) pairs.push([spans[k]!, spans[k + 1]!]);
  pairs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: number[] = [];
  let last = 0;
  for (const [start, end] of pairs) {
    if (start < last) continue;
    out.push(start, end);
    last = end;
  }
  return out;
}

/**
 * Where to resume after an empty match. Stepping into the middle of a surrogate pair would loop forever: in
 * `u` mode V8 moves such a lastIndex back to the start of the pair, where the empty match repeats.
 */
function nextCodePoint(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(index + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return index + 2;
  }
  return index + 1;
}
