import { Pipeline, type PipelineModel } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

/** DocumentAssembler → SentenceDetector → Tokenizer, with the model card's column names. */
export async function ruleBasedPipeline(textCol = "text"): Promise<PipelineModel> {
  return new Pipeline([
    new DocumentAssembler().setInputCol(textCol).setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  ]).fit();
}
