// End-to-end speed and memory of the NER pipeline (raw text → chunks) on MTSamples, against a PyTorch peer that tags
// the same sentences with the same weights (tools/train/peer_bench.py). Every Kindling run is a fresh child process
// (pipeline-child.mjs), so that its peak RSS is its own and covers its worker threads.
import * as medicalNer from "@kindling/medical-ner";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readMtsamples, whitespaceTokens } from "./data.mjs";
import { writeSentenceTokens } from "./sentence-tokens.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, "../..");
const CHILD = join(here, "pipeline-child.mjs");
const MODEL = join(REPO, "models/ner_clinical_open/model.onnx");
const PYTHON = process.env.KINDLING_BENCH_PYTHON ?? "/usr/bin/python3";

/**
 * Rows per input record batch and pipeline slice (TransformOptions.maxBatchRows), as `kindling annotate`'s default
 * --batch-size: every note's annotations of a slice are alive at once in its worker, so the slice size sets peak
 * memory. Measured on all notes with 2 workers (only ner_chunk encoded): 64 rows 82k tokens/s at 0.70 GB, 128 rows
 * 90k at 0.77 GB. 64 leaves room for notes longer than MTSamples' (memory grows with a slice's text).
 */
export const BATCH_ROWS = 64;

/** Notes the peer times each thread count on before its full run (a bad thread count is slow: keep it short). */
const PEER_TRIAL_NOTES = 128;

/** The goals of issue 4; `ok` is computed from the measurements, never assumed. */
export const GOALS = {
  e2e_tokens_per_s: 50_000,
  speedup_vs_peer: 2,
  peak_rss_mb: 1024,
  rss_growth_10x: 1.2,
};

