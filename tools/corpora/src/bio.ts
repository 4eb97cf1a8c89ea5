import type { TokenizedSentence } from "./tokenize.js";
import type { CorpusLabel, Span } from "./types.js";

/** How a source's spans landed on tokens. */
export interface AlignmentCounts {
  spans: number;
  /** First token starts at the span's begin and last token ends at its end. */
  aligned: number;
  /** A boundary falls inside a token: BIO widens the span to whole tokens. */
  misaligned: number;
  /** No token overlaps the span. */
  noTokens: number;
  /** Every overlapping token already belongs to an earlier span (one token covering two spans). */
  lost: number;
  /** Tokens in more than one sentence: each sentence's part starts with its own B-. */
  crossSentence: number;
}

export function emptyAlignmentCounts(): AlignmentCounts {
  return { spans: 0, aligned: 0, misaligned: 0, noTokens: 0, lost: 0, crossSentence: 0 };
}

/**
 * BIO2 tags for one document's sentences: a token belongs to a span when it overlaps it, the first such token of
 * the span (in each sentence) gets `B-`, the rest `I-`, everything else `O`. Spans must be sorted and
 * non-overlapping (the span policy's output); a token overlapping two spans stays with the first.
 */
export function assignBio(sentences: readonly TokenizedSentence[], spans: readonly Span[], counts: AlignmentCounts): string[][] {
  const tags = sentences.map((s) => new Array<string>(s.tokens.length).fill("O"));
  const flat: { s: number; t: number; begin: number; endExclusive: number }[] = [];
  sentences.forEach((sentence, s) => sentence.tokens.forEach((tok, t) => flat.push({ s, t, begin: tok.begin, endExclusive: tok.end + 1 })));

  let first = 0;
  for (const span of spans) {
    counts.spans++;
    // Tokens ending at or before this span's begin also end before every later span's begin.
    while (first < flat.length && flat[first]!.endExclusive <= span.begin) first++;
    let last = first;
    while (last < flat.length && flat[last]!.begin < span.end) last++;
    if (last === first) {
      counts.noTokens++;
      continue;
    }
    const overlapping = flat.slice(first, last);
    if (overlapping[0]!.begin === span.begin && overlapping[overlapping.length - 1]!.endExclusive === span.end) counts.aligned++;
    else counts.misaligned++;
    if (new Set(overlapping.map((x) => x.s)).size > 1) counts.crossSentence++;
    let previousSentence = -1;
    for (const x of overlapping) {
      const row = tags[x.s]!;
      if (row[x.t] !== "O") continue;
      row[x.t] = `${x.s === previousSentence ? "I" : "B"}-${span.label}`;
      previousSentence = x.s;
    }
    if (previousSentence === -1) counts.lost++;
  }
  return tags;
}

/** Chunks per label in BIO2 tags (counts `B-` tags). */
export function countChunks(tags: readonly (readonly string[])[], into: Record<CorpusLabel, number>): void {
  for (const row of tags) for (const tag of row) if (tag.startsWith("B-")) into[tag.slice(2) as CorpusLabel]++;
}
