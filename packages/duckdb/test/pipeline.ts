// The model card's pipeline with Kindling's shipped open models, built once per test file.
import { Pipeline, type PipelineModel } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

let model: Promise<PipelineModel> | undefined;

export function nerPipeline(): Promise<PipelineModel> {
  model ??= (async () => {
    const embeddings = await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models");
    const ner = await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models");
    return new Pipeline([
      new DocumentAssembler().setInputCol("text").setOutputCol("document"),
      new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
      new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
      embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
      ner.setIncludeConfidence(true).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
      new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"),
    ]).fit();
  })();
  return model;
}
