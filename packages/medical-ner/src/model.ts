import { AnnotatorType, NO_EMBEDDINGS, type Annotation } from "@kindling/annotation";
import { type Accessors, AnnotatorModel, check, type ColumnSchema, defineAccessors, param, type ParamSpecs, PipelineWiringError, resolvePretrained, type RowInputs, type StageParams } from "@kindling/core";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { planBatches } from "./batches.js";
import { CharEncoder } from "./chars.js";
import { CONTEXTUAL_INPUTS, ContextualStringInputs } from "./contextual.js";
import { CrfDecoder } from "./crf.js";
import { FeedBuffers, type FeedSlot } from "./feeds.js";
import { NerModelError, readManifest, readVerifiedFile, type NerManifest } from "./manifest.js";
import { inferenceWindows } from "./windows.js";

export type LabelCasing = "" | "lower" | "upper";

export interface MedicalNerParams extends StageParams {
  /** Sentences (or windows of long sentences) per ONNX Runtime call, grouped by token width and length. */
  batchSize: number;
  includeConfidence: boolean;
  includeAllConfidenceScores: boolean;
  labelCasing: LabelCasing;
  /** ONNX Runtime intra-op threads (Spark NLP: spark.jsl.settings.onnx.intraOpNumThreads); 0 lets ONNX Runtime choose. */
  intraOpThreads: number;
  /** Multi-task head to tag with ("" = the model's main output); see `getHeads()`. */
  head: string;
}

const SPECS: ParamSpecs<MedicalNerParams> = {
  inputCols: param<string[]>(["sentence", "token", "embeddings"], "input columns: sentences, tokens, word embeddings"),
  outputCol: param("ner", "output column"),
  // 32: with one intra-op thread, batches of 8–64 cost ~10% less CPU than 256 (the LSTM's working set stays in
  // cache) and 25% less than 512; emissions are bit-identical in any batch of two or more (README, Performance).
  batchSize: param(32, "sentences per ONNX Runtime call; sentences are grouped by token width and length first", check.positiveInt),
  includeConfidence: param(false, "add each token's confidence (CRF marginal probability of its tag) to the metadata"),
  includeAllConfidenceScores: param(false, "add the marginal probability of every tag to the metadata"),
  labelCasing: param<LabelCasing>("", 'case of the output tags: "" as trained, "lower" or "upper"', check.oneOf<LabelCasing>("", "lower", "upper")),
  intraOpThreads: param(1, "ONNX Runtime intra-op threads per session (0: ONNX Runtime's default, one per physical core)", check.nonNegativeInt),
  head: param("", 'multi-task head to tag with: "" for the main (clinical) output, or a name from getHeads() (e.g. "ncbi" tags diseases in NCBI-disease\'s convention)'),
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
  configProtoBytes: "Kindling runs ONNX Runtime, not TensorFlow",
  useBestModel: "a training param: train with tools/train",
  minProba: "use NerConverterInternal's threshold on chunk confidence",
  inferenceBatchSize: "use batchSize",
};

const PACKAGE = "@kindling/medical-ner";

/** Options as earlier versions took them: `numThreads` was renamed `intraOpThreads`. */
export type MedicalNerOptions = Partial<MedicalNerParams> & { /** @deprecated use intraOpThreads */ numThreads?: number };

/** Everything loaded from a model directory. */
interface NerRuntime {
  dir: string;
  manifest: NerManifest;
  /** model.onnx, kept to build a new session when intraOpThreads changes. */
  modelBytes: Uint8Array;
  session: Promise<ort.InferenceSession>;
  sessionThreads: number;
  chars: CharEncoder;
  /** The character LMs' input builder of a contextual model. */
  contextual: ContextualStringInputs | undefined;
  /** CRF decoder of the main output ("") and of each head, built on first use. */
  decoders: Map<string, CrfDecoder>;
  /** Tensor buffers not in use by a batch in flight (one per concurrent annotateBatch call). */
  spareFeeds: FeedBuffers[];
}

