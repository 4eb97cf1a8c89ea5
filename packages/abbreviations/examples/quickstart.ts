import { AbbreviationPropagator } from "@kindling/abbreviations";
import { LightPipeline, Pipeline } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

// The model card's pipeline with one more stage between the tagger and the converter.
const pipeline = await new Pipeline([
  new DocumentAssembler().setInputCol("text").setOutputCol("document"),
  new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
  new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  (await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models")).setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
  (await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models")).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
  new AbbreviationPropagator().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_abbr"),
  new NerConverter().setInputCols(["sentence", "token", "ner_abbr"]).setOutputCol("ner_chunk"),
]).fit();

const text =
  "Two days after the angiogram she developed contrast-induced nephropathy (CIN) and was admitted. " +
  "Her creatinine peaked on day four. CIN resolved with intravenous fluids.";
const result = await new LightPipeline(pipeline).fullAnnotate(text);
for (const chunk of result.ner_chunk!) {
  const from = result.ner_abbr!.find((t) => t.begin === chunk.begin)?.metadata.abbreviationOf;
  console.log(`${chunk.begin}-${chunk.end} ${JSON.stringify(chunk.result)} ${chunk.metadata.entity}${from ? ` (abbreviation of "${from}")` : ""}`);
}
