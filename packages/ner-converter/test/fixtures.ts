import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";

export { modelCardNote, modelCardResults, type ResultRow } from "@kindling/fixtures";
import type { ResultRow } from "@kindling/fixtures";

export function sentence(text: string, begin: number, end: number, index: number): Annotation {
  return makeAnnotation(AnnotatorType.DOCUMENT, begin, end, text.slice(begin, end + 1), { sentence: String(index) });
}

/** The note's lines as sentences, trailing spaces trimmed the way a sentence detector would. */
export function lineSentences(text: string): Annotation[] {
  const out: Annotation[] = [];
  for (const m of text.matchAll(/[^\n]+/g)) {
    const line = m[0].trimEnd();
    if (line.length > 0) out.push(sentence(text, m.index, m.index + line.length - 1, out.length));
  }
  return out;
}

/** Words and single punctuation marks, a stand-in tokenizer for these tests. */
export function tokensOf(text: string, sentences: readonly Annotation[]): Annotation[] {
  return sentences.flatMap((s, i) =>
    [...s.result.matchAll(/[\p{L}\p{N}]+|[^\p{L}\p{N}\s]/gu)].map((m) =>
      makeAnnotation(AnnotatorType.TOKEN, s.begin + m.index, s.begin + m.index + m[0].length - 1, m[0], { sentence: String(i) }),
    ),
  );
}

/** named_entity annotations as NerDL / MedicalNer write them: token offsets, tag as result, word (+ confidence). */
export function tagged(tokens: readonly Annotation[], tags: readonly string[], confidences?: readonly (number | undefined)[]): Annotation[] {
  if (tags.length !== tokens.length) throw new Error(`${tags.length} tags for ${tokens.length} tokens`);
  return tokens.map((t, i) => {
    const confidence = confidences?.[i];
    const metadata: Record<string, string> = { word: t.result, sentence: t.metadata.sentence ?? "0" };
    if (confidence !== undefined) metadata.confidence = String(confidence);
    return makeAnnotation(AnnotatorType.NAMED_ENTITY, t.begin, t.end, tags[i]!, metadata);
  });
}

/** The tags a table of chunks implies: B- on each chunk's first token, I- on the rest, O elsewhere. */
export function tagsFromChunks(tokens: readonly Annotation[], chunks: readonly ResultRow[]): string[] {
  for (const c of chunks) {
    if (!tokens.some((t) => t.begin === c.begin) || !tokens.some((t) => t.end === c.end)) {
      throw new Error(`chunk "${c.chunk}" ${c.begin}-${c.end} does not start and end on token boundaries`);
    }
  }
  return tokens.map((t) => {
    const c = chunks.find((row) => row.begin <= t.begin && t.end <= row.end);
    return c ? `${t.begin === c.begin ? "B" : "I"}-${c.ner_label}` : "O";
  });
}

/** One row for a converter: sentences, tokens and tags over a short text split at " | " into sentences. */
export function row(text: string, tags: readonly string[], confidences?: readonly (number | undefined)[]): { text: string; inputs: Annotation[][] } {
  const sentences: Annotation[] = [];
  let from = 0;
  for (const part of text.split(" | ")) {
    sentences.push(sentence(text, from, from + part.length - 1, sentences.length));
    from += part.length + 3;
  }
  const tokens = tokensOf(text, sentences);
  return { text, inputs: [sentences, tokens, tagged(tokens, tags, confidences)] };
}
