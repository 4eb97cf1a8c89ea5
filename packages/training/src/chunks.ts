/**
 * A labelled span over a sequence: `start` inclusive, `end` EXCLUSIVE (token indices from `bioToChunks`, or
 * any other unit as long as gold and predicted agree). `sequence` tells sequences apart (a sentence or document
 * id): chunks only match within the same sequence.
 */
export interface Chunk {
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly sequence?: string | number;
}

/**
 * BIO2 (or IOB1) tags → chunks, conlleval style: `B-X` opens a chunk, `I-X` continues a chunk of label X, and an
 * `I-X` that does not continue one (after `O` or a different label) opens a new chunk. Any other tag (`O`,
 * anything without a `B-`/`I-` prefix) closes the current chunk.
 */
export function bioToChunks(tags: readonly string[], sequence?: string | number): Chunk[] {
  const out: Chunk[] = [];
  let label: string | undefined;
  let start = 0;
  const close = (end: number) => {
    if (label !== undefined) out.push(sequence === undefined ? { label, start, end } : { label, start, end, sequence });
    label = undefined;
  };
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    const prefix = tag.slice(0, 2);
    const name = tag.slice(2);
    if (prefix === "I-" && label === name) continue;
    close(i);
    if (prefix === "B-" || prefix === "I-") {
      label = name;
      start = i;
    }
  }
  close(tags.length);
  return out;
}

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  /** Gold chunks of the label. */
  support: number;
  /** Predicted chunks of the label. */
  predicted: number;
}

/** Per label plus "micro" (all labels pooled). */
export type ScoresByLabel = Record<string, PRF>;

export interface ChunkScores {
  /** A predicted chunk is correct when a gold chunk has the same sequence, label, start and end. */
  strict: ScoresByLabel;
  /**
   * Overlap with the same label: precision counts predicted chunks that overlap some gold chunk, recall counts
   * gold chunks that some predicted chunk overlaps (so one long prediction can cover two gold chunks).
   */
  relaxed: ScoresByLabel;
}

export const MICRO = "micro";

/**
 * Chunk-level precision, recall and F1, strict and relaxed, per label and micro-averaged, scoring only `labels`:
 * chunks of other labels are ignored on both sides (a corpus is scored on the labels it annotates). The same
 * definitions as tools/train/evaluate.py's `chunk_scores`, except that a chunk listed twice counts once on the
 * other side (precision counts matched predictions, recall matched gold chunks), so scores stay within [0, 1] for
 * any input; for chunks from `bioToChunks` the two agree. Empty denominators give 0.
 */
export function evaluateChunks(gold: readonly Chunk[], predicted: readonly Chunk[], labels: readonly string[]): ChunkScores {
  if (labels.includes(MICRO)) throw new RangeError(`"${MICRO}" is reserved for the micro average and cannot be a label`);
  const wanted = new Set(labels);
  const g = gold.filter((c) => wanted.has(c.label));
  const p = predicted.filter((c) => wanted.has(c.label));
  const goldByKey = groupBy(g);
  const predByKey = groupBy(p);
  const goldExact = new Set(g.map(exactKey));
  const predExact = new Set(p.map(exactKey));

  const zero = () => ({ strictTpPred: 0, strictTpGold: 0, relaxedTpPred: 0, relaxedTpGold: 0, predicted: 0, gold: 0 });
  const counts = new Map(labels.map((l) => [l, zero()]));
  for (const c of p) {
    const n = counts.get(c.label)!;
    n.predicted++;
    if (goldExact.has(exactKey(c))) n.strictTpPred++;
    if (overlapsAny(c, goldByKey.get(groupKey(c)))) n.relaxedTpPred++;
  }
  for (const c of g) {
    const n = counts.get(c.label)!;
    n.gold++;
    if (predExact.has(exactKey(c))) n.strictTpGold++;
    if (overlapsAny(c, predByKey.get(groupKey(c)))) n.relaxedTpGold++;
  }

  const strict: ScoresByLabel = {};
  const relaxed: ScoresByLabel = {};
  const total = zero();
  for (const [label, n] of counts) {
    strict[label] = prf(n.strictTpPred, n.predicted, n.strictTpGold, n.gold);
    relaxed[label] = prf(n.relaxedTpPred, n.predicted, n.relaxedTpGold, n.gold);
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += n[k];
  }
  strict[MICRO] = prf(total.strictTpPred, total.predicted, total.strictTpGold, total.gold);
  relaxed[MICRO] = prf(total.relaxedTpPred, total.predicted, total.relaxedTpGold, total.gold);
  return { strict, relaxed };
}

function prf(tpPred: number, predicted: number, tpGold: number, support: number): PRF {
  const precision = predicted ? tpPred / predicted : 0;
  const recall = support ? tpGold / support : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support, predicted };
}

function groupKey(c: Chunk): string {
  return `${typeof c.sequence}:${String(c.sequence)}\u0000${c.label}`;
}

function exactKey(c: Chunk): string {
  return `${groupKey(c)}\u0000${c.start}\u0000${c.end}`;
}

function groupBy(chunks: readonly Chunk[]): Map<string, Chunk[]> {
  const out = new Map<string, Chunk[]>();
  for (const c of chunks) {
    const key = groupKey(c);
    const list = out.get(key);
    if (list) list.push(c);
    else out.set(key, [c]);
  }
  return out;
}

function overlapsAny(c: Chunk, others: readonly Chunk[] | undefined): boolean {
  return others !== undefined && others.some((o) => o.start < c.end && c.start < o.end);
}
