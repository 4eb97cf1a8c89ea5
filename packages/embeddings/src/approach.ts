import { AnnotatorType } from "@kindling/annotation";
import { type Accessors, AnnotatorApproach, check, defineAccessors, param, type ParamSpecs, type StageParams } from "@kindling/core";
import { readKindlingEmbeddings } from "./formats/kindling.js";
import { readTextVectors } from "./formats/text.js";
import { readWord2VecBinary } from "./formats/word2vec-binary.js";
import { WORD_EMBEDDINGS_SPECS, WordEmbeddingsModel, type WordEmbeddingsParams } from "./model.js";

/** Spark's ReadAs: TEXT is word2vec text or GloVe (header detected), BINARY is word2vec binary. */
export type ReadAs = "TEXT" | "BINARY" | "KINDLING";

export interface WordEmbeddingsApproachParams extends WordEmbeddingsParams {
  storagePath: string;
  readAs: ReadAs;
  /** Keep only the first N vectors of the file (0 keeps all). */
  maxWords: number;
}

const SPECS: ParamSpecs<WordEmbeddingsApproachParams> = {
  ...WORD_EMBEDDINGS_SPECS,
  storagePath: param("", "path of the vectors file (or Kindling embeddings directory)"),
  readAs: param<ReadAs>("TEXT", "file format: TEXT (word2vec text or GloVe), BINARY (word2vec binary) or KINDLING", check.oneOf("TEXT", "BINARY", "KINDLING")),
  maxWords: param(0, "read only the first N vectors (0: all)", check.nonNegativeInt),
};

/**
 * Spark NLP's WordEmbeddings approach: `fit` reads a user's vectors file so that any word2vec or GloVe vectors
 * can replace Kindling's own.
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface WordEmbeddings extends Accessors<Omit<WordEmbeddingsApproachParams, keyof StageParams>, WordEmbeddings, "setStoragePath"> {}

export class WordEmbeddings extends AnnotatorApproach<WordEmbeddingsApproachParams, WordEmbeddingsModel> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT, AnnotatorType.TOKEN];
  readonly outputAnnotatorType = AnnotatorType.WORD_EMBEDDINGS;

  constructor(options?: Partial<WordEmbeddingsApproachParams>) {
    super(SPECS, options);
  }
  get stageName(): string {
    return "WordEmbeddings";
  }
  get packageName(): string {
    return "@kindling/embeddings";
  }

  /** Spark's `setStoragePath(path, readAs)`. */
  setStoragePath(path: string, readAs: ReadAs = "TEXT"): this {
    return this.set("storagePath", path).set("readAs", readAs);
  }

  async fit(): Promise<WordEmbeddingsModel> {
    const path = this.get("storagePath");
    if (!path) throw new Error(`${this.stageName}: storagePath is not set (setStoragePath(path, "TEXT" | "BINARY"))`);
    const limit = this.get("maxWords") || undefined;
    const readAs = this.get("readAs");
    const storage =
      readAs === "KINDLING"
        ? (await readKindlingEmbeddings(path)).storage
        : readAs === "BINARY"
          ? await readWord2VecBinary(path, { maxWords: limit })
          : await readTextVectors(path, { maxWords: limit });
    const declared = this.get("dimension");
    if (declared !== 0 && declared !== storage.dimension) {
      throw new Error(`${this.stageName}: dimension is set to ${declared} but ${path} holds ${storage.dimension}-d vectors`);
    }
    const { storagePath: _p, readAs: _r, maxWords: _m, ...modelParams } = this.paramValues();
    return new WordEmbeddingsModel({ ...modelParams, storageRef: modelParams.storageRef || path }, storage);
  }
}

defineAccessors(WordEmbeddings, Object.keys(SPECS));
