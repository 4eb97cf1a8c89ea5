import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { sharedPath } from "@kindling/fixtures";
import { TokenizerModel, type TokenizerModelParams } from "../src/index.js";

export { modelCardNote, modelCardResults as modelCardChunks } from "@kindling/fixtures";
export const MTSAMPLES = sharedPath("data", "text", "mtsamples", "mtsamples.csv.gz");

/**
 * Sentence annotations for each non-blank line (trailing whitespace trimmed), the way a line-based sentence
 * detector would produce them; offsets are into `text`.
 */
export function lineSentences(text: string): Annotation[] {
  const sentences: Annotation[] = [];
  const line = /[^\r\n]+/g;
  let m: RegExpExecArray | null;
  while ((m = line.exec(text)) !== null) {
    const content = m[0].trimEnd();
    const lead = content.length - content.trimStart().length;
    if (content.length === lead) continue;
    const begin = m.index + lead;
    sentences.push(makeAnnotation(AnnotatorType.DOCUMENT, begin, m.index + content.length - 1, content.slice(lead), { sentence: String(sentences.length) }));
  }
  return sentences;
}

/** One sentence covering the whole text. */
export function oneSentence(text: string): Annotation[] {
  return [makeAnnotation(AnnotatorType.DOCUMENT, 0, text.length - 1, text, { sentence: "0" })];
}

export function tokensOf(text: string, params?: Partial<TokenizerModelParams>): string[] {
  return new TokenizerModel(params).annotate([oneSentence(text)]).map((t) => t.result);
}
