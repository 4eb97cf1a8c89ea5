import { LightPipeline, Pipeline } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { detectSentences, SentenceDetector } from "@kindling/sentence";

const documentAssembler = new DocumentAssembler().setInputCol("text").setOutputCol("document");
const sentenceDetector = new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence");
const model = await new Pipeline([documentAssembler, sentenceDetector]).fit();

const note = [
  "HISTORY OF PRESENT ILLNESS:",
  "Mr. Smith is a 67 y.o. man seen by Dr. J. Jones at 9 a.m. for chest pain. Temp 98.6 F. He takes:",
  "1. Aspirin 81 mg p.o. q.d.",
  "- metoprolol 25 mg b.i.d.",
  "",
  "PLAN: ECG... Troponin?! Admit (see above.) Follow up with cardiology",
].join("\n");

const { sentence } = await new LightPipeline(model).fullAnnotate(note);
for (const s of sentence!) console.log(s.begin, s.end, JSON.stringify(s.result), JSON.stringify(s.metadata));

// The same rules without a pipeline: spans with an inclusive end, as in Spark.
const text = "Lasix 40 mg t.i.d. Stable. Plan: 1. echo 2. labs";
for (const { begin, end } of detectSentences(text)) console.log(begin, end, JSON.stringify(text.slice(begin, end + 1)));
