import type { Annotation } from "@kindling/annotation";
import type { PipelineName } from "./pipelines.js";

/** One row's annotations, keyed by output column (a LightPipeline `fullAnnotate` result). */
export type AnnotatedRow = Readonly<Record<string, readonly Annotation[]>>;

/** One NER chunk as the CLI prints it: `end` inclusive, UTF-16 offsets into the note's text. */
export interface ChunkRecord {
  chunk: string;
  begin: number;
  end: number;
  ner_label: string;
  /** Mean of the chunk's token confidences; null if the NER model wrote none. */
  confidence: number | null;
  /** 0-based index of the chunk's sentence in the note. */
  sentence: number;
}

export interface TokenRecord {
  token: string;
  begin: number;
  end: number;
}

/** One sentence and its tokens (`--pipeline tokens`). */
export interface SentenceRecord {
  sentence: number;
  begin: number;
  end: number;
  text: string;
  tokens: TokenRecord[];
}

export function chunkRecords(row: AnnotatedRow): ChunkRecord[] {
  return (row.ner_chunk ?? []).map((c) => ({
    chunk: c.result,
    begin: c.begin,
    end: c.end,
    ner_label: c.metadata.entity ?? "",
    confidence: c.metadata.confidence === undefined ? null : Number(c.metadata.confidence),
    sentence: Number(c.metadata.sentence ?? 0),
  }));
}

export function sentenceRecords(row: AnnotatedRow): SentenceRecord[] {
  const tokens = row.token ?? [];
  return (row.sentence ?? []).map((s, index) => ({
    sentence: index,
    begin: s.begin,
    end: s.end,
    text: s.result,
    tokens: tokens.filter((t) => t.begin >= s.begin && t.end <= s.end).map((t) => ({ token: t.result, begin: t.begin, end: t.end })),
  }));
}

/** What each pipeline prints per row, and what its records are called in the summary line. */
export const RECORDS: Readonly<Record<PipelineName, { unit: string; of: (row: AnnotatedRow) => object[] }>> = {
  ner: { unit: "chunks", of: chunkRecords },
  tokens: { unit: "sentences", of: sentenceRecords },
};
