/** Where the text matched by a custom bound goes: dropped, or kept with the previous or the next sentence. */
export type CustomBoundsStrategy = "none" | "prepend" | "append";

export const CUSTOM_BOUNDS_STRATEGIES: readonly CustomBoundsStrategy[] = ["none", "prepend", "append"];

/** All bounds as one alternation, compiled once: the text is searched in a single pass whatever their number. */
export function compileCustomBounds(bounds: readonly string[]): RegExp | undefined {
  if (bounds.length === 0) return undefined;
  return new RegExp(bounds.map((b) => `(?:${b})`).join("|"), "gu");
}

/**
 * Cuts `text` at every match of `bounds` and calls `visit` with each piece, in order:
 * - "none": the match belongs to no piece (Spark replaces it with a break);
 * - "prepend": a break goes before the match, which starts the next piece;
 * - "append": a break goes after the match, which ends the previous piece.
 */
export function forEachSegment(text: string, bounds: RegExp, strategy: CustomBoundsStrategy, visit: (from: number, to: number) => void): void {
  let pieceStart = 0;
  bounds.lastIndex = 0;
  for (let m = bounds.exec(text); m !== null; m = bounds.exec(text)) {
    const matchStart = m.index;
    const matchEnd = matchStart + m[0].length;
    if (matchEnd === matchStart) {
      // A zero-width bound (a lookahead) still splits; step over one code point so the search advances.
      const c = text.charCodeAt(matchStart);
      bounds.lastIndex = matchStart + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
    }
    if (strategy === "append") {
      visit(pieceStart, matchEnd);
      pieceStart = matchEnd;
    } else if (strategy === "prepend") {
      visit(pieceStart, matchStart);
      pieceStart = matchStart;
    } else {
      visit(pieceStart, matchStart);
      pieceStart = matchEnd;
    }
  }
  visit(pieceStart, text.length);
}
