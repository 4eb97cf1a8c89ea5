import { Pipeline } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { LightPipeline } from "@kindling/core";

const model = await new Pipeline([
  new DocumentAssembler().setInputCol("text").setOutputCol("document"),
  new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
  new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  (await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models")).setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
  (await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models")).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner").setIncludeConfidence(true),
  new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"),
]).fit();

const text = "She denies chest pain. We will order an echocardiogram and start lisinopril.";
const result = await new LightPipeline(model).fullAnnotate(text);
for (const c of result.ner_chunk!) console.log(c.result, c.begin, c.end, c.metadata.entity, c.metadata.confidence);
