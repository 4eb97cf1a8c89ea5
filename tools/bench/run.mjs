#!/usr/bin/env node
// `npm run bench`: runs the benchmark suites and writes JSON + markdown under docs/benchmarks/.
//   npm run bench [-- tokenization] [-- pipeline] [--trial-notes 1000] [--repeat 10]   (default: every suite)
import { parseArgs } from "node:util";
import { machine } from "./machine.mjs";
import { benchPipeline, pipelineJson } from "./pipeline.mjs";
import { pipelineMarkdown } from "./pipeline-report.mjs";
import { flatten, fmt, writeReport } from "./report.mjs";
import { benchTokenization } from "./tokenization.mjs";

const COMMAND = "npm run bench";

async function tokenization() {
  const m = machine();
  const r = await benchTokenization();
  writeReport("tokenization", flatten({ command: COMMAND, machine: m, ...r }), tokenizationMarkdown(m, r));
  console.log(`tokenization: kindling ${fmt(r.kindling.tokens_per_s)} tokens/s, wink-nlp ${fmt(r.wink.tokens_per_s)} tokens/s`);
}

function tokenizationMarkdown(m, r) {
  const b = r.maccrobat_boundaries;
  const row = (name, x) => `| ${name} | ${fmt(x.tokens_per_s)} | ${fmt(x.ms)} | ${fmt(x.sentences)} | ${fmt(x.tokens)} |`;
  const f1 = (name, x) => `| ${name} | ${fmt(x.precision, 4)} | ${fmt(x.recall, 4)} | ${fmt(x.f1, 4)} |`;
  const stages = Object.entries(r.arrow.stage_ms).map(([s, ms]) => `| ${s} | ${fmt(ms)} |`).join("\n");
  return `# Sentence and token benchmark

Command: \`${COMMAND}\` · ${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}

Input: MTSamples transcriptions (\`../shared/data/text/mtsamples\`), ${fmt(r.notes)} notes, ${fmt(r.whitespace_tokens)}
whitespace-separated tokens. Rates count those whitespace tokens, so both tools are measured in the same unit.
Best of 3 runs after a warm-up, in one process.

## Throughput: sentences + tokens

| tool | tokens/s | ms | sentences | tokens produced |
|---|---:|---:|---:|---:|
${row("Kindling (DocumentAssembler → SentenceDetector → Tokenizer)", r.kindling)}
${row("wink-nlp (readDoc, sbd only)", r.wink)}

Kindling / wink-nlp: **${fmt(r.kindling.tokens_per_s / r.wink.tokens_per_s, 2)}×**.

## Through Arrow

The same three stages over an Arrow table (\`PipelineModel.transform\`), encoding timed as its own stage:
${fmt(r.arrow.tokens_per_s)} tokens/s end to end.

| stage | ms |
|---|---:|
${stages}

## Sentence boundaries on MACCROBAT

${fmt(b.documents)} case reports, one sentence per line; each document's lines are joined with one space and split
again. A boundary is a sentence end other than the document's last (${fmt(b.kindling.boundaries)} boundaries).

| tool | precision | recall | F1 |
|---|---:|---:|---:|
${f1("Kindling SentenceDetector", b.kindling)}
${f1("wink-nlp", b.wink)}
`;
}

async function pipeline(options) {
  const m = machine();
  const r = await benchPipeline(options);
  writeReport("pipeline", pipelineJson(COMMAND, m, r, flatten), pipelineMarkdown(COMMAND, m, r));
  console.log(
    `pipeline: kindling ${fmt(r.full.tokens_per_s)} tokens/s end to end (${r.best.workers} worker(s) × ${r.best.threads} thread(s)), ` +
      `PyTorch peer ${fmt(r.peer.tokens_per_s)} tokens/s, peak RSS ${fmt(r.full.max_rss_mb)} MB → ${fmt(r.large.max_rss_mb)} MB at ${r.large_repeat}×`,
  );
}

const SUITES = { tokenization, pipeline };
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "trial-notes": { type: "string", default: "1000" }, repeat: { type: "string", default: "10" } },
});
const unknown = positionals.filter((p) => !(p in SUITES));
if (unknown.length > 0) throw new Error(`unknown benchmark suite(s) ${unknown.join(", ")}; known: ${Object.keys(SUITES).join(", ")}`);
function positiveInt(flag) {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got "${values[flag]}"`);
  return n;
}
const pipelineOptions = { trialNotes: positiveInt("trial-notes"), largeRepeat: positiveInt("repeat") };
for (const name of positionals.length > 0 ? positionals : Object.keys(SUITES)) await SUITES[name](pipelineOptions);
