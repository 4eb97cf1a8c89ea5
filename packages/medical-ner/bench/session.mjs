#!/usr/bin/env node
// ONNX Runtime alone: captures the exact batches MedicalNerModel feeds the network for MTSamples notes, then
// replays them through sessions built with different options, interleaved (A B C A B C ...) so a busy machine
// slows every variant alike. Reports wall and process CPU time per variant, and whether its emissions are
// bit-identical to the first variant's. Build first: `cd /work/main && npx nx run-many -t build`.
//
//   node bench/session.mjs [--notes 300] [--repeat 3] [--set all|policies|options] [--policy NAME] [--fp16 PATH]
//
// `policies`: batching policies with one intra-op thread; `options`: session options (threads, spinning, arena,
// optimisation level, fp16 weights) on one policy (--policy, default "planBatches, 32", MedicalNerModel's
// default). --only REGEX keeps the variants whose name matches.
import { Pipeline, resolvePretrained } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
// One reader of the benchmark input for every script: the notes are exactly the pipeline benchmark's.
import { readMtsamples, whitespaceTokens } from "../../../tools/bench/data.mjs";
import { planBatches } from "../dist/batches.js";
import { MedicalNerModel } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    notes: { type: "string", default: "300" },
    repeat: { type: "string", default: "3" },
    fp16: { type: "string" },
    policy: { type: "string" },
    set: { type: "string", default: "all" },
    only: { type: "string" },
  },
});


// Capture every sentence (window) the model sends, one per call (batchSize 1), then rebuild batches per policy.
const sentences = [];
const originalRun = ort.InferenceSession.prototype.run;
ort.InferenceSession.prototype.run = function (feeds, ...rest) {
  const [, t, c] = feeds.char_ids.dims;
  sentences.push({ t, c, vectors: feeds.word_vectors.data.slice(), chars: feeds.char_ids.data.slice() });
  return originalRun.call(this, feeds, ...rest);
};
const dir = resolvePretrained("ner_clinical_open", "en", "clinical/models");
const notes = await readMtsamples(Number(opts.notes));
const model = await new Pipeline([
  new DocumentAssembler().setInputCol("text").setOutputCol("document"),
  new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
  new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  (await WordEmbeddingsModel.pretrained()).setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
  (await MedicalNerModel.load(dir, { batchSize: 1 })).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
]).fit();
const { LightPipeline } = await import("@kindling/core");
await new LightPipeline(model).annotate(notes);
ort.InferenceSession.prototype.run = originalRun;
sentences.sort((a, b) => b.t - a.t);
const tokens = sentences.reduce((n, s) => n + s.t, 0);
const D = 100;
const K = 7;

/** Feeds for a group of sentences, padded to the longest and to the widest token. */
function feedsOf(group) {
  const b = group.length;
  const t = Math.max(...group.map((s) => s.t));
  const c = Math.max(...group.map((s) => s.c));
  const vectors = new Float32Array(b * t * D);
  const chars = new BigInt64Array(b * t * c);
  const lengths = new BigInt64Array(b);
  group.forEach((s, i) => {
    lengths[i] = BigInt(s.t);
    vectors.set(s.vectors, i * t * D);
    for (let p = 0; p < s.t; p++) for (let k = 0; k < s.c; k++) chars[(i * t + p) * c + k] = s.chars[p * s.c + k];
  });
  return { word_vectors: new ort.Tensor("float32", vectors, [b, t, D]), char_ids: new ort.Tensor("int64", chars, [b, t, c]), lengths: new ort.Tensor("int64", lengths, [b]) };
}
/** The previous policy: the length-sorted sentences cut into batches of n. */
const byLength = (n) => {
  const out = [];
  for (let i = 0; i < sentences.length; i += n) out.push(sentences.slice(i, i + n));
  return out;
};
/** MedicalNerModel's policy (planBatches): width class of the widest token, then length. */
const planned = (n) => planBatches(sentences.map((s) => Object.assign(s, { length: s.t, width: s.c })), n, 20);
const policies = [
  ["by length, 256", byLength(256)], // the previous default: the reference every variant is compared with
  ["by length, 1", byLength(1)],
  ["by length, 8", byLength(8)],
  ["by length, 32", byLength(32)],
  ["by length, 64", byLength(64)],
  ["by length, 128", byLength(128)],
  ["by length, 512", byLength(512)],
  ["planBatches, 8", planned(8)],
  ["planBatches, 16", planned(16)],
  ["planBatches, 32", planned(32)], // the default now
  ["planBatches, 64", planned(64)],
  ["planBatches, 128", planned(128)],
  ["planBatches, 256", planned(256)],
];
console.log(`${notes.length} notes → ${sentences.length} sentences/windows, ${tokens} tokens`);
const charCells = sentences.reduce((n, s) => n + s.t * s.c, 0);
for (const [name, batches] of policies) {
  const slots = batches.reduce((n, g) => n + g.length * Math.max(...g.map((s) => s.t)), 0);
  const charSlots = batches.reduce((n, g) => n + g.length * Math.max(...g.map((s) => s.t)) * Math.max(...g.map((s) => s.c)), 0);
  console.log(`  ${name.padEnd(24)} ${String(batches.length).padStart(6)} calls, ${((slots / tokens - 1) * 100).toFixed(1)}% token padding, ${((charSlots / charCells - 1) * 100).toFixed(1)}% char-column padding`);
}

