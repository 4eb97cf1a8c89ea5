import { LightPipeline, Pipeline, type PipelineModel } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { MedicalNerModel, type MedicalNerParams } from "../src/index.js";

/** The model card's pipeline with Kindling's shipped open models. */
export async function cardPipeline(ner: Partial<MedicalNerParams> = {}): Promise<PipelineModel> {
  return pipelineWith((await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models")).setAll(ner));
}

/** The model card's pipeline around a given tagger and vectors (default: the shipped embeddings). */
export async function pipelineWith(ner: MedicalNerModel, vectors?: WordEmbeddingsModel): Promise<PipelineModel> {
  const embeddings = vectors ?? (await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models"));
  return new Pipeline([
    new DocumentAssembler().setInputCol("text").setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
    embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
    ner.setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
    new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"),
  ]).fit();
}

export async function light(ner: Partial<MedicalNerParams> = {}): Promise<LightPipeline> {
  return new LightPipeline(await cardPipeline(ner));
}
