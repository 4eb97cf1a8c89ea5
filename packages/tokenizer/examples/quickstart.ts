import { makeAnnotation } from "@kindling/annotation";
import { tokenize, Tokenizer } from "@kindling/tokenizer";

const text = "Mr. ABC, a 60-year-old, had mild-to-moderate (PDA) pain.\nLasix 40 mg p.o. b.i.d. per [** Name **], 30%.";
// Two sentences, as a SentenceDetector would leave them: offsets into the original text.
const second = text.indexOf("Lasix");
const sentences = [
  makeAnnotation("document", 0, second - 2, text.slice(0, second - 1), { sentence: "0" }),
  makeAnnotation("document", second, text.length - 1, text.slice(second), { sentence: "1" }),
];

const model = await new Tokenizer().setInputCols(["sentence"]).setOutputCol("token").fit();
const tokens = model.annotate([sentences]);
for (const t of tokens) console.log(`${String(t.begin).padStart(3)}-${String(t.end).padEnd(3)} s${t.metadata.sentence} ${t.result}`);

// Spark NLP's exact defaults: no abbreviation, initialism or placeholder handling.
const spark = await Tokenizer.sparkCompatible().setInputCols(["sentence"]).fit();
console.log(spark.annotate([sentences]).map((t) => t.result).join(" | "));

// Without a pipeline: tokens of text[begin..end] (end inclusive), offsets into text.
console.log(JSON.stringify(tokenize(text, second, second + 15)));
