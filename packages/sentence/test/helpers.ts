export { modelCardNote } from "@kindling/fixtures";
import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { AnnotationBatch } from "@kindling/core";
import { detectSentences, type SentenceDetector, type SentenceOptions } from "../src/index.js";

/** The sentences `detectSentences` finds, as strings. */
export function sentences(text: string, options?: Partial<SentenceOptions>): string[] {
  return detectSentences(text, options).map((s) => text.slice(s.begin, s.end + 1));
}

/** A document annotation covering `text`, as the DocumentAssembler makes it. */
export function documentOf(text: string, begin = 0, metadata: Record<string, string> = {}): Annotation {
  return makeAnnotation(AnnotatorType.DOCUMENT, begin, begin + text.length - 1, text, metadata);
}

/** Runs a detector over rows of document annotations through the core's batch path. */
export async function runDetector(detector: SentenceDetector, rows: Annotation[][]): Promise<Annotation[][]> {
  const batch = AnnotationBatch.fromColumns({ id: rows.map((_, i) => i) });
  batch.setAnnotations(detector.getInputCols()[0]!, AnnotatorType.DOCUMENT, rows);
  await detector.transformBatch(batch);
  return batch.annotations(detector.getOutputCol());
}
