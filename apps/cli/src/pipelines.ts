import { AbbreviationPropagator } from "@kindling/abbreviations";
import { Pipeline, type PipelineModel } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { DEFAULT_SENTENCE_OPTIONS, SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The pipelines `kindling annotate --pipeline` can run. */
export const PIPELINE_NAMES = ["ner", "tokens"] as const;
export type PipelineName = (typeof PIPELINE_NAMES)[number];

/** The column every pipeline reads its text from (the CLI maps the user's column onto it). */
export const TEXT_COL = "text";

/**
 * Spark's SentenceDetector drops a sentence longer than `maxLength` (99,999 characters): a run-on note with no
 * sentence boundary would vanish without an error. Cutting such sentences at whitespace first keeps all of its
 * text; every shorter sentence is untouched, so the output is Spark's wherever Spark loses nothing.
 */
const KEEP_LONG_SENTENCES = DEFAULT_SENTENCE_OPTIONS.maxLength;

function ruleBasedStages(textCol: string) {
  return [
    new DocumentAssembler().setInputCol(textCol).setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence").setSplitLength(KEEP_LONG_SENTENCES),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  ];
}

/** DocumentAssembler → SentenceDetector → Tokenizer, with the model card's column names. */
export async function ruleBasedPipeline(textCol = TEXT_COL): Promise<PipelineModel> {
  return new Pipeline(ruleBasedStages(textCol)).fit();
}

/** Which tagger and vectors the ner pipeline runs (default: the shipped open models). */
export interface NerModelChoice {
  /** A Kindling NER model directory (manifest.json + model.onnx), e.g. one tools/train exported. */
  nerModel?: string;
  /** A kindling-embeddings directory; default: `<nerModel>/embeddings` if it exists, else the shipped vectors. */
  embeddings?: string;
  /** Multi-task head of the NER model to tag with. */
  head?: string;
  /** Run AbbreviationPropagator between the tagger and NerConverter: a long form's label passes to its short form. */
  abbreviations?: boolean;
}

export interface NerPipelineOptions extends NerModelChoice {
  intraOpThreads?: number;
}

/** True when the options ask for something other than the shipped models in the model card's pipeline. */
export function isCustomModel(choice: NerModelChoice): boolean {
  return choice.nerModel !== undefined || choice.embeddings !== undefined || choice.head !== undefined || choice.abbreviations === true;
}

/**
 * The model card's pipeline: the rule-based stages, then WordEmbeddingsModel → MedicalNerModel (with per-token
 * confidence) → [AbbreviationPropagator →] NerConverter into `ner_chunk`; Kindling's shipped open models unless the
 * options name others. Vectors that do not match the tagger fail at fit, naming both storageRefs.
 */
export async function nerPipeline(textCol = TEXT_COL, options: NerPipelineOptions = {}): Promise<PipelineModel> {
  const { nerModel, head, intraOpThreads, abbreviations } = options;
  const ner = nerModel === undefined ? await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models") : await MedicalNerModel.load(nerModel);
  const vectorsDir = options.embeddings ?? (nerModel !== undefined && existsSync(join(nerModel, "embeddings")) ? join(nerModel, "embeddings") : undefined);
  const embeddings = vectorsDir === undefined ? await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models") : await WordEmbeddingsModel.load(vectorsDir);
  if (intraOpThreads !== undefined) ner.setIntraOpThreads(intraOpThreads);
  if (head !== undefined) ner.setHead(head);
  return new Pipeline([
    ...ruleBasedStages(textCol),
    embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
    ner.setIncludeConfidence(true).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
    ...(abbreviations ? [new AbbreviationPropagator().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_abbr")] : []),
    new NerConverter().setInputCols(["sentence", "token", abbreviations ? "ner_abbr" : "ner"]).setOutputCol("ner_chunk"),
  ]).fit();
}

const loaded = new Map<PipelineName, Promise<PipelineModel>>();

/**
 * The named pipeline over the `text` column, built once per process: loading the embeddings and the ONNX session
 * dominates a short run, and every later `annotate` in the same process (tests, a future server) reuses them.
 */
export function loadPipeline(name: PipelineName): Promise<PipelineModel> {
  let model = loaded.get(name);
  if (!model) {
    model = name === "ner" ? nerPipeline() : ruleBasedPipeline();
    // A failed load (a missing model directory) must not be cached: the next call retries and reports it again.
    model.catch(() => loaded.delete(name));
    loaded.set(name, model);
  }
  return model;
}
