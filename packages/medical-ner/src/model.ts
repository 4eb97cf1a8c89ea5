import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { type Accessors, AnnotatorModel, check, type ColumnSchema, defineAccessors, param, type ParamSpecs, PipelineWiringError, resolvePretrained, type RowInputs, type StageParams } from "@kindling/core";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { CharEncoder } from "./chars.js";
import { CrfDecoder } from "./crf.js";
import { NerModelError, readManifest, readVerifiedFile, type NerManifest } from "./manifest.js";
import { inferenceWindows } from "./windows.js";

export type LabelCasing = "" | "lower" | "upper";

export interface MedicalNerParams extends StageParams {
  /** Sentences (or windows of long sentences) per ONNX Runtime call, grouped by length. */
  batchSize: number;
  includeConfidence: boolean;
  includeAllConfidenceScores: boolean;
  labelCasing: LabelCasing;
  /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. */
  numThreads: number;
}

const SPECS: ParamSpecs<MedicalNerParams> = {
  inputCols: param<string[]>(["sentence", "token", "embeddings"], "input columns: sentences, tokens, word embeddings"),
  outputCol: param("ner", "output column"),
  batchSize: param(256, "sentences per ONNX Runtime call; sentences are grouped by length first", check.positiveInt),
  includeConfidence: param(false, "add each token's confidence (CRF marginal probability of its tag) to the metadata"),
  includeAllConfidenceScores: param(false, "add the marginal probability of every tag to the metadata"),
  labelCasing: param<LabelCasing>("", 'case of the output tags: "" as trained, "lower" or "upper"', check.oneOf<LabelCasing>("", "lower", "upper")),
  numThreads: param(0, "ONNX Runtime intra-op threads (0: ONNX Runtime's default)", check.nonNegativeInt),
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
  configProtoBytes: "Kindling runs ONNX Runtime, not TensorFlow",
  useBestModel: "a training param: train with tools/train",
  minProba: "use NerConverterInternal's threshold on chunk confidence",
  inferenceBatchSize: "use batchSize",
};

const PACKAGE = "@kindling/medical-ner";

/** Everything loaded from a model directory. */
interface NerRuntime {
  dir: string;
  manifest: NerManifest;
  session: ort.InferenceSession;
  chars: CharEncoder;
  crf: CrfDecoder;
}

/** One sentence of one row, with its tokens' vectors, waiting for emissions. */
interface SentenceJob {
  row: number;
  index: string;
  tokens: readonly Annotation[];
  vectors: readonly Float32Array[];
  emissions: Float32Array;
}

/** A window of a sentence that runs through the network in one batch slot. */
interface Segment {
  job: SentenceJob;
  start: number;
  end: number;
  keepFrom: number;
  keepTo: number;
}

if (endianness() !== "LE") throw new Error("@kindling/medical-ner writes int64 tensors through int32 views and needs a little-endian machine");

