#!/usr/bin/env node
// Profiles the CLI's NER pipeline (apps/cli/src/pipelines.ts nerPipeline: the model card's stages, confidence on)
// over MTSamples notes, through Arrow like `PipelineModel.transform`, and breaks MedicalNerModel's time into its
// sub-steps by wrapping the methods that do them. Build first: `cd /work/main && npx nx run-many -t build`.
//
//   node bench/profile.mjs [--notes 1000] [--repeat 3] [--threads 1] [--batch-size 256] [--dist DIR] [--digest]
//
// --dist loads MedicalNerModel from another build (e.g. a copy of an older dist/, with a node_modules symlink to
// the repo's) so two versions run back to back on the same machine. --digest prints a SHA-256 of every token's
// tag and confidence: equal digests mean identical results.
import { Pipeline, resolvePretrained, StageTimings } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { tableFromArrays } from "apache-arrow";
import { createHash } from "node:crypto";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
// One reader of the benchmark input for every script: the notes are exactly the pipeline benchmark's.
import { readMtsamples, whitespaceTokens } from "../../../tools/bench/data.mjs";

const here = dirname(fileURLToPath(import.meta.url));

const { values: opts } = parseArgs({
  options: {
    notes: { type: "string", default: "1000" },
    repeat: { type: "string", default: "3" },
    threads: { type: "string" },
    "batch-size": { type: "string" },
    dist: { type: "string", default: join(here, "../dist") },
    digest: { type: "boolean", default: false },
  },
});

const { MedicalNerModel, CrfDecoder } = await import(pathToFileURL(join(resolve(opts.dist), "index.js")).href);



// ---- sub-step probes: wrap a method, book its (inclusive) time under a label ----
// Wall time and process CPU time: on a shared machine CPU time is the steadier measure of work done (with one
// intra-op thread ONNX Runtime computes on the calling thread, so the process's CPU time is this thread's).
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const spent = new Map();
const spentCpu = new Map();
const calls = new Map();
function probe(owner, method, label) {
  const original = owner[method];
  if (typeof original !== "function") return false;
  owner[method] = function (...args) {
    const start = performance.now();
    const startCpu = cpuMs();
    const book = () => {
      spent.set(label, (spent.get(label) ?? 0) + performance.now() - start);
      spentCpu.set(label, (spentCpu.get(label) ?? 0) + cpuMs() - startCpu);
      calls.set(label, (calls.get(label) ?? 0) + 1);
    };
    const out = original.apply(this, args);
    if (out && typeof out.then === "function") return out.finally(book);
    book();
    return out;
  };
  return true;
}

const ner = MedicalNerModel.prototype;
const probed = {
  annotateBatch: probe(ner, "annotateBatch", "annotateBatch"),
  // Tensor building + session.run + copying emissions back, per ONNX Runtime call.
  runSegments: probe(ner, "runSegments", "runSegments"),
  run: probe(ort.InferenceSession.prototype, "run", "session.run"),
  // Per sentence: Viterbi + marginals + its annotation objects.
  decode: probe(ner, "decode", "decode"),
  viterbi: probe(CrfDecoder.prototype, "viterbi", "viterbi"),
  marginals: probe(CrfDecoder.prototype, "marginals", "marginals"),
  // After the rewrite, includeConfidence alone computes only the predicted tag's marginal.
  pathMarginals: probe(CrfDecoder.prototype, "pathMarginals", "pathMarginals"),
  // Present after the rewrite only: the batch's input tensors.
  fill: probe(ner, "fillTensors", "fillTensors"),
};
for (const must of ["annotateBatch", "runSegments", "run", "decode", "viterbi", "marginals"]) {
  if (!probed[must]) throw new Error(`bench/profile.mjs: nothing to probe for "${must}": update the probes for the current MedicalNerModel`);
}

let digest = createHash("sha256");
if (opts.digest) {
  const original = ner.annotateBatch;
  ner.annotateBatch = async function (...args) {
    const out = await original.apply(this, args);
    for (const row of out) for (const a of row) digest.update(`${a.begin}\t${a.result}\t${a.metadata.confidence ?? ""}\n`);
    return out;
  };
}

// ---- the pipeline, as nerPipeline() builds it (MedicalNerModel.load instead of pretrained, to pass options) ----
async function pipeline() {
  const nerOptions = { includeConfidence: true };
  // Builds before the rename call the param numThreads.
  if (opts.threads !== undefined) nerOptions[typeof ner.setIntraOpThreads === "function" ? "intraOpThreads" : "numThreads"] = Number(opts.threads);
  if (opts["batch-size"] !== undefined) nerOptions.batchSize = Number(opts["batch-size"]);
  const embeddings = await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models");
  const model = await MedicalNerModel.load(resolvePretrained("ner_clinical_open", "en", "clinical/models"), nerOptions);
  return new Pipeline([
    new DocumentAssembler().setInputCol("text").setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
    embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
    model.setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
    new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"),
  ]).fit();
}

const notes = await readMtsamples(Number(opts.notes));
const tokens = whitespaceTokens(notes);
const table = tableFromArrays({ text: notes });
const model = await pipeline();
await model.transform(tableFromArrays({ text: notes.slice(0, 50) })); // warm-up: JIT, ORT arenas

/** MedicalNerModel's sub-steps from the probes' inclusive times (`book`: wall or CPU per label). */
function breakdown(book) {
  const ms = (label) => book.get(label) ?? 0;
  const marginals = ms("marginals") + ms("pathMarginals");
  return {
    "prepare (sentences, windows, batching)": ms("annotateBatch") - ms("runSegments") - ms("decode"),
    // Before fillTensors existed, runSegments minus session.run was tensor building plus the copy-back.
    "tensors (vectors, char ids)": probed.fill ? ms("fillTensors") : ms("runSegments") - ms("session.run"),
    "session.run": ms("session.run"),
    ...(probed.fill ? { "emissions copy-back": ms("runSegments") - ms("session.run") - ms("fillTensors") } : {}),
    viterbi: ms("viterbi"),
    "marginals (confidence)": marginals,
    "annotations (metadata, toFixed)": ms("decode") - ms("viterbi") - marginals,
  };
}

const fmt = (x, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(`${opts.dist} · ${notes.length} notes, ${fmt(tokens)} whitespace tokens · ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}`);
for (let r = 0; r < Number(opts.repeat); r++) {
  spent.clear();
  spentCpu.clear();
  calls.clear();
  digest = createHash("sha256");
  const timings = new StageTimings();
  const start = performance.now();
  const startCpu = cpuMs();
  await model.transform(table, { timings });
  const wall = performance.now() - start;
  const cpu = cpuMs() - startCpu;
  const stages = timings.toJSON();
  const sub = breakdown(spent);
  const subCpu = breakdown(spentCpu);
  console.log(`\nrun ${r + 1}: ${fmt(wall)} ms wall (${fmt(tokens / (wall / 1000))} tokens/s end to end), ${fmt(cpu)} ms CPU (${fmt(tokens / (cpu / 1000))} tokens/CPU-s); ${calls.get("session.run") ?? 0} session.run calls`);
  for (const [stage, t] of Object.entries(stages)) console.log(`  ${stage.padEnd(40)} ${fmt(t).padStart(8)} ms wall`);
  console.log(`  MedicalNerModel breakdown:${" ".repeat(23)}ms wall    ms CPU`);
  for (const [step, t] of Object.entries(sub)) console.log(`    ${step.padEnd(38)} ${fmt(t).padStart(8)}  ${fmt(subCpu[step]).padStart(8)}`);
  if (opts.digest) console.log(`  digest ${digest.digest("hex")}`);
}
