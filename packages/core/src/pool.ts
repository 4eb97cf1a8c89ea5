import { Field, makeData, RecordBatch, Schema, Struct } from "apache-arrow";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { dictionaryIds, retype, withFreshDictionaryIds } from "./arrow-types.js";
import { describeRows, PoolBatchError, PoolClosedError, PoolStartError, PoolWorkerExitError, workerError } from "./errors.js";
import { batchFromIPC, batchToIPC, type BatchRequest, type PipelineSourceData, type WorkerMessage } from "./pool-protocol.js";
import { encodedColumns, maxBatchRowsOf, sliced, type BatchTransformer, type RecordBatchStream, type TransformOptions } from "./stream.js";
import type { StageTimings } from "./timings.js";

/** A module whose export builds the pipeline in each worker: `export default async (options) => PipelineModel`. */
export interface PipelineFactoryRef {
  /**
   * A URL (`new URL("./factory.js", import.meta.url)`), a file path (relative paths start at the working
   * directory) or a package specifier (resolved from @kindling/core's location). Workers run plain JavaScript.
   */
  module: string | URL;
  /** The export to call (default `"default"`). */
  exportName?: string;
  /** Handed to the factory in every worker; must survive structured cloning (no functions, no class instances). */
  options?: unknown;
}

export interface PoolSizing {
  /** Worker threads, each with its own PipelineModel (default: `os.availableParallelism()`). */
  workers?: number;
  /**
   * Batches queued or running per worker (default 2): one to work on and one ready behind it, so a worker never
   * waits for the main thread. The pool holds at most `workers × maxInFlightPerWorker` batches, finished ones
   * waiting for their turn included, and pulls no further input until the consumer takes one.
   */
  maxInFlightPerWorker?: number;
  /** Per-worker heap limits (Node's `resourceLimits`); a worker that exceeds them fails the stream with a clear error. */
  resourceLimits?: ResourceLimits;
}

export type PipelinePoolOptions = PoolSizing &
  (
    | { factory: PipelineFactoryRef; pipelineDir?: never }
    /** A directory written by `PipelineModel.save`: each worker imports the packages its stages name, then loads it. */
    | { pipelineDir: string; factory?: never }
  );

const WORKER_SCRIPT = new URL("./pool-worker.js", import.meta.url);
const DEFAULT_IN_FLIGHT_PER_WORKER = 2;

interface WorkerResult {
  /** IPC bytes of the columns the pipeline added. */
  readonly ipc: Uint8Array;
  readonly timings?: Record<string, number>;
}

interface Job {
  readonly firstRow: number;
  readonly numRows: number;
  readonly ipc: Uint8Array;
  readonly outputCols: readonly string[] | undefined;
  readonly timings: boolean;
  resolve(result: WorkerResult): void;
  reject(error: unknown): void;
}

interface ReadyInfo {
  readonly inputColumns: readonly string[];
  readonly outputColumns: readonly string[];
}

/** One worker thread and the jobs it holds. */
class PoolWorker {
  readonly jobs = new Map<number, Job>();
  readonly started: Promise<ReadyInfo>;
  exited = false;
  private lastError: Error | undefined;

  constructor(
    readonly index: number,
    readonly thread: Worker,
    what: string,
    private readonly onSettled: () => void,
    onExit: (worker: PoolWorker, code: number, error: Error | undefined) => void,
  ) {
    this.started = new Promise<ReadyInfo>((resolve, reject) => {
      thread.on("message", (message: WorkerMessage) => {
        if (message.type === "ready") {
          resolve(message);
          // Idle workers do not keep the process alive: forgetting close() must not hang a CLI at exit.
          if (this.jobs.size === 0) thread.unref();
        } else if (message.type === "start-error") {
          reject(new PoolStartError(`PipelinePool: worker ${index} could not load ${what}: ${message.error.message}`, workerError(message.error)));
        } else {
          this.settle(message);
        }
      });
      thread.on("error", (error) => (this.lastError = error));
      thread.on("exit", (code) => {
        this.exited = true;
        const detail = this.lastError ? `: ${this.lastError.message}` : "";
        reject(new PoolStartError(`PipelinePool: worker ${index} exited with code ${code} while loading ${what}${detail}`, this.lastError));
        onExit(this, code, this.lastError);
      });
    });
    this.started.catch(() => {}); // create() reports the first failure; the others must not be unhandled
  }

