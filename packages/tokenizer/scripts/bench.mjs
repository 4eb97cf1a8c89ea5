// Tokenizer throughput on MTSamples (read from ../shared, never copied). Run after building: `npm run bench`.
// Sentences are cut naively (non-blank lines, then after ". ", "? " and "! "; the SentenceDetector is measured on
// its own), so this times the TokenizerModel alone: scanning plus building token annotations. Prints tokens/s;
// asserts nothing.
import { makeAnnotation } from "@kindling/annotation";
import { parse } from "csv-parse";
import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { tokenize, Tokenizer } from "../dist/index.js";

const MTSAMPLES = fileURLToPath(new URL("../../../../shared/data/text/mtsamples/mtsamples.csv.gz", import.meta.url));
const ROUNDS = 5;
const BATCH = 512;

async function readNotes() {
  const notes = [];
  const parser = createReadStream(MTSAMPLES).pipe(createGunzip()).pipe(parse({ columns: true, relax_quotes: true }));
  for await (const record of parser) if (typeof record.transcription === "string" && record.transcription.trim()) notes.push(record.transcription);
  return notes;
}

function naiveSentences(text) {
  const sentences = [];
  const re = /[^\r\n]+?(?:[.!?](?= )|(?=[\r\n])|$)/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[0].trim()) sentences.push(makeAnnotation("document", m.index, m.index + m[0].length - 1, m[0], { sentence: String(sentences.length) }));
  }
  return sentences;
}

function best(label, run) {
  run();
  let ms = Infinity;
  let tokens = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    tokens = run();
    ms = Math.min(ms, performance.now() - start);
  }
  const rate = (tokens / ms) * 1000;
  console.log(`${label.padEnd(44)} ${tokens.toLocaleString().padStart(10)} tokens  ${ms.toFixed(0).padStart(5)} ms  ${(rate / 1e6).toFixed(2)} M tokens/s`);
}

const notes = await readNotes();
const rows = notes.map((note) => [naiveSentences(note)]);
const sentenceCount = rows.reduce((n, [s]) => n + s.length, 0);
const chars = notes.reduce((n, t) => n + t.length, 0);
console.log(`${notes.length} notes, ${sentenceCount} sentences, ${(chars / 1e6).toFixed(1)} M chars, best of ${ROUNDS} rounds after a warm-up`);

for (const [label, tokenizer] of [
  ["TokenizerModel.annotate (defaults)", new Tokenizer()],
  ["TokenizerModel.annotate (no placeholders)", new Tokenizer().setPlaceholderPatterns([])],
  ["TokenizerModel.annotate (sparkCompatible)", Tokenizer.sparkCompatible()],
]) {
  const model = await tokenizer.fit();
  // Like AnnotatorModel.transformBatch: a batch's tokens stay alive until the batch is done.
  best(label, () => {
    let n = 0;
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH).map((row) => model.annotate(row));
      for (const tokens of batch) n += tokens.length;
    }
    return n;
  });
}
best("tokenize(note) (defaults, whole note)", () => {
  let n = 0;
  for (const note of notes) n += tokenize(note).length;
  return n;
});
