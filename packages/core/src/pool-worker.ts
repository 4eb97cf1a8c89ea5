// A PipelinePool worker thread: builds its own PipelineModel, then annotates the batches the pool sends it.
import { makeData, RecordBatch, Schema, Struct } from "apache-arrow";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { PersistenceError } from "./errors.js";
import { pipelineInputColumns, PipelineModel } from "./pipeline.js";
import { batchFromIPC, batchToIPC, errorInfo, type BatchRequest, type PipelineSourceData, type WorkerMessage } from "./pool-protocol.js";
import type { RecordBatchStream, TransformOptions } from "./stream.js";
import { StageTimings } from "./timings.js";
import type { OutputParams } from "./params.js";
import type { Transformer } from "./stage.js";

/** What the worker needs of a pipeline. Checked by shape: a factory may build it with another copy of @kindling/core. */
interface WorkerPipeline {
  readonly stages: readonly Transformer<OutputParams>[];
  transformBatches(batches: RecordBatchStream, options?: TransformOptions): AsyncGenerator<RecordBatch>;
}

const port = parentPort;
if (!port) throw new Error("pool-worker.js runs inside a PipelinePool worker thread, not on its own");

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function fromFactory(source: Extract<PipelineSourceData, { kind: "factory" }>): Promise<WorkerPipeline> {
  const module = (await import(source.module)) as Record<string, unknown>;
  const factory = module[source.exportName];
  if (typeof factory !== "function") {
    const exported = Object.keys(module).join(", ") || "nothing";
    throw new TypeError(`export "${source.exportName}" is ${typeof factory === "undefined" ? "missing" : `a ${typeof factory}, not a function`} (the module exports: ${exported})`);
  }
  const model = (await factory(source.options)) as Partial<WorkerPipeline> | null | undefined;
  if (typeof model?.transformBatches !== "function" || !Array.isArray(model.stages)) {
    throw new TypeError(`the factory returned ${model == null ? String(model) : `a ${typeof model}`}, not a PipelineModel`);
  }
  return model as WorkerPipeline;
}

/** Imports the package each saved stage names (their `registerStage` runs on import), then loads the pipeline. */
async function fromPipelineDir(dir: string): Promise<WorkerPipeline> {
  const stagesDir = join(dir, "stages");
  const packages = new Map<string, string>();
  for (const entry of (await readdir(stagesDir).catch(() => [])).sort()) {
    const paramsPath = join(stagesDir, entry, "params.json");
    let saved: { package?: unknown };
    try {
      saved = JSON.parse(await readFile(paramsPath, "utf8")) as { package?: unknown };
    } catch (e) {
      throw new PersistenceError(paramsPath, `cannot read the saved stage: ${(e as Error).message}`);
    }
    if (typeof saved.package === "string" && !packages.has(saved.package)) packages.set(saved.package, paramsPath);
  }
  for (const [name, paramsPath] of packages) {
    try {
      await import(name);
    } catch (e) {
      throw new Error(`cannot import "${name}", the package named in ${paramsPath}: ${(e as Error).message}`, { cause: e });
    }
  }
  return PipelineModel.load(dir);
}

/** The columns the pipeline added to `out`, as a batch of their own: the main thread still has the input. */
function addedColumns(out: RecordBatch, inputColumnCount: number): RecordBatch {
  const fields = out.schema.fields.slice(inputColumnCount);
  const children = out.data.children.slice(inputColumnCount);
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: out.numRows, nullCount: 0, children }));
}

async function annotate(model: WorkerPipeline, request: BatchRequest): Promise<void> {
  try {
    const input = batchFromIPC(request.ipc);
    const timings = request.timings ? new StageTimings() : undefined;
    // The pool already sliced the input to maxBatchRows; one batch in, one batch out.
    const options: TransformOptions = {
      rowOffset: request.rowOffset,
      maxBatchRows: Math.max(1, input.numRows),
      ...(timings ? { timings } : {}),
      ...(request.outputCols ? { outputCols: request.outputCols } : {}),
    };
    let out: RecordBatch | undefined;
    for await (const batch of model.transformBatches([input], options)) out = batch;
    if (!out) throw new Error("the pipeline yielded no batch for its input batch");
    const ipc = batchToIPC(addedColumns(out, input.schema.fields.length));
    post({ type: "result", id: request.id, ipc, ...(timings ? { timings: timings.toJSON() } : {}) }, [ipc.buffer as ArrayBuffer]);
  } catch (e) {
    post({ type: "batch-error", id: request.id, error: errorInfo(e) });
  }
}

async function main(): Promise<void> {
  const source = workerData as PipelineSourceData;
  let model: WorkerPipeline;
  try {
    model = source.kind === "factory" ? await fromFactory(source) : await fromPipelineDir(source.dir);
  } catch (e) {
    post({ type: "start-error", error: errorInfo(e) });
    return;
  }
  // Batches are annotated one at a time, in arrival order: the pool keeps at most a couple queued here.
  let queue = Promise.resolve();
  port!.on("message", (request: BatchRequest) => {
    queue = queue.then(() => annotate(model, request));
  });
  post({
    type: "ready",
    inputColumns: pipelineInputColumns(model.stages),
    outputColumns: model.stages.map((stage) => stage.get("outputCol")),
  });
}

await main();
