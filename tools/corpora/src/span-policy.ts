import type { CorpusLabel, RawMention, Span } from "./types.js";

/** What the span policy did to a source's mentions: each is counted once in unmapped, discontinuous, empty, duplicate, overlapping or kept. */
export interface SpanPolicyCounts {
  mentions: number;
  /** Of a type the source's label mapping leaves out (e.g. MACCROBAT's Lab_value, Chia's Procedure). */
  unmapped: number;
  /** Mapped but in several segments: flat BIO cannot express them. */
  discontinuous: number;
  /** Only whitespace once trimmed. */
  empty: number;
  /** Same begin, end and label as a span already kept. */
  duplicate: number;
  /** Overlapping a longer (outer) kept span. */
  overlapping: number;
  kept: number;
  /** Kept spans whose edges had whitespace trimmed off (e.g. Chia spans running into a "\r"). */
  trimmed: number;
}

export function emptyPolicyCounts(): SpanPolicyCounts {
  return { mentions: 0, unmapped: 0, discontinuous: 0, empty: 0, duplicate: 0, overlapping: 0, kept: 0, trimmed: 0 };
}

export type LabelMapping = Readonly<Record<string, CorpusLabel>>;

const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);

/**
 * Turns a document's raw mentions into flat, BIO-ready spans:
 * 1. map the corpus type to PROBLEM/TEST/TREATMENT, dropping unmapped types;
 * 2. drop discontinuous mentions;
 * 3. trim whitespace off both edges (dropping whitespace-only spans);
 * 4. of spans that overlap, keep the outermost: longest first, then earliest, then first in the corpus;
 *    an identical span with the same label is a duplicate, not a conflict.
 * Returns the kept spans sorted by begin; `counts` is updated in place.
 */
export function applySpanPolicy(text: string, mentions: readonly RawMention[], mapping: LabelMapping, counts: SpanPolicyCounts): Span[] {
  const candidates: (Span & { order: number; trimmed: boolean })[] = [];
  mentions.forEach((m, order) => {
    counts.mentions++;
    const label = Object.hasOwn(mapping, m.type) ? mapping[m.type] : undefined;
    if (label === undefined) return void counts.unmapped++;
    if (m.segments.length !== 1) return void counts.discontinuous++;
    let [begin, end] = m.segments[0]!;
    const original = end - begin;
    while (begin < end && isSpace(text[begin])) begin++;
    while (end > begin && isSpace(text[end - 1])) end--;
    if (begin === end) return void counts.empty++;
    candidates.push({ begin, end, label, order, trimmed: end - begin !== original });
  });

  candidates.sort((a, b) => b.end - b.begin - (a.end - a.begin) || a.begin - b.begin || a.order - b.order);
  const kept: Span[] = [];
  for (const c of candidates) {
    const clash = kept.find((k) => k.begin < c.end && c.begin < k.end);
    if (!clash) {
      kept.push({ begin: c.begin, end: c.end, label: c.label });
      if (c.trimmed) counts.trimmed++;
    } else if (clash.begin === c.begin && clash.end === c.end && clash.label === c.label) counts.duplicate++;
    else counts.overlapping++;
  }
  counts.kept += kept.length;
  return kept.sort((a, b) => a.begin - b.begin);
}
