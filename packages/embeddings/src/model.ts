import { AnnotatorType, conllSafeToken, makeAnnotation, type Annotation } from "@kindling/annotation";
import { type Accessors, AnnotatorModel, check, type ColumnSchema, defineAccessors, param, type ParamSpecs, PipelineWiringError, resolvePretrained, type RowInputs, type StageParams } from "@kindling/core";
import { readKindlingEmbeddings, writeKindlingEmbeddings } from "./formats/kindling.js";
import type { EmbeddingsStorage } from "./storage.js";

export interface WordEmbeddingsParams extends StageParams {
  /** Name that ties the vectors to the models trained on them (Spark's storageRef). */
  storageRef: string;
  dimension: number;
  caseSensitive: boolean;
  /** Write the vectors into the Arrow output column; off by default (they reach the tagger in memory). */
  includeEmbeddings: boolean;
}

export const WORD_EMBEDDINGS_SPECS: ParamSpecs<WordEmbeddingsParams> = {
  inputCols: param<string[]>(["sentence", "token"], "input columns: sentences (document) and tokens"),
  outputCol: param("embeddings", "output column"),
  storageRef: param("", "name of the vector set; taggers check it matches the one they were trained with"),
  dimension: param(0, "vector size, set from the storage when loaded", check.nonNegativeInt),
  caseSensitive: param(false, "look words up exactly; when false, fall back to lower case, then Capitalised and UPPER case"),
  includeEmbeddings: param(false, "also write the vectors to the Arrow output (memory and disk heavy)"),
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
  enableInMemoryStorage: "vectors are always held in memory as one contiguous matrix",
  includeStorage: "saving always writes the vectors next to params.json",
  readCacheSize: "there is no RocksDB cache: lookups are in-memory",
  writeBufferSize: "there is no RocksDB storage",
};

const PACKAGE = "@kindling/embeddings";

/**
 * Spark NLP's WordEmbeddingsModel: one `word_embeddings` annotation per token, carrying the token's vector (a view
 * into one contiguous matrix) and `isOOV` metadata. Unknown words get a zero vector.
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface WordEmbeddingsModel extends Accessors<Omit<WordEmbeddingsParams, keyof StageParams>, WordEmbeddingsModel, "setEnableInMemoryStorage" | "setIncludeStorage" | "setReadCacheSize" | "setStorage"> {}

export class WordEmbeddingsModel extends AnnotatorModel<WordEmbeddingsParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT, AnnotatorType.TOKEN];
  readonly outputAnnotatorType = AnnotatorType.WORD_EMBEDDINGS;
  private storageValue: EmbeddingsStorage | undefined;
  private zero = new Float32Array(0);

  constructor(options?: Partial<WordEmbeddingsParams>, storage?: EmbeddingsStorage) {
    super(WORD_EMBEDDINGS_SPECS, options, UNSUPPORTED);
    if (storage) this.setStorage(storage);
  }

  get stageName(): string {
    return "WordEmbeddingsModel";
  }
  get packageName(): string {
    return PACKAGE;
  }

  /** Loads Kindling's embeddings directory (embeddings.json + vocab.txt + vectors.bin). */
  static async load(dir: string, options?: Partial<WordEmbeddingsParams>): Promise<WordEmbeddingsModel> {
    const { meta, storage } = await readKindlingEmbeddings(dir);
    return new WordEmbeddingsModel({ storageRef: meta.storageRef, caseSensitive: meta.caseSensitive, ...options }, storage);
  }

  /** Spark's `pretrained(name, lang, remoteLoc)`, resolved offline from the models Kindling ships. */
  static async pretrained(name = "embeddings_clinical_open", lang = "en", remoteLoc = "clinical/models"): Promise<WordEmbeddingsModel> {
    return WordEmbeddingsModel.load(resolvePretrained(name, lang, remoteLoc));
  }

  setStorage(storage: EmbeddingsStorage): this {
    this.storageValue = storage;
    this.zero = new Float32Array(storage.dimension);
    return this.set("dimension", storage.dimension);
  }
  get storage(): EmbeddingsStorage {
    if (!this.storageValue) throw new PipelineWiringError(`${this.stageName}: no vectors loaded (use WordEmbeddingsModel.load, pretrained, or the WordEmbeddings approach)`);
    return this.storageValue;
  }

  setEnableInMemoryStorage(_v: boolean): never {
    return this.unsupported("enableInMemoryStorage");
  }
  setIncludeStorage(_v: boolean): never {
    return this.unsupported("includeStorage");
  }
  setReadCacheSize(_v: number): never {
    return this.unsupported("readCacheSize");
  }

  /** The output column records the storageRef and dimension, so taggers can check they match at fit time. */
  override transformSchema(schema: ColumnSchema): ColumnSchema {
    this.resolveInputCols(schema);
    return this.addOutput(schema, this.outputAnnotatorType, { storageRef: this.get("storageRef"), dimension: String(this.get("dimension")) });
  }

  override includesEmbeddingsInArrow(): boolean {
    return this.get("includeEmbeddings");
  }

  /** Row of a word, honouring caseSensitive and the case fallbacks; -1 when out of vocabulary. */
  lookup(token: string): number {
    const storage = this.storage;
    const word = conllSafeToken(token);
    let row = storage.row(word);
    if (row >= 0 || this.get("caseSensitive")) return row;
    const lower = word.toLowerCase();
    if (lower !== word && (row = storage.row(lower)) >= 0) return row;
    const capitalised = lower.charAt(0).toUpperCase() + lower.slice(1);
    if (capitalised !== word && (row = storage.row(capitalised)) >= 0) return row;
    const upper = word.toUpperCase();
    if (upper !== word) row = storage.row(upper);
    return row;
  }

  annotate([, tokens]: RowInputs): Annotation[] {
    const storage = this.storage;
    const out: Annotation[] = new Array(tokens!.length);
    for (let i = 0; i < tokens!.length; i++) {
      const token = tokens![i]!;
      const row = this.lookup(token.result);
      out[i] = makeAnnotation(
        AnnotatorType.WORD_EMBEDDINGS,
        token.begin,
        token.end,
        token.result,
        { isOOV: row < 0 ? "true" : "false", pieceId: "-1", isWordStart: "true", token: token.result, sentence: token.metadata.sentence ?? "0" },
        row < 0 ? this.zero : storage.vector(row),
      );
    }
    return out;
  }

  override async saveArtifacts(dir: string): Promise<void> {
    await writeKindlingEmbeddings(dir, this.storage, { storageRef: this.get("storageRef"), caseSensitive: this.get("caseSensitive") });
  }
}

defineAccessors(WordEmbeddingsModel, Object.keys(WORD_EMBEDDINGS_SPECS));