/** Peak resident set (VmHWM) of a live process as the kernel reports it, in MiB; undefined once it has exited. */
function procPeakMb(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a command; stderr passes through (progress), stdout is returned. `onSpawn` sees the child while it runs. */
function run(command, args, { onSpawn } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    const stop = onSpawn?.(child);
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.on("error", (e) => reject(new Error(`cannot run ${command}: ${e.message}`)));
    child.on("close", (code, signal) => {
      stop?.();
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** One pipeline-child run; adds the peak RSS seen from outside (polled /proc VmHWM, so at most 100 ms stale). */
async function kindlingRun({ workers, threads, repeat = 1, notes }) {
  // Node's default heap flags, not the parent's (npm run bench enlarges the young generation for the tokenizer
  // benchmark, which would add ~200 MB of RSS here): the child runs as `kindling annotate` would.
  const args = [CHILD, "--workers", String(workers), "--intra-op-threads", String(threads), "--repeat", String(repeat), "--batch-rows", String(BATCH_ROWS)];
  if (notes !== undefined) args.push("--notes", String(notes));
  let peak = 0;
  const stdout = await run(process.execPath, args, {
    onSpawn: (child) => {
      const timer = setInterval(() => (peak = Math.max(peak, procPeakMb(child.pid) ?? 0)), 100);
      return () => clearInterval(timer);
    },
  });
  const result = JSON.parse(stdout.trim().split("\n").at(-1));
  return { ...result, proc_peak_rss_mb: peak || null };
}

/** Worker × intra-op thread configurations to try: the issue asks for them to be measured together, not guessed. */
const CONFIGS = [
  { workers: 1, threads: 1 },
  { workers: 1, threads: 2 },
  { workers: 2, threads: 1 },
];

/** MedicalNerModel groups sentences into ONNX Runtime calls by width class, then length (`planBatches`); the peer
 * forms the same batches. */
const BATCHING = "width";

async function peerRun(tokensPath, wsTokens, batchSize, batching, outPath) {
  const args = ["-m", "tools.train.peer_bench", tokensPath, "--whitespace-tokens", String(wsTokens), "--threads", "1", "2", "--trial-notes", String(PEER_TRIAL_NOTES), "--batch-rows", String(BATCH_ROWS), "--batch-size", String(batchSize), "--batching", batching, "--out", outPath];
  await run(PYTHON, args);
  return JSON.parse(readFileSync(outPath, "utf8"));
}

const log = (s) => process.stderr.write(`pipeline: ${s}\n`);
const key = (c) => `w${c.workers}_t${c.threads}`;

/**
 * @param {{ trialNotes?: number, largeRepeat?: number }} options trialNotes: notes per configuration trial;
 *   largeRepeat: how many times the notes are repeated for the memory-growth run.
 */
export async function benchPipeline({ trialNotes = 1000, largeRepeat = 10 } = {}) {
  const notes = await readMtsamples();
  const wsTokens = whitespaceTokens(notes);
  const batchSize = new medicalNer.MedicalNerModel().getBatchSize();
  const batching = BATCHING;
  const configs = CONFIGS;

  const trials = {};
  for (const c of configs) {
    log(`trial: ${c.workers} worker(s) × ${c.threads} intra-op thread(s) on the first ${trialNotes} notes`);
    trials[key(c)] = await kindlingRun({ ...c, notes: trialNotes });
  }
  const best = configs.reduce((a, b) => (trials[key(b)].tokens_per_s > trials[key(a)].tokens_per_s ? b : a));
  log(`all ${notes.length} notes with ${best.workers} worker(s) × ${best.threads} intra-op thread(s)`);
  const full = await kindlingRun(best);
  log(`the notes ${largeRepeat} times over, streamed`);
  const large = await kindlingRun({ ...best, repeat: largeRepeat });
  if (large.chunks !== full.chunks * largeRepeat) {
    throw new Error(`the ${largeRepeat}× run found ${large.chunks} chunks, not ${largeRepeat} × ${full.chunks}: the stream lost or changed rows`);
  }

  const tmp = mkdtempSync(join(tmpdir(), "kindling-bench-"));
  let peer;
  let tokenized;
  try {
    log("PyTorch peer: writing Kindling's sentences and tokens");
    const tokensPath = join(tmp, "sentences.jsonl");
    tokenized = await writeSentenceTokens(notes, tokensPath, BATCH_ROWS);
    log(`PyTorch peer: tagging ${tokenized.sentences} sentences`);
    peer = await peerRun(tokensPath, wsTokens, batchSize, batching, join(tmp, "peer.json"));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (peer.sentences !== tokenized.sentences || peer.model_tokens !== tokenized.tokens) {
    throw new Error(`the peer read ${peer.sentences} sentences / ${peer.model_tokens} tokens, but ${tokenized.sentences} / ${tokenized.tokens} were written`);
  }

  const speedup = full.tokens_per_s / peer.tokens_per_s;
  const peakRss = Math.max(full.max_rss_mb, large.max_rss_mb);
  const growth = large.max_rss_mb / full.max_rss_mb;
  return {
    notes: notes.length,
    whitespace_tokens: wsTokens,
    model: { path: "models/ner_clinical_open/model.onnx", sha256: createHash("sha256").update(readFileSync(MODEL)).digest("hex") },
    batch_rows: BATCH_ROWS,
    batch_size: batchSize,
    batching,
    trial_notes: Math.min(trialNotes, notes.length),
    large_repeat: largeRepeat,
    best,
    trials,
    full,
    large,
    peer,
    speedup,
    peak_rss_mb: peakRss,
    rss_growth: growth,
    goals: {
      e2e_tokens_per_s: full.tokens_per_s >= GOALS.e2e_tokens_per_s,
      speedup_vs_peer: speedup >= GOALS.speedup_vs_peer,
      peak_rss_mb: peakRss < GOALS.peak_rss_mb,
      rss_growth_10x: growth < GOALS.rss_growth_10x,
    },
  };
}

/** The flat JSON of docs/benchmarks/pipeline.json: headline keys first, then everything measured. */
export function pipelineJson(command, m, r, flatten) {
  return flatten({
    command,
    date: m.date,
    machine: m,
    model_sha256: r.model.sha256,
    notes: r.notes,
    whitespace_tokens: r.whitespace_tokens,
    e2e_tokens_per_s: r.full.tokens_per_s,
    notes_per_s: r.full.notes_per_s,
    e2e_ms: r.full.ms,
    chunks: r.full.chunks,
    load_ms: r.full.load_ms,
    peak_rss_mb: r.full.max_rss_mb,
    peak_rss_mb_proc: r.full.proc_peak_rss_mb,
    peak_rss_mb_10x: r.large.max_rss_mb,
    peak_rss_mb_10x_proc: r.large.proc_peak_rss_mb,
    rss_growth_10x: r.rss_growth,
    e2e_tokens_per_s_10x: r.large.tokens_per_s,
    peer_tokens_per_s: r.peer.tokens_per_s,
    speedup_vs_peer: r.speedup,
    workers: r.best.workers,
    intra_op_threads: r.best.threads,
    mode: r.full.mode,
    stage_ms: r.full.stage_ms ?? {},
    stage_ms_summed_over_workers: r.best.workers > 1,
    goal: r.goals,
    batch_rows: r.batch_rows,
    batch_size: r.batch_size,
    batching: r.batching,
    trial_notes: r.trial_notes,
    trial: Object.fromEntries(Object.entries(r.trials).map(([k, t]) => [k, { tokens_per_s: t.tokens_per_s, notes_per_s: t.notes_per_s, peak_rss_mb: t.max_rss_mb, load_ms: t.load_ms }])),
    repeat_10x: r.large_repeat,
    chunks_10x: r.large.chunks,
    peer: {
      ms: r.peer.ms,
      threads: r.peer.threads,
      trial_notes: r.peer.trial_notes,
      trial_model_tokens_per_s_by_threads: r.peer.trial_model_tokens_per_s_by_threads,
      sentences: r.peer.sentences,
      model_tokens: r.peer.model_tokens,
      chunks: r.peer.chunks,
      load_ms: r.peer.load_ms,
      prep_ms: r.peer.prep_ms,
      peak_rss_mb: r.peer.peak_rss_mb,
      torch: r.peer.torch,
      timed: r.peer.timed,
    },
  });
}