  send(id: number, job: Job): void {
    if (this.jobs.size === 0) this.thread.ref();
    this.jobs.set(id, job);
    const request: BatchRequest = { type: "batch", id, rowOffset: job.firstRow, ipc: job.ipc, timings: job.timings, outputCols: job.outputCols };
    this.thread.postMessage(request, [job.ipc.buffer as ArrayBuffer]);
  }

  /** Takes every job away (to reject them). */
  drop(): Job[] {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    return jobs;
  }

  private settle(message: Extract<WorkerMessage, { type: "result" | "batch-error" }>): void {
    const job = this.jobs.get(message.id);
    if (!job) return; // dropped: the pool was closed
    this.jobs.delete(message.id);
    if (this.jobs.size === 0) this.thread.unref();
    if (message.type === "result") job.resolve({ ipc: message.ipc, ...(message.timings ? { timings: message.timings } : {}) });
    else job.reject(new PoolBatchError(job.firstRow, job.numRows, this.index, message.error));
    this.onSettled();
  }
}

/**
 * A PipelineModel on every core: N worker threads each build their own pipeline (from a factory module or a saved
 * pipeline directory) and annotate slices of the input stream, which come back in input order. Batches cross
 * threads as Arrow IPC bytes whose buffers are transferred; only the columns the pipeline reads are sent, and
 * only the columns it adds come back.
 */