const fp32 = readFileSync(join(dir, "model.onnx"));
const base = { interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" };
const one = { ...base, intraOpNumThreads: 1 };
const variants = [];
if (opts.set !== "options") for (const [name, batches] of policies) variants.push([`${name}, 1 thread`, fp32, one, batches]);
const chosen = policies.find(([n]) => n === (opts.policy ?? "planBatches, 32"))[1];
if (opts.set !== "policies") variants.push(
  ["[policy] 1 thread", fp32, one, chosen],
  ["[policy] 2 threads", fp32, { ...base, intraOpNumThreads: 2 }, chosen],
  ["[policy] 2 threads, no spinning", fp32, { ...base, intraOpNumThreads: 2, extra: { session: { "intra_op.allow_spinning": "0" } } }, chosen],
  ["[policy] 1 thread, no arena/pattern", fp32, { ...one, enableCpuMemArena: false, enableMemPattern: false }, chosen],
  ["[policy] 1 thread, opt extended", fp32, { ...one, graphOptimizationLevel: "extended" }, chosen],
  ["[policy] 1 thread, opt basic", fp32, { ...one, graphOptimizationLevel: "basic" }, chosen],
);
if (opts.fp16 && opts.set !== "policies") variants.push(["[policy] 1 thread, fp16 weights", readFileSync(opts.fp16), one, chosen]);

const sessions = [];
for (const [name, bytes, options, batches] of variants.filter(([name]) => !opts.only || new RegExp(opts.only).test(name))) {
  sessions.push({ name, session: await ort.InferenceSession.create(bytes, options), feeds: batches.map(feedsOf), batches, wall: [], cpu: [] });
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Each sentence's emissions, keyed by the sentence object, to compare variants that batch differently. */
let reference;
for (let r = 0; r < Number(opts.repeat); r++) {
  for (const s of sessions) {
    const outputs = [];
    const w0 = performance.now();
    const c0 = cpuMs();
    for (const feeds of s.feeds) outputs.push((await s.session.run(feeds)).emissions);
    s.wall.push(performance.now() - w0);
    s.cpu.push(cpuMs() - c0);
    if (r > 0) continue;
    const bySentence = new Map();
    s.batches.forEach((group, bi) => {
      const [, t] = outputs[bi].dims;
      group.forEach((sent, i) => bySentence.set(sent, outputs[bi].data.subarray(i * t * K, (i * t + sent.t) * K)));
    });
    reference ??= bySentence;
    let maxDiff = 0;
    for (const [sent, e] of bySentence) {
      const ref = reference.get(sent);
      for (let j = 0; j < e.length; j++) maxDiff = Math.max(maxDiff, Math.abs(e[j] - ref[j]));
    }
    s.identical = maxDiff === 0 ? "bit-identical" : `max |Δ| ${maxDiff.toExponential(2)}`;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const s of sessions) {
  const wall = median(s.wall);
  console.log(`${s.name.padEnd(38)} wall ${wall.toFixed(0).padStart(6)} ms (${(tokens / wall * 1000).toFixed(0).padStart(7)} tokens/s)  cpu ${median(s.cpu).toFixed(0).padStart(6)} ms  ${s.identical}`);
}
