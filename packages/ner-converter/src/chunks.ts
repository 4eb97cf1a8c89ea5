import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { formatConfidence, type TaggedSentence, type TaggedToken } from "./align.js";
import type { TagSpan } from "./tags.js";

/** An entity chunk before it becomes an annotation; token indices are within its sentence. */
export interface Chunk {
  readonly sentence: TaggedSentence;
  readonly first: number;
  readonly last: number;
  readonly label: string;
  /** The tokens whose tags make up the chunk: all of first..last, except stop words bridged by a merge. */
  readonly members: readonly number[];
}

export function chunksOf(sentence: TaggedSentence, spans: readonly TagSpan[]): Chunk[] {
  return spans.map((span) => ({ sentence, ...span, members: range(span.first, span.last) }));
}

/**
 * Merges each chunk into the one before it when both are in the same sentence, carry the same label and
 * `bridges` accepts the tokens between them (an empty list when they touch).
 */
export function mergeChunks(chunks: readonly Chunk[], bridges: (gap: readonly TaggedToken[]) => boolean): Chunk[] {
  const out: Chunk[] = [];
  for (const chunk of chunks) {
    const previous = out.at(-1);
    if (previous && previous.sentence === chunk.sentence && previous.label === chunk.label) {
      const gap = chunk.sentence.tokens.slice(previous.last + 1, chunk.first);
      if (bridges(gap)) {
        out[out.length - 1] = { ...previous, last: chunk.last, members: [...previous.members, ...chunk.members] };
        continue;
      }
    }
    out.push(chunk);
  }
  return out;
}

/** The mean confidence of the chunk's member tokens that have one; undefined when none has. */
export function chunkConfidence(chunk: Chunk): number | undefined {
  let sum = 0;
  let count = 0;
  for (const i of chunk.members) {
    const c = chunk.sentence.tokens[i]!.confidence;
    if (c !== undefined) {
      sum += c;
      count++;
    }
  }
  return count === 0 ? undefined : sum / count;
}

/**
 * The chunk's text. With `preservePosition` it is the sentence text between the first token's begin and the
 * last token's end, so `documentText.slice(begin, end + 1) === result`. Without it, it is the member tokens'
 * own results joined by single spaces (normalised tokens, stop words bridged by a merge left out).
 */
export function chunkText(chunk: Chunk, preservePosition: boolean): string {
  const tokens = chunk.sentence.tokens;
  if (!preservePosition) return chunk.members.map((i) => tokens[i]!.token.result).join(" ");
  const sentence = chunk.sentence.sentence;
  const begin = tokens[chunk.first]!.token.begin;
  const end = tokens[chunk.last]!.token.end;
  const from = begin - sentence.begin;
  const to = end - sentence.begin + 1;
  if (to > sentence.result.length) {
    throw new RangeError(
      `chunk ${begin}-${end} ("${chunk.label}") runs past the text of sentence ${chunk.sentence.index} ` +
        `(${sentence.begin}-${sentence.end}, ${sentence.result.length} characters): a sentence's result must be the text between its begin and end`,
    );
  }
  return sentence.result.slice(from, to);
}

export function chunkAnnotation(chunk: Chunk, chunkIndex: number, preservePosition: boolean, confidence: number | undefined): Annotation {
  const tokens = chunk.sentence.tokens;
  const metadata: Record<string, string> = { entity: chunk.label, sentence: chunk.sentence.index, chunk: String(chunkIndex) };
  if (confidence !== undefined) metadata.confidence = formatConfidence(confidence);
  return makeAnnotation(AnnotatorType.CHUNK, tokens[chunk.first]!.token.begin, tokens[chunk.last]!.token.end, chunkText(chunk, preservePosition), metadata);
}

function range(first: number, last: number): number[] {
  const out: number[] = new Array(last - first + 1);
  for (let i = first; i <= last; i++) out[i - first] = i;
  return out;
}
