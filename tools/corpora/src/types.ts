/** The labels Kindling's clinical NER model predicts. */
export const TARGET_LABELS = ["PROBLEM", "TEST", "TREATMENT"] as const;
export type TargetLabel = (typeof TARGET_LABELS)[number];
/** Labels outside the model's target set, written only by auxiliary sources for multi-task heads (tools/train `--head`). */
export const AUXILIARY_LABELS = ["CHEMICAL"] as const;
export type AuxiliaryLabel = (typeof AUXILIARY_LABELS)[number];
export type CorpusLabel = TargetLabel | AuxiliaryLabel;
export const CORPUS_LABELS: readonly CorpusLabel[] = [...TARGET_LABELS, ...AUXILIARY_LABELS];

export const SPLITS = ["train", "dev", "test"] as const;
export type Split = (typeof SPLITS)[number];

/** A labelled stretch of a document's text: character (UTF-16) offsets, `end` EXCLUSIVE as in the corpora. */
export interface Span {
  readonly begin: number;
  readonly end: number;
  readonly label: CorpusLabel;
}

/** Every corpus normalised to one form. */
export interface CorpusDocument {
  readonly source: string;
  readonly split: Split;
  readonly docId: string;
  readonly text: string;
  /** Mapped, continuous, non-overlapping spans sorted by `begin`. */
  readonly spans: readonly Span[];
  /** The labels this source annotates fully: an `O` token is a true negative only for these. */
  readonly annotatedLabels: readonly CorpusLabel[];
}

/** A mention as the corpus states it, before label mapping and the span policy. */
export interface RawMention {
  /** The corpus's own type name (`Sign_symptom`, `Disease`, `CONDITION`, ...). */
  readonly type: string;
  /** One `[begin, end)` pair, or several for a discontinuous mention. */
  readonly segments: readonly (readonly [number, number])[];
  /** The annotated surface string (brat joins the segments of a discontinuous mention with a space). */
  readonly text: string;
}

/** A document as a reader returns it: raw mentions, not yet normalised. */
export interface RawDocument {
  readonly split: Split;
  readonly docId: string;
  readonly text: string;
  readonly mentions: readonly RawMention[];
}