export class PipelinePool implements BatchTransformer, AsyncDisposable {
  private readonly queue: Job[] = [];
  private readonly ready: ReadyInfo;
  private readonly sendColumns: ReadonlySet<string>;
  private nextJobId = 0;
  private crash: PoolWorkerExitError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly workers: PoolWorker[],
    ready: ReadyInfo,
    /** Milliseconds from `create()` until every worker had built its pipeline. */
    readonly loadMs: number,
    private readonly maxInFlightPerWorker: number,
  ) {
    this.ready = ready;
    // Output columns too: an input column that a stage would overwrite must reach the stage's wiring check.
    this.sendColumns = new Set([...ready.inputColumns, ...ready.outputColumns]);
  }

  /** Starts the workers and resolves once every one has built its pipeline; fails if any could not. */
  static async create(options: PipelinePoolOptions): Promise<PipelinePool> {
    const started = performance.now();
    const { source, what } = sourceOf(options);
    const count = positiveInt("workers", options.workers ?? availableParallelism());
    const perWorker = positiveInt("maxInFlightPerWorker", options.maxInFlightPerWorker ?? DEFAULT_IN_FLIGHT_PER_WORKER);
    let pool: PipelinePool | undefined;
    const workers: PoolWorker[] = [];
    let ready: ReadyInfo[];
    try {
      for (let i = 0; i < count; i++) {
        const thread = new Worker(WORKER_SCRIPT, { workerData: source, ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}) });
        workers.push(new PoolWorker(i, thread, what, () => pool?.drain(), (w, code, error) => pool?.workerExited(w, code, error)));
      }
      ready = await Promise.all(workers.map((w) => w.started));
    } catch (e) {
      await Promise.all(workers.map((w) => w.thread.terminate()));
      throw e;
    }
    pool = new PipelinePool(workers, ready[0]!, performance.now() - started, perWorker);
    return pool;
  }

  /** Number of worker threads. */
  get size(): number {
    return this.workers.length;
  }

  /** The input columns the pipeline reads, as `PipelineModel.inputColumns()`. */
  inputColumns(): string[] {
    return [...this.ready.inputColumns];
  }

  /** Every stage's output column, as `PipelineModel.outputColumns()`: what each yielded batch adds. */
  outputColumns(): string[] {
    return [...this.ready.outputColumns];
  }

  /**
   * Annotates a stream of record batches on the workers and yields each annotated batch in input order: the input
   * columns plus one column per stage, with one Arrow type per column for the whole stream. Errors surface in
   * order too: the batches before a failing one are yielded first, as with `PipelineModel.transformBatches`.
   */
  async *transformBatches(batches: RecordBatchStream, options: TransformOptions = {}): AsyncGenerator<RecordBatch> {
    const unusable = this.unusable();
    if (unusable) throw unusable;
    const maxBatchRows = maxBatchRowsOf(options);
    const outputCols = options.outputCols && [...encodedColumns(this.ready.outputColumns, options)];
    const window = this.workers.length * this.maxInFlightPerWorker;
    const input = sliced(batches, maxBatchRows);
    const pending: { input: RecordBatch; job: Job | undefined; result: Promise<WorkerResult> }[] = [];
    const output = new OutputColumns();
    let rowOffset = options.rowOffset ?? 0;
    let exhausted = false;
    let inputFailure: { error: unknown } | undefined;
    try {
      for (;;) {
        // Pull input only while the window has room: a slow consumer stops the reading (backpressure).
        while (!exhausted && pending.length < window) {
          let next: IteratorResult<RecordBatch>;
          try {
            next = await input.next();
          } catch (error) {
            // Like a single-thread run, the batches read before the failure are still annotated and yielded.
            exhausted = true;
            inputFailure = { error };
            break;
          }
          if (next.done) {
            exhausted = true;
            break;
          }
          pending.push({ input: next.value, ...this.annotate(next.value, rowOffset, options.timings, outputCols) });
          rowOffset += next.value.numRows;
        }
        const head = pending.shift();
        if (!head) break;
        const { ipc, timings } = await head.result;
        if (timings) for (const [stage, ms] of Object.entries(timings)) options.timings?.add(stage, ms);
        const merge = () => output.append(head.input, batchFromIPC(ipc));
        yield options.timings ? await options.timings.time("pool-ipc", merge) : merge();
      }
      if (inputFailure) throw inputFailure.error;
    } finally {
      // Stopped early (consumer break, a failed batch): jobs not yet sent are dropped, those running are ignored.
      this.unqueue(new Set(pending.map((p) => p.job)));
      if (!exhausted) await input.return(undefined);
    }
  }

  /** Terminates the workers. A stream still running fails with `PoolClosedError`. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shutdown(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new PoolClosedError(`before ${describeRows(job.firstRow, job.numRows)} were annotated`));
    for (const worker of this.workers) {
      for (const job of worker.drop()) job.reject(new PoolClosedError(`while ${describeRows(job.firstRow, job.numRows)} were being annotated`));
    }
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }

  private unusable(): Error | undefined {
    if (this.closing) return new PoolClosedError("");
    return this.crash;
  }

  /** Queues one slice for the workers (sent as soon as one has room); `result` resolves with the columns it added. */
  private annotate(
    slice: RecordBatch,
    firstRow: number,
    timings: StageTimings | undefined,
    outputCols: readonly string[] | undefined,
  ): { job: Job | undefined; result: Promise<WorkerResult> } {
    const start = performance.now();
    const ipc = batchToIPC(this.projected(slice));
    timings?.add("pool-ipc", performance.now() - start);
    let job: Job | undefined;
    const result = new Promise<WorkerResult>((resolve, reject) => {
      const unusable = this.unusable();
      if (unusable) return reject(unusable);
      job = { firstRow, numRows: slice.numRows, ipc, outputCols, timings: timings !== undefined, resolve, reject };
      this.queue.push(job);
      this.drain();
    });
    result.catch(() => {}); // the stream reports it when this batch's turn comes
    return { job, result };
  }

  /** Removes jobs that were not sent yet (their stream was abandoned). */
  private unqueue(jobs: ReadonlySet<Job | undefined>): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (jobs.has(this.queue[i])) this.queue.splice(i, 1);
  }

  /** Only the columns the pipeline reads travel; if one is missing, all do, so the stage's error lists what is there. */
  private projected(slice: RecordBatch): RecordBatch {
    const names = slice.schema.fields.map((f) => f.name);
    if (this.ready.inputColumns.some((c) => !names.includes(c))) return slice;
    const wanted = names.flatMap((name, i) => (this.sendColumns.has(name) ? [i] : []));
    // selectAt, not select: apache-arrow 21's select() misplaces the children of all but the leading columns.
    return wanted.length === names.length ? slice : slice.selectAt(wanted);
  }

  /** Hands queued jobs to the least busy workers with room. */
  private drain(): void {
    while (this.queue.length > 0) {
      let best: PoolWorker | undefined;
      for (const w of this.workers) if (!w.exited && w.jobs.size < this.maxInFlightPerWorker && (!best || w.jobs.size < best.jobs.size)) best = w;
      if (!best) return;
      best.send(this.nextJobId++, this.queue.shift()!);
    }
  }

  private workerExited(worker: PoolWorker, code: number, error: Error | undefined): void {
    if (this.closing) return;
    const jobs = worker.drop();
    const during = jobs.length > 0 ? `while annotating ${jobs.map((j) => describeRows(j.firstRow, j.numRows)).join(", ")}` : "";
    const crash = new PoolWorkerExitError(worker.index, code, `${during}${error ? `${during ? " " : ""}(${error.message})` : ""}`, error);
    this.crash ??= crash;
    for (const job of jobs) job.reject(crash);
    for (const job of this.queue.splice(0)) job.reject(this.crash);
  }
}

