// The model card's pipeline with Kindling's shipped open models, as `kindling annotate --pipeline ner` builds it
// (apps/cli/src/pipelines.ts nerPipeline(), which the CLI does not export). It is also the factory module that
// PipelinePool workers import.
import { Pipeline, resolvePretrained } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

/** Whether this build of MedicalNerModel lets the caller choose ONNX Runtime's intra-op threads. */
export const hasIntraOpParam = typeof MedicalNerModel.prototype.setNumThreads === "function";

async function nerModel(intraOpThreads) {
  // The session is created at load time, so the thread count goes in with the load, not through a later setter.
  const options = intraOpThreads !== undefined && hasIntraOpParam ? { numThreads: intraOpThreads } : undefined;
  return MedicalNerModel.load(resolvePretrained("ner_clinical_open", "en", "clinical/models"), options);
}

/**
 * DocumentAssembler → SentenceDetector → Tokenizer → WordEmbeddingsModel → MedicalNerModel (with confidence) →
 * NerConverter, reading `text` and writing `ner_chunk`. `intraOpThreads`: ONNX Runtime's intra-op threads, when
 * this MedicalNerModel has the param (otherwise ignored; see `hasIntraOpParam`).
 */
export async function createNerPipeline({ intraOpThreads } = {}) {
  const embeddings = await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models");
  const ner = await nerModel(intraOpThreads);
  return new Pipeline([
    new DocumentAssembler().setInputCol("text").setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
    embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
    ner.setIncludeConfidence(true).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
    new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"),
  ]).fit();
}

export default createNerPipeline;
