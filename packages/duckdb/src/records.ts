import type { Annotation } from "@kindling/annotation";

/** One row of the flat chunks table (and one JSON line of `kindling annotate`), without the note's id. */
export interface ChunkRecord {
  /** The chunk text: `text.slice(begin, end + 1)` of the note. */
  chunk: string;
  /** UTF-16 code-unit offsets into the note's text, `end` inclusive (Spark NLP's convention). */
  begin: number;
  end: number;
  /** The entity label without its B-/I- prefix (NerConverter's `entity` metadata). */
  ner_label: string;
  /** Mean of the chunk's token confidences; null if the NER model wrote none. */
  confidence: number | null;
  /** 0-based index of the chunk's sentence in the note (the chunk's `sentence` metadata). */
  sentence: number;
}

export function chunkRecord(chunk: Annotation): ChunkRecord {
  const { confidence, entity, sentence } = chunk.metadata;
  return {
    chunk: chunk.result,
    begin: chunk.begin,
    end: chunk.end,
    ner_label: entity ?? "",
    confidence: confidence === undefined ? null : Number(confidence),
    sentence: Number(sentence ?? 0),
  };
}