/** One sentence of one row: a token range of the row, and where its emissions go in the batch's buffer. */
interface SentenceJob {
  row: number;
  /** metadata "sentence" of its tokens' annotations. */
  index: string;
  tokens: readonly Annotation[];
  vectors: readonly Float32Array[];
  from: number;
  length: number;
  /** First emission row (in tokens) of this sentence in the batch's emissions. */
  emissions: number;
  /** Characters of its widest token (at most maxChars): decides the batch it joins. */
  width: number;
}

/** A window of a sentence that runs through the network in one batch slot; its rows [keepFrom, keepTo) are kept. */
interface Segment extends FeedSlot {
  job: SentenceJob;
  keepFrom: number;
  keepTo: number;
  width: number;
}

/** Per-batch decoding settings and scratch. */
interface DecodeOptions {
  crf: CrfDecoder;
  tags: readonly string[];
  includeConfidence: boolean;
  includeAll: boolean;
  path: Int32Array;
  scores: Float64Array;
}

/**
 * Spark NLP's MedicalNerModel (NerDLModel): a BiLSTM-CNN-CRF tagger. The network runs on ONNX Runtime over
 * batches of similar sentences from all rows of a batch (planBatches); Viterbi decoding runs in TypeScript with the
 * CRF transitions shipped in the model's manifest. Output: one `named_entity` annotation per token (BIO tag).
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface MedicalNerModel extends Accessors<Omit<MedicalNerParams, keyof StageParams>, MedicalNerModel, "getClasses" | "getStorageRef" | "getHeads" | "setConfigProtoBytes" | "setMinProba" | "setNumThreads" | "getNumThreads"> {}

export class MedicalNerModel extends AnnotatorModel<MedicalNerParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT, AnnotatorType.TOKEN, AnnotatorType.WORD_EMBEDDINGS];
  readonly outputAnnotatorType = AnnotatorType.NAMED_ENTITY;
  private runtimeValue: NerRuntime | undefined;

  constructor(options?: MedicalNerOptions) {
    super(SPECS, renameLegacyOptions(options), UNSUPPORTED);
  }
  get stageName(): string {
    return "MedicalNerModel";
  }
  get packageName(): string {
    return PACKAGE;
  }

  /** Loads a Kindling NER model directory (manifest.json + model.onnx); errors name the path. */
  static async load(dir: string, options?: MedicalNerOptions): Promise<MedicalNerModel> {
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
    const modelBytes = await readVerifiedFile(dir, "model.onnx", manifest);
    const threads = this.get("intraOpThreads");
    const session = createSession(join(dir, "model.onnx"), modelBytes, threads);
    const inputs = (await session).inputNames; // a file ONNX Runtime cannot load fails here, at load time
    const lmInputs = CONTEXTUAL_INPUTS.filter((name) => inputs.includes(name));
    if (lmInputs.length !== (manifest.contextualStrings ? CONTEXTUAL_INPUTS.length : 0)) {
      throw new NerModelError(join(dir, "model.onnx"), manifest.contextualStrings ? `takes ${lmInputs.length ? lmInputs.join(", ") : "none"} of the character LM inputs the manifest's contextualStrings needs (${CONTEXTUAL_INPUTS.join(", ")})` : `takes character LM inputs (${lmInputs.join(", ")}) but the manifest has no contextualStrings`);
    }
    this.runtimeValue = {
      dir,
      manifest,
      modelBytes,
      session,
      sessionThreads: threads,
      chars: new CharEncoder(manifest.charVocab, manifest.maxCharsPerToken),
      contextual: manifest.contextualStrings && new ContextualStringInputs(manifest.contextualStrings),
      decoders: new Map([["", new CrfDecoder(manifest.transitions, manifest.startTransitions, manifest.endTransitions)]]),
      spareFeeds: [],
    };
    this.headScores(); // a head named in the options must exist
  }

  /**
   * The ONNX output, CRF decoder and tags of the current `head`; an unknown head fails naming the ones the model
   * has. A head with labels of its own (e.g. CHEMICAL) has its own tags; the others share the model's.
   */
  private headScores(): { output: string; crf: CrfDecoder; tags: readonly string[] } {
    const runtime = this.runtime;
    const name = this.get("head");
    if (name === "") return { output: "emissions", crf: runtime.decoders.get("")!, tags: runtime.manifest.tags };
    const head = runtime.manifest.heads?.[name];
    if (!head) {
      const known = Object.keys(runtime.manifest.heads ?? {});
      throw new NerModelError(runtime.dir, `has no head "${name}" (${known.length ? `heads: ${known.map((h) => `"${h}"`).join(", ")}` : "it has no multi-task heads"}; "" is the main output)`);
    }
    let crf = runtime.decoders.get(name);
    if (!crf) runtime.decoders.set(name, (crf = new CrfDecoder(head.transitions, head.startTransitions, head.endTransitions)));
    return { output: head.output, crf, tags: head.tags ?? runtime.manifest.tags };
  }

  /** Names of the model's multi-task heads (setHead picks one; "" is the main output). */
  getHeads(): string[] {
    return Object.keys(this.runtime.manifest.heads ?? {});
  }

  /** The ONNX Runtime session for the current intraOpThreads (set after loading: a new session is built once). */
  private session(): Promise<ort.InferenceSession> {
    const runtime = this.runtime;
    const threads = this.get("intraOpThreads");
    if (runtime.sessionThreads !== threads) {
      runtime.session = createSession(join(runtime.dir, "model.onnx"), runtime.modelBytes, threads);
      runtime.sessionThreads = threads;
    }
    return runtime.session;
  }

  /** @deprecated renamed: use setIntraOpThreads. */
  setNumThreads(v: number): this {
    return this.set("intraOpThreads", v);
  }
  /** @deprecated renamed: use getIntraOpThreads. */
  getNumThreads(): number {
    return this.get("intraOpThreads");
  }

  private get runtime(): NerRuntime {
    if (!this.runtimeValue) throw new PipelineWiringError(`${this.stageName}: no model loaded (use MedicalNerModel.load(dir) or pretrained())`);
    return this.runtimeValue;
  }

  /** The tags the model predicts (Spark's getClasses): the current `head`'s. */
  getClasses(): string[] {
    return [...this.headScores().tags];
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

  /**
   * Tags all rows together: their sentences (windows of long ones) are grouped by the width of their widest token
   * and by length into batches of `batchSize` (planBatches), so padding stays small; then each sentence is decoded.
   */
  override async annotateBatch(rows: readonly RowInputs[], rowOffset = 0): Promise<Annotation[][]> {
    const runtime = this.runtime;
    const session = await this.session();
    const scores = this.headScores();
    const k = scores.tags.length;
    const jobs: SentenceJob[] = [];
    let tokenCount = 0;
    for (let r = 0; r < rows.length; r++) {
      const [sentences, tokens, embeddings] = rows[r]!;
      try {
        tokenCount = this.collectSentences(r, sentences!, tokens!, embeddings!, jobs, tokenCount);
      } catch (e) {
        throw new NerModelError(`row ${rowOffset + r}`, (e as Error).message);
      }
    }
    const emissions = new Float32Array(tokenCount * k);
    const { maxTokens, overlap } = runtime.manifest.window;
    const segments: Segment[] = [];
    for (const job of jobs) {
      const { tokens, vectors, width } = job;
      if (job.length <= maxTokens) segments.push({ job, tokens, vectors, from: job.from, length: job.length, keepFrom: 0, keepTo: job.length, width });
      else for (const w of inferenceWindows(job.length, maxTokens, overlap)) segments.push({ job, tokens, vectors, from: job.from + w.start, length: w.end - w.start, keepFrom: w.keepFrom - w.start, keepTo: w.keepTo - w.start, width });
    }
    const feeds = runtime.spareFeeds.pop() ?? new FeedBuffers(runtime.chars, runtime.manifest.embeddings.dimension, runtime.contextual);
    try {
      for (const batch of planBatches(segments, this.get("batchSize"), runtime.chars.maxChars)) await this.runSegments(session, scores.output, k, feeds, batch, emissions);
    } finally {
      runtime.spareFeeds.push(feeds);
    }

    // Jobs are in row and token order, so pushing builds each row's annotations in token order.
    const out: Annotation[][] = rows.map(() => []);
    const options = this.decodeOptions(scores.crf, scores.tags);
    for (const job of jobs) this.decode(job, emissions, options, out[job.row]!);
    return out;
  }

  /** Appends a row's sentences to `jobs` (token ranges, no copies); returns the running token count. */
  private collectSentences(row: number, sentences: readonly Annotation[], tokens: readonly Annotation[], embeddings: readonly Annotation[], jobs: SentenceJob[], tokenCount: number): number {
    const { dimension, storageRef } = this.runtime.manifest.embeddings;
    const vectors = alignVectors(tokens, embeddings);
    for (let i = 0; i < vectors.length; i++) {
      const v = vectors[i]!;
      if (v.length === dimension) continue;
      if (v.length === 0) throw new Error(`token "${tokens[i]!.result}" has no vector: the embeddings column carries none (written to Arrow without includeEmbeddings?)`);
      throw new Error(`token "${tokens[i]!.result}" has a ${v.length}-d vector, but this model takes ${dimension}-d "${storageRef}" vectors`);
    }
    const maxChars = this.runtime.chars.maxChars;
    const push = (index: string, from: number, to: number) => {
      // UTF-16 length: exact for the usual tokens, an overestimate with surrogate pairs; it only picks a batch.
      let width = 1;
      for (let i = from; i < to; i++) width = Math.max(width, Math.min(tokens[i]!.result.length, maxChars));
      jobs.push({ row, index, tokens, vectors, from, length: to - from, emissions: tokenCount, width });
      tokenCount += to - from;
    };
    let t = 0;
    for (let s = 0; s < sentences.length && t < tokens.length; s++) {
      const sentence = sentences[s]!;
      const from = t;
      while (t < tokens.length && tokens[t]!.begin <= sentence.end) t++;
      if (t > from) push(sentence.metadata.sentence ?? String(s), from, t);
    }
    // Tokens past the last sentence (inputs not from a SentenceDetector): tag them as one more sentence.
    if (t < tokens.length) push(String(sentences.length), t, tokens.length);
    return tokenCount;
  }

  /** One ONNX Runtime call over segments of similar shape; copies each kept emission row to its sentence. */
  private async runSegments(session: ort.InferenceSession, output: string, k: number, feeds: FeedBuffers, batch: readonly Segment[], emissions: Float32Array): Promise<void> {
    // All outputs, then pick by name: onnxruntime-node keys a subset of fetches under the wrong output names
    // (microsoft/onnxruntime#26865). A head's extra output is a [B,T,K] linear layer: nothing to save by skipping it.
    const result = (await session.run(this.fillTensors(feeds, batch)))[output]!;
    const scores = result.data as Float32Array;
    const t = result.dims[1]!;
    if (result.dims[2] !== k) throw new NerModelError(this.runtime.dir, `output "${output}" scores ${result.dims[2]} tags per token, the manifest has ${k}`);
    for (let bi = 0; bi < batch.length; bi++) {
      const s = batch[bi]!;
      // A plain loop: a subarray view per segment would cost more than copying its few hundred floats.
      const from = (bi * t + s.keepFrom) * k;
      const to = (s.job.emissions + s.from - s.job.from + s.keepFrom) * k;
      const count = (s.keepTo - s.keepFrom) * k;
      for (let i = 0; i < count; i++) emissions[to + i] = scores[from + i]!;
    }
  }

  /** The batch's input tensors (its own method so bench/profile.mjs can time it). */
  private fillTensors(feeds: FeedBuffers, batch: readonly Segment[]): Record<string, ort.Tensor> {
    return feeds.fill(batch);
  }

  private decodeOptions(crf: CrfDecoder, tags: readonly string[]): DecodeOptions {
    return {
      crf,
      tags: this.casedTags(tags),
      includeConfidence: this.get("includeConfidence"),
      includeAll: this.get("includeAllConfidenceScores"),
      path: new Int32Array(0),
      scores: new Float64Array(0),
    };
  }

  /** Viterbi (and marginals when confidence is asked for) over one sentence; appends its annotations to `out`. */
  private decode(job: SentenceJob, emissions: Float32Array, options: DecodeOptions, out: Annotation[]): void {
    const { crf } = options;
    const k = crf.k;
    const n = job.length;
    if (options.path.length < n) {
      // Scratch for the batch's longest sentence, reused by every sentence of the batch.
      options.path = new Int32Array(Math.max(n, options.path.length * 2));
      options.scores = new Float64Array(options.path.length * k);
    }
    const path = crf.viterbi(emissions, n, options.path, job.emissions);
    const { tags, includeConfidence, includeAll, scores } = options;
    const { tokens, from, index } = job;
    if (includeAll) crf.marginals(emissions, n, scores, job.emissions);
    else if (includeConfidence) crf.pathMarginals(emissions, n, path, scores, job.emissions);
    for (let i = 0; i < n; i++) {
      const token = tokens[from + i]!;
      let metadata: Record<string, string>;
      if (includeAll) {
        metadata = includeConfidence ? { word: token.result, sentence: index, confidence: scores[i * k + path[i]!]!.toFixed(4) } : { word: token.result, sentence: index };
        for (let j = 0; j < k; j++) metadata[tags[j]!] = scores[i * k + j]!.toFixed(4);
      } else if (includeConfidence) {
        metadata = { word: token.result, sentence: index, confidence: scores[i]!.toFixed(4) };
      } else {
        metadata = { word: token.result, sentence: index };
      }
      // makeAnnotation's exact shape, allocated here: see docs/architecture.md on allocation sites.
      out.push({ annotatorType: AnnotatorType.NAMED_ENTITY, begin: token.begin, end: token.end, result: tags[path[i]!]!, metadata, embeddings: NO_EMBEDDINGS });
    }
  }

  private casedTags(tags: readonly string[]): readonly string[] {
    const casing = this.get("labelCasing");
    return casing === "lower" ? tags.map((t) => t.toLowerCase()) : casing === "upper" ? tags.map((t) => t.toUpperCase()) : tags;
  }

  override async saveArtifacts(dir: string): Promise<void> {
    const { dir: from, manifest } = this.runtime;
    await mkdir(dir, { recursive: true });
    await copyFile(join(from, "model.onnx"), join(dir, "model.onnx"));
    await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
  }

  /** Used by the stage registry to rebuild a saved stage (pipelines saved before the rename carry numThreads). */
  static async fromSaved(params: MedicalNerOptions, dir: string): Promise<MedicalNerModel> {
    return MedicalNerModel.load(dir, params);
  }
}

defineAccessors(MedicalNerModel, Object.keys(SPECS));

function renameLegacyOptions(options: MedicalNerOptions | undefined): Partial<MedicalNerParams> | undefined {
  if (options?.numThreads === undefined) return options;
  const { numThreads, ...rest } = options;
  return { intraOpThreads: numThreads, ...rest };
}

/** A session per model and thread count; options fixed for a BiLSTM (one chain of ops: nothing to run in parallel). */
async function createSession(path: string, bytes: Uint8Array, intraOpThreads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
  } catch (e) {
    throw new NerModelError(path, `ONNX Runtime cannot load the model: ${(e as Error).message}`);
  }
}

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
