/**
 * The annotation model, shaped exactly like Spark NLP's `Annotation`:
 * `begin`/`end` are UTF-16 code-unit offsets into the ORIGINAL document text and `end` is inclusive,
 * so `text.slice(begin, end + 1) === result` for annotators that cover a stretch of text.
 */
export interface Annotation {
  readonly annotatorType: string;
  readonly begin: number;
  readonly end: number;
  readonly result: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly embeddings: Float32Array;
}

/** Spark NLP's annotator type names (`AnnotatorType` in com.johnsnowlabs.nlp). */
export const AnnotatorType = {
  DOCUMENT: "document",
  TOKEN: "token",
  WORDPIECE: "wordpiece",
  WORD_EMBEDDINGS: "word_embeddings",
  SENTENCE_EMBEDDINGS: "sentence_embeddings",
  CATEGORY: "category",
  DATE: "date",
  ENTITY: "entity",
  SENTIMENT: "sentiment",
  POS: "pos",
  CHUNK: "chunk",
  NAMED_ENTITY: "named_entity",
  NEGEX: "negex",
  DEPENDENCY: "dependency",
  LABELED_DEPENDENCY: "labeled_dependency",
  ASSERTION: "assertion",
  DUMMY: "dummy",
} as const;

export type KnownAnnotatorType = (typeof AnnotatorType)[keyof typeof AnnotatorType];

/** Shared empty vector: most annotations carry no embeddings, and one instance avoids millions of allocations. */
export const NO_EMBEDDINGS: Float32Array = new Float32Array(0);

const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

export function makeAnnotation(
  annotatorType: string,
  begin: number,
  end: number,
  result: string,
  metadata: Readonly<Record<string, string>> = NO_METADATA,
  embeddings: Float32Array = NO_EMBEDDINGS,
): Annotation {
  return { annotatorType, begin, end, result, metadata, embeddings };
}

/** A plain-JSON view (embeddings as a number array), for printing and snapshots. */
export function annotationToJSON(a: Annotation): {
  annotatorType: string;
  begin: number;
  end: number;
  result: string;
  metadata: Record<string, string>;
  embeddings: number[];
} {
  return {
    annotatorType: a.annotatorType,
    begin: a.begin,
    end: a.end,
    result: a.result,
    metadata: { ...a.metadata },
    embeddings: Array.from(a.embeddings),
  };
}