/**
 * Spark NLP's MedicalNerModel (NerDLModel): a BiLSTM-CNN-CRF tagger. The network runs on ONNX Runtime over
 * length-bucketed batches of sentences from all rows of a batch; Viterbi decoding runs in TypeScript with the
 * CRF transitions shipped in the model's manifest. Output: one `named_entity` annotation per token (BIO tag).
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface MedicalNerModel extends Accessors<Omit<MedicalNerParams, keyof StageParams>, MedicalNerModel, "getClasses" | "getStorageRef" | "setConfigProtoBytes" | "setMinProba"> {}

export class MedicalNerModel extends AnnotatorModel<MedicalNerParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT, AnnotatorType.TOKEN, AnnotatorType.WORD_EMBEDDINGS];
  readonly outputAnnotatorType = AnnotatorType.NAMED_ENTITY;
  private runtimeValue: NerRuntime | undefined;

  constructor(options?: Partial<MedicalNerParams>) {
    super(SPECS, options, UNSUPPORTED);
  }
  get stageName(): string {
    return "MedicalNerModel";
  }
  get packageName(): string {
    return PACKAGE;
  }

  /** Loads a Kindling NER model directory (manifest.json + model.onnx); errors name the path. */
  static async load(dir: string, options?: Partial<MedicalNerParams>): Promise<MedicalNerModel> {
    const model = new MedicalNerModel(options);
    await model.loadRuntime(dir);
    return model;
  }

  /** Spark's `pretrained(name, lang, remoteLoc)`, resolved offline from the models Kindling ships. */
  static async pretrained(name = "ner_clinical_open", lang = "en", remoteLoc = "clinical/models"): Promise<MedicalNerModel> {
    return MedicalNerModel.load(resolvePretrained(name, lang, remoteLoc));
  }

  private async loadRuntime(dir: string): Promise<void> {
    const manifest = await readManifest(dir);
    const bytes = await readVerifiedFile(dir, "model.onnx", manifest);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: this.get("numThreads"),
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
    } catch (e) {
      throw new NerModelError(join(dir, "model.onnx"), `ONNX Runtime cannot load the model: ${(e as Error).message}`);
    }
    this.runtimeValue = {
      dir,
      manifest,
      session,
      chars: new CharEncoder(manifest.charVocab, manifest.maxCharsPerToken),
      crf: new CrfDecoder(manifest.transitions, manifest.startTransitions, manifest.endTransitions),
    };
  }

  private get runtime(): NerRuntime {
    if (!this.runtimeValue) throw new PipelineWiringError(`${this.stageName}: no model loaded (use MedicalNerModel.load(dir) or pretrained())`);
    return this.runtimeValue;
  }

  /** The tags the model predicts (Spark's getClasses). */
  getClasses(): string[] {
    return [...this.runtime.manifest.tags];
  }
  /** The embeddings the model was trained with. */
  getStorageRef(): string {
    return this.runtime.manifest.embeddings.storageRef;
  }
  get manifest(): Readonly<NerManifest> {
    return this.runtime.manifest;
  }

  setConfigProtoBytes(_v: unknown): never {
    return this.unsupported("configProtoBytes");
  }
  setMinProba(_v: number): never {
    return this.unsupported("minProba");
  }

  /** Checks at fit time that the embeddings column comes from the vectors this model was trained on. */
  override transformSchema(schema: ColumnSchema): ColumnSchema {
    const [, , embeddingsCol] = this.resolveInputCols(schema);
    const kind = schema.get(embeddingsCol!);
    const expected = this.runtime.manifest.embeddings;
    const meta = kind?.kind === "annotations" ? kind.metadata : undefined;
    if (meta?.storageRef !== undefined && meta.storageRef !== expected.storageRef) {
      throw this.wiringError(`input column "${embeddingsCol}" holds embeddings "${meta.storageRef}", but this model was trained with "${expected.storageRef}" (use WordEmbeddingsModel.pretrained("${expected.storageRef}"))`);
    }
    if (meta?.dimension !== undefined && Number(meta.dimension) !== expected.dimension) {
      throw this.wiringError(`input column "${embeddingsCol}" holds ${meta.dimension}-d vectors, but this model takes ${expected.dimension}-d "${expected.storageRef}" vectors`);
    }
    return this.addOutput(schema, this.outputAnnotatorType);
  }

  async annotate(inputs: RowInputs): Promise<Annotation[]> {
    return (await this.annotateBatch([inputs]))[0]!;
  }

  override async annotateBatch(rows: readonly RowInputs[], rowOffset = 0): Promise<Annotation[][]> {
    const runtime = this.runtime;
    const jobs: SentenceJob[] = [];
    rows.forEach(([sentences, tokens, embeddings], r) => {
      try {
        for (const job of this.sentenceJobs(r, sentences!, tokens!, embeddings!)) jobs.push(job);
      } catch (e) {
        throw new NerModelError(`row ${rowOffset + r}`, (e as Error).message);
      }
    });
    const { maxTokens, overlap } = runtime.manifest.window;
    const segments: Segment[] = [];
    for (const job of jobs) {
      for (const w of inferenceWindows(job.tokens.length, maxTokens, overlap)) segments.push({ job, start: w.start, end: w.end, keepFrom: w.keepFrom, keepTo: w.keepTo });
    }
    // Similar lengths share a batch: padding is wasted work, and big batches are what ONNX Runtime runs fastest.
    segments.sort((a, b) => b.end - b.start - (a.end - a.start));
    const batchSize = this.get("batchSize");
    for (let i = 0; i < segments.length; i += batchSize) await this.runSegments(segments.slice(i, i + batchSize));

    const out: Annotation[][] = rows.map(() => []);
    for (const job of jobs) out[job.row]!.push(...this.decode(job));
    return out;
  }

  /** Groups a row's tokens by sentence and pairs each with its vector. */
  private *sentenceJobs(row: number, sentences: readonly Annotation[], tokens: readonly Annotation[], embeddings: readonly Annotation[]): Generator<SentenceJob> {
    const { dimension, storageRef } = this.runtime.manifest.embeddings;
    const k = this.runtime.manifest.tags.length;
    const vectors = alignVectors(tokens, embeddings);
    let t = 0;
    for (let s = 0; s < sentences.length && t < tokens.length; s++) {
      const sentence = sentences[s]!;
      const from = t;
      while (t < tokens.length && tokens[t]!.begin <= sentence.end) t++;
      if (t === from) continue;
      const own = vectors.slice(from, t);
      for (let i = 0; i < own.length; i++) {
        const v = own[i]!;
        if (v.length === 0) throw new Error(`token "${tokens[from + i]!.result}" has no vector: the embeddings column carries none (written to Arrow without includeEmbeddings?)`);
        if (v.length !== dimension) throw new Error(`token "${tokens[from + i]!.result}" has a ${v.length}-d vector, but this model takes ${dimension}-d "${storageRef}" vectors`);
      }
      const n = t - from;
      yield { row, index: sentence.metadata.sentence ?? String(s), tokens: tokens.slice(from, t), vectors: own, emissions: new Float32Array(n * k) };
    }
    if (t < tokens.length) {
      // Tokens past the last sentence (inputs not from a SentenceDetector): tag them as one more sentence.
      const n = tokens.length - t;
      yield { row, index: String(sentences.length), tokens: tokens.slice(t), vectors: vectors.slice(t), emissions: new Float32Array(n * k) };
    }
  }

  /** One ONNX Runtime call over segments of similar length; writes each kept emission row into its sentence. */
  private async runSegments(batch: readonly Segment[]): Promise<void> {
    const { session, chars, manifest } = this.runtime;
    const d = manifest.embeddings.dimension;
    const k = manifest.tags.length;
    const b = batch.length;
    const t = Math.max(...batch.map((s) => s.end - s.start));
    let c = 1;
    for (const s of batch) for (let i = s.start; i < s.end; i++) c = Math.max(c, chars.width(s.job.tokens[i]!.result));

    const vectors = new Float32Array(b * t * d);
    const charIds = new BigInt64Array(b * t * c);
    const charLow = new Int32Array(charIds.buffer); // low 32-bit words of the little-endian int64 ids
    const lengths = new BigInt64Array(b);
    batch.forEach((s, bi) => {
      lengths[bi] = BigInt(s.end - s.start);
      for (let i = s.start; i < s.end; i++) {
        const pos = bi * t + (i - s.start);
        vectors.set(s.job.vectors[i]!, pos * d);
        chars.encodeInto(s.job.tokens[i]!.result, charLow, pos * c * 2, 2);
      }
    });
    const feeds = {
      word_vectors: new ort.Tensor("float32", vectors, [b, t, d]),
      char_ids: new ort.Tensor("int64", charIds, [b, t, c]),
      lengths: new ort.Tensor("int64", lengths, [b]),
    };
    const result = await session.run(feeds);
    const emissions = result.emissions!.data as Float32Array;
    batch.forEach((s, bi) => {
      const from = (bi * t + (s.keepFrom - s.start)) * k;
      s.job.emissions.set(emissions.subarray(from, from + (s.keepTo - s.keepFrom) * k), s.keepFrom * k);
    });
  }

  private decode(job: SentenceJob): Annotation[] {
    const { crf, manifest } = this.runtime;
    const n = job.tokens.length;
    const k = manifest.tags.length;
    const path = crf.viterbi(job.emissions, n);
    const withConfidence = this.get("includeConfidence") || this.get("includeAllConfidenceScores");
    const marginals = withConfidence ? crf.marginals(job.emissions, n) : undefined;
    const tags = this.casedTags();
    const out: Annotation[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const token = job.tokens[i]!;
      const metadata: Record<string, string> = { word: token.result, sentence: job.index };
      if (marginals) {
        if (this.get("includeConfidence")) metadata.confidence = marginals[i * k + path[i]!]!.toFixed(4);
        if (this.get("includeAllConfidenceScores")) for (let j = 0; j < k; j++) metadata[tags[j]!] = marginals[i * k + j]!.toFixed(4);
      }
      out[i] = makeAnnotation(AnnotatorType.NAMED_ENTITY, token.begin, token.end, tags[path[i]!]!, metadata);
    }
    return out;
  }

  private casedTags(): string[] {
    const casing = this.get("labelCasing");
    const tags = this.runtime.manifest.tags;
    return casing === "lower" ? tags.map((t) => t.toLowerCase()) : casing === "upper" ? tags.map((t) => t.toUpperCase()) : tags;
  }

  override async saveArtifacts(dir: string): Promise<void> {
    const { dir: from, manifest } = this.runtime;
    await mkdir(dir, { recursive: true });
    await copyFile(join(from, "model.onnx"), join(dir, "model.onnx"));
    await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
  }

  /** Used by the stage registry to rebuild a saved stage. */
  static async fromSaved(params: Partial<MedicalNerParams>, dir: string): Promise<MedicalNerModel> {
    return MedicalNerModel.load(dir, params);
  }
}

defineAccessors(MedicalNerModel, Object.keys(SPECS));

/** The vector of each token: embeddings annotations usually align 1:1 with tokens; otherwise match by offsets. */
function alignVectors(tokens: readonly Annotation[], embeddings: readonly Annotation[]): Float32Array[] {
  if (embeddings.length === tokens.length && embeddings.every((e, i) => e.begin === tokens[i]!.begin)) return embeddings.map((e) => e.embeddings);
  const byBegin = new Map(embeddings.map((e) => [e.begin, e.embeddings]));
  return tokens.map((t) => {
    const v = byBegin.get(t.begin);
    if (!v) throw new Error(`token "${t.result}" at ${t.begin} has no word_embeddings annotation`);
    return v;
  });
}
