import { LightPipeline, Pipeline } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { overallCoverage, WordEmbeddingsModel } from "@kindling/embeddings";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

const embeddings = await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models");
const pipeline = await new Pipeline([
  new DocumentAssembler(),
  new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
  new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
]).fit();

const result = await new LightPipeline(pipeline, true).fullAnnotate("Started lisinopril for hypertension.");
for (const a of result.embeddings!) console.log(a.result.padEnd(13), a.metadata.isOOV, a.embeddings.length);
console.log(embeddings.getStorageRef(), embeddings.getDimension(), overallCoverage([result.embeddings!]).ratio);
