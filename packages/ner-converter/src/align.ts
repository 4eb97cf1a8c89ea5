import type { Annotation } from "@kindling/annotation";

/** A token with the tag of the named_entity annotation that starts where it starts ("O" when there is none). */
export interface TaggedToken {
  readonly token: Annotation;
  readonly tag: string;
  readonly confidence: number | undefined;
}

export interface TaggedSentence {
  readonly sentence: Annotation;
  /** The sentence's "sentence" metadata, or its position among the row's sentences when it has none. */
  readonly index: string;
  readonly tokens: readonly TaggedToken[];
}

/**
 * Lines the three inputs up as Spark's `NerTagged.unpack` does: a token belongs to the sentence that contains
 * it (`sentence.begin <= token.begin && token.end <= sentence.end`), and its tag is the named_entity
 * annotation with the same `begin`. Tokens outside every sentence and tags without a token are ignored.
 */
export function tagSentences(sentences: readonly Annotation[], tokens: readonly Annotation[], entities: readonly Annotation[]): TaggedSentence[] {
  const entityAt = new Map<number, Annotation>();
  for (const e of entities) if (!entityAt.has(e.begin)) entityAt.set(e.begin, e);
  const ordered = isSortedByBegin(tokens) ? tokens : [...tokens].sort((a, b) => a.begin - b.begin);

  return sentences.map((sentence, position) => {
    const inside: TaggedToken[] = [];
    for (let k = firstAtOrAfter(ordered, sentence.begin); k < ordered.length && ordered[k]!.begin <= sentence.end; k++) {
      const token = ordered[k]!;
      if (token.end > sentence.end) continue;
      const entity = entityAt.get(token.begin);
      inside.push({ token, tag: entity?.result ?? "O", confidence: tokenConfidence(entity) });
    }
    return { sentence, index: sentence.metadata.sentence ?? String(position), tokens: inside };
  });
}

/**
 * A token's confidence: the "confidence" metadata NerDL / MedicalNer write with includeConfidence, else the
 * score stored under the token's own tag (includeAllConfidenceScores writes one key per tag). Unparseable
 * values count as absent.
 */
export function tokenConfidence(entity: Annotation | undefined): number | undefined {
  if (!entity) return undefined;
  const raw = (entity.metadata.confidence ?? entity.metadata[entity.result])?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Spark averages confidences as 32-bit floats and prints them with Java's `Float.toString`, the shortest
 * decimal that reads back as the same float: 0.85, not 0.8500000000000001. This reproduces that (without
 * Java's E-notation below 0.001).
 */
export function formatConfidence(value: number): string {
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return String(candidate);
  }
  return String(single);
}

function isSortedByBegin(tokens: readonly Annotation[]): boolean {
  for (let i = 1; i < tokens.length; i++) if (tokens[i]!.begin < tokens[i - 1]!.begin) return false;
  return true;
}

/** Index of the first token whose begin is >= offset (tokens sorted by begin). */
function firstAtOrAfter(tokens: readonly Annotation[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]!.begin < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
