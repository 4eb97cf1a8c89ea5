import { makeAnnotation, type Annotation } from "@kindling/annotation";

/** One row from tokenised sentences: the text is the tokens joined by spaces, sentences by a newline. */
export function row(sentences: readonly string[][], tags: readonly string[][], confidence?: (s: number, i: number) => number) {
  let text = "";
  const sentenceAnnotations: Annotation[] = [];
  const tokens: Annotation[] = [];
  const ner: Annotation[] = [];
  sentences.forEach((words, s) => {
    if (s > 0) text += "\n";
    const start = text.length;
    words.forEach((w, i) => {
      if (i > 0) text += " ";
      const begin = text.length;
      text += w;
      tokens.push(makeAnnotation("token", begin, text.length - 1, w, { sentence: String(s) }));
      const metadata: Record<string, string> = { word: w, sentence: String(s) };
      if (confidence) metadata.confidence = String(confidence(s, i));
      ner.push(makeAnnotation("named_entity", begin, text.length - 1, tags[s]![i]!, metadata));
    });
    sentenceAnnotations.push(makeAnnotation("document", start, text.length - 1, text.slice(start), { sentence: String(s) }));
  });
  return { text, inputs: [sentenceAnnotations, tokens, ner] as Annotation[][] };
}
