// docs/benchmarks/pipeline.md from the results of benchPipeline().
import { fmt } from "./report.mjs";
import { GOALS } from "./pipeline.mjs";

const mark = (ok) => (ok ? "✓" : "✗");
const mb = (x) => (x === null || x === undefined ? "n/a" : `${fmt(x)} MB`);
const configName = (workers, threads) => `${workers} worker${workers > 1 ? "s" : ""} × ${threads} intra-op thread${threads > 1 ? "s" : ""}`;

function goalsTable(r) {
  const g = r.goals;
  return `| goal | target | measured | met |
|---|---|---:|:-:|
| end-to-end throughput | ≥ ${fmt(GOALS.e2e_tokens_per_s)} tokens/s | ${fmt(r.full.tokens_per_s)} tokens/s | ${mark(g.e2e_tokens_per_s)} |
| speed vs the PyTorch peer | ≥ ${GOALS.speedup_vs_peer}× | ${fmt(r.speedup, 2)}× | ${mark(g.speedup_vs_peer)} |
| peak RSS (1× and ${r.large_repeat}×) | < ${fmt(GOALS.peak_rss_mb)} MB | ${mb(r.peak_rss_mb)} | ${mark(g.peak_rss_mb)} |
| peak RSS growth, ${r.large_repeat}× / 1× input | < ${GOALS.rss_growth_10x}× | ${fmt(r.rss_growth, 2)}× | ${mark(g.rss_growth_10x)} |`;
}

function endToEndTable(r) {
  const row = (name, x) =>
    `| ${name} | ${fmt(x.notes)} | ${fmt(x.whitespace_tokens)} | **${fmt(x.tokens_per_s)}** | ${fmt(x.notes_per_s, 1)} | ${fmt(x.ms / 1000, 1)} | ${fmt(x.chunks)} | ${mb(x.max_rss_mb)} | ${mb(x.proc_peak_rss_mb)} | ${fmt(x.load_ms)} |`;
  return `| input | notes | tokens | tokens/s | notes/s | wall s | chunks | peak RSS (child) | peak RSS (/proc) | load ms |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${row("MTSamples 1×", r.full)}
${row(`MTSamples ${r.large_repeat}×, streamed`, r.large)}`;
}

function trialsTable(r) {
  const rows = Object.values(r.trials).map((t) => {
    const chosen = t.workers === r.best.workers && t.intra_op_threads === r.best.threads ? " **(chosen)**" : "";
    return `| ${configName(t.workers, t.intra_op_threads)}${chosen} | ${t.mode} | ${fmt(t.tokens_per_s)} | ${fmt(t.notes_per_s, 1)} | ${mb(t.max_rss_mb)} | ${fmt(t.load_ms)} |`;
  });
  return `| configuration | runs on | tokens/s | notes/s | peak RSS | load ms |
|---|---|---:|---:|---:|---:|
${rows.join("\n")}`;
}

function stagesTable(r) {
  const stages = r.full.stage_ms;
  if (!stages) return "The chosen configuration reports no per-stage times.";
  const total = Object.values(stages).reduce((a, b) => a + b, 0);
  const rows = Object.entries(stages).map(([s, ms]) => `| ${s} | ${fmt(ms)} | ${fmt((100 * ms) / total, 1)}% |`);
  const summed = r.best.workers > 1 ? ` Times are summed over the ${r.best.workers} workers, so they add up to more than the wall time.` : "";
  const other = r.best.workers === 1 ? `\n| (outside the stages: input batches, chunk counting) | ${fmt(r.full.ms - total)} | |` : "";
  return `Stage wall time over the 1× run (\`StageTimings\`; \`arrow-encode\` is the encoding of the output columns).${summed}

| stage | ms | share |
|---|---:|---:|
${rows.join("\n")}${other}`;
}

