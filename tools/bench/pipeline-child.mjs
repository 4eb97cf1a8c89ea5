#!/usr/bin/env node
// One measured run of the NER pipeline, in a fresh process so that its peak RSS is its own (tools/bench/pipeline.mjs
// starts one per input size and configuration). Streams MTSamples `--repeat` times as Arrow record batches through
// `transformBatches`, counts the chunks of each output batch and drops it, and prints one JSON line of results.
// Raw text to chunks: only `ner_chunk` is encoded to Arrow (outputCols), as a run that wants chunks would ask.
//
//   node tools/bench/pipeline-child.mjs [--repeat 1] [--workers 1] [--intra-op-threads 1] [--batch-rows 512] [--notes N]
//
// --workers 1 runs the pipeline on the main thread; more run it in a PipelinePool (worker_threads).
import { PipelinePool, StageTimings } from "@kindling/core";
import { tableFromArrays } from "apache-arrow";
import { parseArgs } from "node:util";
import { readMtsamples, whitespaceTokens } from "./data.mjs";
import { createNerPipeline } from "./ner-pipeline.mjs";

const FACTORY = { module: new URL("./ner-pipeline.mjs", import.meta.url).href, exportName: "createNerPipeline" };

function options() {
  const { values } = parseArgs({
    options: {
      repeat: { type: "string", default: "1" },
      workers: { type: "string", default: "1" },
      "intra-op-threads": { type: "string", default: "1" },
      "batch-rows": { type: "string", default: "512" },
      notes: { type: "string", default: "Infinity" },
    },
  });
  const int = (name) => {
    const n = Number(values[name]);
    if (!(Number.isInteger(n) || n === Infinity) || n < 1) throw new RangeError(`--${name} must be a positive integer, got "${values[name]}"`);
    return n;
  };
  return { repeat: int("repeat"), workers: int("workers"), intraOpThreads: int("intra-op-threads"), batchRows: int("batch-rows"), notes: int("notes") };
}

/** The notes `repeat` times over, one record batch at a time: only the batch in flight exists as Arrow. */
function* inputBatches(notes, repeat, rows) {
  for (let r = 0; r < repeat; r++) {
    for (let i = 0; i < notes.length; i += rows) yield* tableFromArrays({ text: notes.slice(i, i + rows) }).batches;
  }
}

/** Chunks in a `ner_chunk` list column: the span of its offsets, without decoding a single annotation. */
function chunkCount(batch) {
  let n = 0;
  for (const data of batch.getChild("ner_chunk").data) n += data.valueOffsets[data.length] - data.valueOffsets[0];
  return n;
}

async function load({ workers, intraOpThreads }) {
  if (workers === 1) return { mode: "main thread", model: await createNerPipeline({ intraOpThreads }), close: async () => {} };
  const pool = await PipelinePool.create({ factory: { ...FACTORY, options: { intraOpThreads } }, workers });
  return { mode: "PipelinePool", model: pool, close: () => pool.close() };
}

async function main() {
  const opts = options();
  const notes = await readMtsamples(opts.notes);
  const wsTokens = whitespaceTokens(notes) * opts.repeat;

  const loadStart = performance.now();
  const { mode, model, close } = await load(opts);
  const loadMs = performance.now() - loadStart;

  const timings = new StageTimings();
  let rows = 0;
  let chunks = 0;
  let batches = 0;
  const start = performance.now();
  for await (const out of model.transformBatches(inputBatches(notes, opts.repeat, opts.batchRows), { timings, maxBatchRows: opts.batchRows, outputCols: ["ner_chunk"] })) {
    rows += out.numRows;
    chunks += chunkCount(out);
    batches++;
    if (batches % 10 === 0) process.stderr.write(`\r  ${rows.toLocaleString("en-US")} / ${(notes.length * opts.repeat).toLocaleString("en-US")} notes`);
  }
  const ms = performance.now() - start;
  process.stderr.write("\r");
  await close();

  const stageMs = timings.toJSON();
  const result = {
    mode,
    workers: opts.workers,
    intra_op_threads: opts.intraOpThreads,
    repeat: opts.repeat,
    batch_rows: opts.batchRows,
    notes: rows,
    whitespace_tokens: wsTokens,
    chunks,
    ms,
    tokens_per_s: (wsTokens / ms) * 1000,
    notes_per_s: (rows / ms) * 1000,
    load_ms: loadMs,
    // resourceUsage covers the whole process: worker threads share it, so the pool's workers are included.
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    stage_ms: Object.keys(stageMs).length > 0 ? stageMs : null,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

await main();
