#!/usr/bin/env node
// Parity of Kindling's TypeScript runtime with the trainer: tags every sentence of a CoNLL file through
// WordEmbeddingsModel + MedicalNerModel (sentences of mixed lengths batched together, as in production) and
// compares the tags with a reference prediction file written by tools/train (PyTorch or ONNX Runtime in Python).
//   node tools/parity/parity.mjs --reference tools/out/runs/mix/export/aci-dev.pred.conll \
//     [--conll tools/out/conll/aci-dev.dev.conll] [--model models/ner_clinical_open] [--embeddings models/embeddings_clinical_open]
//     [--onnx model.fp16.onnx] [--out docs/benchmarks/parity.json]
import { AnnotatorType, makeAnnotation } from "@kindling/annotation";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { bioToChunks, evaluateChunks, MICRO, readConllSentences } from "@kindling/training";
import { Command } from "commander";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const options = new Command("parity")
  .requiredOption("--reference <conll>", "reference predictions (same sentences and tokens)")
  .option("--conll <path>", "gold CoNLL", "tools/out/conll/aci-dev.dev.conll")
  .option("--model <dir>", "Kindling NER model directory", "models/ner_clinical_open")
  .option("--embeddings <dir>", "Kindling embeddings directory", "models/embeddings_clinical_open")
  .option("--onnx <file>", "ONNX file inside the model directory to use (e.g. model.fp16.onnx)")
  .option("--rows <n>", "sentences per row: rows mix sentences of different lengths", "7")
  .option("--out <json>", "write the figures here")
  .parse()
  .opts();

const LABELS = ["PROBLEM", "TEST", "TREATMENT"];
const gold = await readConllSentences(options.conll);
const reference = await readConllSentences(options.reference);
if (reference.length !== gold.length) throw new Error(`${options.reference} has ${reference.length} sentences, ${options.conll} has ${gold.length}`);

let modelDir = options.model;
let scratch;
if (options.onnx) {
  // Same manifest, another network file (its checksum is not in the manifest's files entry for model.onnx).
  scratch = await mkdtemp(join(tmpdir(), "kindling-parity-"));
  const manifest = JSON.parse(await readFile(join(options.model, "manifest.json"), "utf8"));
  delete manifest.files["model.onnx"];
  await writeFile(join(scratch, "manifest.json"), JSON.stringify(manifest));
  await copyFile(join(options.model, options.onnx), join(scratch, "model.onnx"));
  modelDir = scratch;
}
const embeddings = await WordEmbeddingsModel.load(options.embeddings);
const ner = await MedicalNerModel.load(modelDir);

// Each sentence becomes a row's sentence with tokens at offsets of the space-joined text.
const perRow = Number(options.rows);
const rows = [];
for (let i = 0; i < gold.length; i += perRow) {
  const sentences = [];
  const tokens = [];
  let offset = 0;
  gold.slice(i, i + perRow).forEach((s, k) => {
    const text = s.tokens.join(" ");
    sentences.push(makeAnnotation(AnnotatorType.DOCUMENT, offset, offset + text.length - 1, text, { sentence: String(k) }));
    for (const t of s.tokens) {
      tokens.push(makeAnnotation(AnnotatorType.TOKEN, offset, offset + t.length - 1, t, { sentence: String(k) }));
      offset += t.length + 1;
    }
  });
  rows.push([sentences, tokens, embeddings.annotate([sentences, tokens])]);
}
const started = performance.now();
const tagged = await ner.annotateBatch(rows);
const ms = performance.now() - started;
const predicted = [];
for (let r = 0; r < rows.length; r++) {
  let t = 0;
  for (const s of gold.slice(r * perRow, r * perRow + perRow)) {
    predicted.push(tagged[r].slice(t, t + s.tokens.length).map((a) => a.result));
    t += s.tokens.length;
  }
}

let same = 0;
let total = 0;
let sentencesIdentical = 0;
predicted.forEach((tags, i) => {
  let all = true;
  tags.forEach((tag, j) => {
    total++;
    if (tag === reference[i].tags[j]) same++;
    else all = false;
  });
  if (all) sentencesIdentical++;
});
const f1 = (tagLists) =>
  evaluateChunks(
    gold.flatMap((s, i) => bioToChunks(s.tags, i)),
    tagLists.flatMap((tags, i) => bioToChunks(tags, i)),
    LABELS,
  ).strict[MICRO].f1;
const result = {
  conll: options.conll,
  reference: options.reference,
  onnx: options.onnx ?? "model.onnx",
  sentences: gold.length,
  tokens: total,
  token_agreement: same / total,
  sentences_identical: sentencesIdentical,
  strict_f1_kindling: f1(predicted),
  strict_f1_reference: f1(reference.map((s) => s.tags)),
  tagging_ms: Math.round(ms),
};
console.log(JSON.stringify(result, null, 2));
if (options.out) await writeFile(options.out, JSON.stringify(result, null, 2) + "\n");
if (scratch) await rm(scratch, { recursive: true, force: true });