function peerSection(r) {
  const p = r.peer;
  const trial = Object.entries(p.trial_model_tokens_per_s_by_threads)
    .map(([t, rate]) => `${t} thread${t === "1" ? "" : "s"}: ${fmt(rate)}`)
    .join(", ");
  return `The PyTorch model of \`tools/train\` (\`Tagger\` + CRF) with the shipped weights, rebuilt from \`model.onnx\` and
\`manifest.json\` (the training checkpoint is not shipped; \`tools/train/tests/test_peer_bench.py\` checks that the
rebuilt emissions equal ONNX Runtime's within 1e-4 and that its tags equal \`tools/train/infer_onnx.py\`'s), under
\`torch.inference_mode()\`. Input: Kindling's own sentences and tokens of the same notes (${fmt(p.sentences)} sentences,
${fmt(p.model_tokens)} tokens), pre-tokenised; same batches as MedicalNerModel (${fmt(r.batch_rows)} notes per group,
128-token windows, ${r.batching === "width" ? "grouped by the width class of the widest token, then by length" : "sorted by length"},
${r.batch_size} per call).

| | PyTorch peer | Kindling |
|---|---:|---:|
| tokens/s (whitespace tokens of the input) | ${fmt(p.tokens_per_s)} | ${fmt(r.full.tokens_per_s)} |
| timed | ${p.timed} | raw text → chunks, everything |
| wall s | ${fmt(p.ms / 1000, 1)} | ${fmt(r.full.ms / 1000, 1)} |
| threads | ${p.threads} (PyTorch intra-op) | ${configName(r.best.workers, r.best.threads)} |
| chunks | ${fmt(p.chunks)} | ${fmt(r.full.chunks)} |
| peak RSS | ${mb(p.peak_rss_mb)} | ${mb(r.full.max_rss_mb)} |

Thread count: the faster on a trial over the first ${fmt(p.trial_notes)} notes (model tokens/s: ${trial}); the full
run then uses it. Not timed: reading the file, word → vector-row and character-id encoding, batch planning
(${fmt(p.prep_ms / 1000, 1)} s). Kindling also computes each token's confidence (CRF marginals), which the peer
does not. Chunk counts may differ slightly: emissions agree to ~1e-5, NerConverter and the peer's BIO count are
separate implementations. PyTorch ${p.torch}.`;
}

export function pipelineMarkdown(command, m, r) {
  return `# Pipeline benchmark: raw text → NER chunks

Command: \`${command}\` · ${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}

Input: MTSamples transcriptions (\`../shared/data/text/mtsamples\`), ${fmt(r.notes)} notes, ${fmt(r.whitespace_tokens)}
whitespace-separated tokens. Every rate counts those whitespace tokens, for Kindling and the peer alike.
Pipeline: the model card's, with the shipped open models: DocumentAssembler → SentenceDetector → Tokenizer →
WordEmbeddingsModel (\`embeddings_clinical_open\`) → MedicalNerModel (\`ner_clinical_open\`, with confidence) →
NerConverter. Model \`${r.model.path}\`, SHA-256 \`${r.model.sha256}\`.

## Goals

${goalsTable(r)}

## End to end

Chosen configuration: **${configName(r.best.workers, r.best.threads)}** (${r.full.mode}). Each row is a fresh child
process (\`tools/bench/pipeline-child.mjs\`) that reads the notes into memory, then, timed, streams them as Arrow
record batches of ${fmt(r.batch_rows)} notes through \`transformBatches\`, counts the chunks of each output batch and
drops it. The ${r.large_repeat}× run streams the same notes ${r.large_repeat} times; no output is kept. Model load: ${fmt(r.full.load_ms)} ms
(embeddings + ONNX Runtime session${r.best.workers > 1 ? ", in every worker" : ""}), not part of the wall time.
Peak RSS: the child's \`process.resourceUsage().maxRSS\` (worker threads included) and, from the parent, the
child's \`VmHWM\` polled every 100 ms.

${endToEndTable(r)}

## Workers × ONNX Runtime intra-op threads

Measured, not guessed: each configuration in its own fresh process on the first ${fmt(r.trial_notes)} notes; the
fastest runs the table above. More than one worker runs \`PipelinePool\` (worker_threads).

${trialsTable(r)}

## Per stage

${stagesTable(r)}

## PyTorch peer

${peerSection(r)}
`;
}
