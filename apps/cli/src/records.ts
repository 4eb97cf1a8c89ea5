import type { Annotation } from "@kindling/annotation";
import { chunkRecord, type ChunkRecord } from "@kindling/duckdb";
import type { PipelineName } from "./pipelines.js";

export type { ChunkRecord } from "@kindling/duckdb";

/** One row's annotations, keyed by output column (a LightPipeline `fullAnnotate` result). */
export type AnnotatedRow = Readonly<Record<string, readonly Annotation[]>>;

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

/** One line per NER chunk: `{ chunk, begin, end, ner_label, confidence, sentence }` (the chunks table's columns). */
export function chunkRecords(row: AnnotatedRow): ChunkRecord[] {
  return (row.ner_chunk ?? []).map(chunkRecord);
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

export interface RecordKind {
  /** What the summary calls the records. */
  unit: string;
  /** The pipeline output columns the records are made from (the only ones decoded from each batch). */
  columns: readonly string[];
  of: (row: AnnotatedRow) => object[];
}

/** What each pipeline prints per row. */
export const RECORDS: Readonly<Record<PipelineName, RecordKind>> = {
  ner: { unit: "chunks", columns: ["ner_chunk"], of: chunkRecords },
  tokens: { unit: "sentences", columns: ["sentence", "token"], of: sentenceRecords },
};