/** Gives every output column one type for the whole stream and appends the columns to the input batch. */
class OutputColumns {
  private fields: Field[] | undefined;

  append(input: RecordBatch, added: RecordBatch): RecordBatch {
    const addedFields = added.schema.fields;
    if (!this.fields) {
      const taken = dictionaryIds(input.schema.fields);
      this.fields = addedFields.map((f) => new Field(f.name, withFreshDictionaryIds(f.type, taken), f.nullable, f.metadata));
    }
    const own = this.fields;
    if (own.length !== addedFields.length || own.some((f, i) => f.name !== addedFields[i]!.name)) {
      throw new Error(`a pool worker returned columns [${addedFields.map((f) => f.name).join(", ")}], expected [${own.map((f) => f.name).join(", ")}]`);
    }
    const fields = [...input.schema.fields, ...own];
    const children = [...input.data.children, ...added.data.children.map((data, i) => retype(data, own[i]!.type))];
    return new RecordBatch(new Schema(fields, input.schema.metadata), makeData({ type: new Struct(fields), length: input.numRows, nullCount: 0, children }));
  }
}

function sourceOf(options: PipelinePoolOptions): { source: PipelineSourceData; what: string } {
  if (options.factory && options.pipelineDir !== undefined) throw new TypeError("PipelinePool.create: give either factory or pipelineDir, not both");
  if (options.pipelineDir !== undefined) {
    const dir = resolve(options.pipelineDir);
    return { source: { kind: "pipelineDir", dir }, what: `the pipeline saved in ${dir}` };
  }
  if (!options.factory) throw new TypeError("PipelinePool.create: give factory ({ module, exportName?, options? }) or pipelineDir");
  const { module, exportName = "default", options: factoryOptions } = options.factory;
  try {
    structuredClone(factoryOptions);
  } catch (e) {
    throw new TypeError(`PipelinePool.create: factory.options must be plain data that survives structured cloning: ${(e as Error).message}`);
  }
  const specifier = moduleSpecifier(module);
  return {
    source: { kind: "factory", module: specifier, exportName, options: factoryOptions },
    what: `the pipeline factory (export "${exportName}" of ${specifier})`,
  };
}

/** What a worker can `import()`: a URL as is, a path as a file URL; anything else is a package specifier. */
function moduleSpecifier(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^(file|data|node):/.test(module)) return module;
  if (isAbsolute(module) || module.startsWith("./") || module.startsWith("../")) return pathToFileURL(resolve(module)).href;
  return module;
}

function positiveInt(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`PipelinePool.create: ${name} must be a positive integer, got ${value}`);
  return value;
}
