import { makeAnnotation } from "@kindling/annotation";
import { NerConverter, NerConverterInternal } from "@kindling/ner-converter";

// One row as a NER model leaves it: a sentence, its tokens, and one IOB2 tag (+ confidence) per token.
const text = "Severe chest pain and dyspnea after a stress test.";
const sentence = makeAnnotation("document", 0, text.length - 1, text, { sentence: "0" });
const tokens = [...text.matchAll(/\w+|[^\w\s]/g)].map((m) => makeAnnotation("token", m.index, m.index + m[0].length - 1, m[0], { sentence: "0" }));
const tags = ["B-PROBLEM", "I-PROBLEM", "I-PROBLEM", "O", "B-PROBLEM", "O", "O", "B-TEST", "I-TEST", "O"];
const confidences = [0.99, 0.97, 0.98, 1, 0.62, 1, 1, 0.9, 0.85, 1];
const ner = tokens.map((t, i) => makeAnnotation("named_entity", t.begin, t.end, tags[i]!, { word: t.result, confidence: String(confidences[i]) }));

const show = (label: string, converter: NerConverter | NerConverterInternal) => {
  console.log(label);
  for (const c of converter.annotate([[sentence], tokens, ner])) console.log(`  ${c.begin}-${c.end} ${JSON.stringify(c.result)} ${JSON.stringify(c.metadata)}`);
};

show("NerConverter", new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"));
show("NerConverterInternal: threshold 0.7", new NerConverterInternal().setThreshold(0.7));
show('NerConverterInternal: same-label chunks merged across "and"', new NerConverterInternal().setIgnoreStopWords(["and"]));
show("NerConverterInternal: replaceLabels TEST -> PROCEDURE, whiteList PROCEDURE", new NerConverterInternal().setReplaceLabels({ TEST: "PROCEDURE" }).setWhiteList("PROCEDURE"));
