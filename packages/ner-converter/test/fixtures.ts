import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The model card Kindling mirrors, read from the shared folder beside the repository (never copied into it). */
export const MODEL_CARD_PATH = fileURLToPath(new URL("../../../../shared/reference/model-card-ner_clinical_large_v2.md", import.meta.url));

const card = () => readFileSync(MODEL_CARD_PATH, "utf8");

/** The card's example note: the first `text = """..."""` string, verbatim (leading newline, trailing spaces). */
export function modelCardNote(): string {
  const match = /text = """([\s\S]*?)"""/.exec(card());
  if (!match) throw new Error(`${MODEL_CARD_PATH}: no text = """...""" block`);
  return match[1]!;
}

export interface ResultRow {
  chunk: string;
  begin: number;
  end: number;
  ner_label: string;
}

/** The rows of the card's "## Results" table (`|chunk|begin|end|ner_label|`), as published. */
export function modelCardResults(): ResultRow[] {
  const section = card().split("## Results")[1];
  if (!section) throw new Error(`${MODEL_CARD_PATH}: no "## Results" section`);
  const lines = section.split("```")[1]!.split("\n").filter((l) => l.startsWith("|"));
  const header = cells(lines[0]!);
  if (header.join(",") !== "chunk,begin,end,ner_label") throw new Error(`unexpected Results header: ${header.join(",")}`);
  return lines.slice(2).map((line) => {
    const [chunk, begin, end, label] = cells(line);
    return { chunk: chunk!, begin: Number(begin), end: Number(end), ner_label: label! };
  });
}

function cells(line: string): string[] {
  return line.split("|").slice(1, -1).map((c) => c.trim());
}

/** A sentence annotation over text[begin..end]. */
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
