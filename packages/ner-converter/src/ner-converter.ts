import { AnnotatorType, type Annotation } from "@kindling/annotation";
import { type Accessors, AnnotatorModel, defineAccessors, param, type ParamSpecs, registerStage, type RowInputs, type StageParams } from "@kindling/core";
import { tagSentences } from "./align.js";
import { chunkAnnotation, chunkConfidence, chunksOf, type Chunk } from "./chunks.js";
import { decodeIob, decodeSchemaless } from "./tags.js";
import { isBoolean, isStringList } from "./validate.js";

export const PACKAGE_NAME = "@kindling/ner-converter";

export interface NerConverterParams extends StageParams {
  /** Only chunks with these labels are kept (no IOB prefix); empty keeps every label. */
  whiteList: string[];
  /** Chunks with these labels are dropped (no IOB prefix). */
  blackList: string[];
  /** Chunk text from the sentence between the chunk's offsets (true) or the tokens' own results joined by spaces. */
  preservePosition: boolean;
  /** Tags carry no IOB prefix: a run of equal tags is one chunk labelled with the tag. */
  nerHasNoSchema: boolean;
}

export const NER_CONVERTER_SPECS: ParamSpecs<NerConverterParams> = {
  inputCols: param<string[]>(["sentence", "token", "ner"], "a document (sentence), a token and a named_entity column, in any order", isStringList),
  outputCol: param<string>("ner_chunk", "column that receives the chunk annotations"),
  whiteList: param<string[]>([], "if not empty, the only entity labels to keep; labels without IOB prefix", isStringList),
  blackList: param<string[]>([], "entity labels to drop; labels without IOB prefix", isStringList),
  preservePosition: param(true, "chunk result is the original text between its offsets (true) or its tokens joined by spaces (false)", isBoolean),
  nerHasNoSchema: param(false, "set when the NER tags have no IOB/IOB2 prefix: runs of equal tags become chunks", isBoolean),
};

/**
 * What NerConverter and NerConverterInternal share: inputs (document or sentence, token, named_entity), the
 * tag decoding, the label lists and the output. Chunks never cross a sentence; "chunk" numbers the chunks
 * kept in the row (the document), in order.
 */
export abstract class ChunkConverter<P extends NerConverterParams> extends AnnotatorModel<P> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT, AnnotatorType.TOKEN, AnnotatorType.NAMED_ENTITY] as const;
  readonly outputAnnotatorType = AnnotatorType.CHUNK;

  get packageName(): string {
    return PACKAGE_NAME;
  }

  setWhiteList(labels: readonly string[] | string, ...more: string[]): this {
    return this.set("whiteList", listOf(labels, more));
  }
  setBlackList(labels: readonly string[] | string, ...more: string[]): this {
    return this.set("blackList", listOf(labels, more));
  }

  annotate([sentences, tokens, entities]: RowInputs): Annotation[] {
    const decode = this.get("nerHasNoSchema") ? decodeSchemaless : decodeIob;
    const chunks = tagSentences(sentences!, tokens!, entities!).flatMap((s) => chunksOf(s, decode(s.tokens.map((t) => t.tag))));
    const white = this.get("whiteList");
    const keep = white.length > 0 ? new Set(white) : undefined;
    const drop = new Set(this.get("blackList"));
    const preservePosition = this.get("preservePosition");
    const out: Annotation[] = [];
    for (const chunk of this.refine(chunks)) {
      if ((keep && !keep.has(chunk.label)) || drop.has(chunk.label)) continue;
      const confidence = chunkConfidence(chunk);
      if (!this.meetsThreshold(confidence)) continue;
      out.push(chunkAnnotation(chunk, out.length, preservePosition, confidence));
    }
    return out;
  }

  /** Relabels or merges the decoded chunks before filtering; NerConverter keeps them as decoded. */
  protected refine(chunks: Chunk[]): Chunk[] {
    return chunks;
  }

  protected meetsThreshold(_confidence: number | undefined): boolean {
    return true;
  }
}

/**
 * Spark NLP's (open-source) NerConverter: IOB / IOB2 / BIOES tags on tokens to `chunk` annotations whose
 * offsets are the first token's begin and the last token's end, `result` the text between them, and metadata
 * `{entity, sentence, chunk, confidence?}`.
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface NerConverter extends Accessors<Omit<NerConverterParams, keyof StageParams>, NerConverter, "setBlackList" | "setWhiteList"> {}

export class NerConverter extends ChunkConverter<NerConverterParams> {
  constructor(options?: Partial<NerConverterParams>) {
    super(NER_CONVERTER_SPECS, options);
  }

  get stageName(): string {
    return "NerConverter";
  }
}

defineAccessors(NerConverter, Object.keys(NER_CONVERTER_SPECS));

function listOf(labels: readonly string[] | string, more: readonly string[]): string[] {
  return typeof labels === "string" ? [labels, ...more] : [...labels, ...more];
}

registerStage("NerConverter", { packageName: PACKAGE_NAME, load: (params) => new NerConverter(params as Partial<NerConverterParams>) });
