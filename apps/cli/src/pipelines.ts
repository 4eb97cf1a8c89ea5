import { Pipeline, type PipelineModel } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

/** The pipelines `kindling annotate --pipeline` can run. */
export const PIPELINE_NAMES = ["ner", "tokens"] as const;
export type PipelineName = (typeof PIPELINE_NAMES)[number];

/** The column every pipeline reads its text from (the CLI maps the user's column onto it). */
export const TEXT_COL = "text";

function ruleBasedStages(textCol: string) {
  return [
    new DocumentAssembler().setInputCol(textCol).setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  ];
}

/** DocumentAssembler → SentenceDetector → Tokenizer, with the model card's column names. */
export async function ruleBasedPipeline(textCol = TEXT_COL): Promise<PipelineModel> {
  return new Pipeline(ruleBasedStages(textCol)).fit();
}

/**
 * The model card's pipeline with Kindling's shipped open models: the rule-based stages, then
 * WordEmbeddingsModel → MedicalNerModel (with per-token confidence) → NerConverter into `ner_chunk`.
 */
export async function nerPipeline(textCol = TEXT_COL, options: { intraOpThreads?: number } = {}): Promise<PipelineModel> {
  const embeddings = await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models");
  const ner = await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models");
  return new Pipeline([
    ...ruleBasedStages(textCol),
    embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
    (options.intraOpThreads === undefined ? ner : ner.setIntraOpThreads(options.intraOpThreads)).setIncludeConfidence(true).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
    new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"),
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
