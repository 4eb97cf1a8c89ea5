// PipelinePool against the built package (its worker threads run dist/pool-worker.js; see build-dist.ts) with the
// real stages of fixtures/pool, which the workers import the same way.
import { decodeAnnotations, declaredAnnotatorType, type Annotation } from "@kindling/annotation";
import {
  PipelineModel,
  PipelinePool,
  PoolBatchError,
  PoolClosedError,
  PoolStartError,
  PoolWorkerExitError,
  StageTimings,
  type PipelinePoolOptions,
} from "@kindling/core";
import { Float64, Int32, RecordBatch, RecordBatchReader, RecordBatchStreamWriter, Table, tableFromArrays, tableFromIPC, tableToIPC, Utf8, util, vectorFromArray } from "apache-arrow";
import fc from "fast-check";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import createPipeline from "./fixtures/pool/factory.js";

const FACTORY = new URL("./fixtures/pool/factory.js", import.meta.url);

/** A batch of notes: an Int32 id from `firstId` on and a nullable Utf8 text. */
function notes(texts: readonly (string | null)[], firstId = 0): RecordBatch {
  const ids = texts.map((_, i) => firstId + i);
  return new Table({ id: vectorFromArray(ids, new Int32()), text: vectorFromArray([...texts], new Utf8()) }).batches[0]!;
}

/** Consecutive batches of the given sizes, ids counting on across batches. */
function noteBatches(sizes: readonly number[], text: (row: number) => string | null = (row) => `Note ${row} has Chest pain`): RecordBatch[] {
  let row = 0;
  return sizes.map((size) => {
    const batch = notes(Array.from({ length: size }, (_, i) => text(row + i)), row);
    row += size;
    return batch;
  });
}

/** Every row as plain values: input columns as read, annotation columns decoded. */
function rowsOf(batches: readonly RecordBatch[]): Record<string, unknown>[] {
  return batches.flatMap((batch) => {
    const columns = batch.schema.fields.map((field) => {
      const vector = batch.getChild(field.name)!;
      if (declaredAnnotatorType(field)) return decodeAnnotations(vector, field).map((row) => row.map(plain));
      return Array.from({ length: batch.numRows }, (_, r) => vector.get(r));
    });
    return Array.from({ length: batch.numRows }, (_, r) => Object.fromEntries(batch.schema.fields.map((f, c) => [f.name, columns[c]![r]])));
  });
}

function plain(a: Annotation) {
  return { ...a, embeddings: [...a.embeddings] };
}

async function collect(stream: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const batch of stream) out.push(batch);
  return out;
}

/** Runs `stream` to its end or first error; returns what came out before and the error. */
async function collectUntilError(stream: AsyncIterable<RecordBatch>): Promise<{ batches: RecordBatch[]; error: unknown }> {
  const batches: RecordBatch[] = [];
  try {
    for await (const batch of stream) batches.push(batch);
  } catch (error) {
    return { batches, error };
  }
  throw new Error(`the stream ended without an error after ${batches.length} batches`);
}

const pools: PipelinePool[] = [];
async function startPool(options: Partial<PipelinePoolOptions> & { factoryOptions?: unknown } = {}): Promise<PipelinePool> {
  const { factoryOptions, ...rest } = options;
  const pool = await PipelinePool.create({ factory: { module: FACTORY, options: factoryOptions ?? { faults: true } }, workers: 2, ...rest } as PipelinePoolOptions);
  pools.push(pool);
  return pool;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe("PipelinePool output", () => {
  let one: PipelinePool;
  let two: PipelinePool;
  let model: PipelineModel;
  beforeAll(async () => {
    [one, two, model] = await Promise.all([startPool({ workers: 1 }), startPool({ workers: 2 }), createPipeline({ faults: true })]);
  });

  const word = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 6 }),
    fc.string({ unit: "binary", maxLength: 4 }),
    fc.constantFrom("Chest", "pain", "\r\n", "\t", "😀Emoji", "#sleep", "BP", "", "Ünïcode"),
  );
  const text = fc.option(
    fc.array(word, { maxLength: 12 }).map((words) => words.join(" ")),
    { nil: null, freq: 8 },
  );
  const stream = fc.array(fc.array(text, { maxLength: 9 }), { minLength: 1, maxLength: 14 });

  it("yields the input rows in order, annotated exactly as PipelineModel.transform does, with 1 or 2 workers", async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.integer({ min: 1, max: 7 }), async (textBatches, maxBatchRows) => {
        let id = 0;
        const input = textBatches.map((texts) => notes(texts, (id += texts.length) - texts.length));
        const expected = await collect(model.transform(input, { maxBatchRows }));
        const [byOne, byTwo] = await Promise.all([collect(one.transformBatches(input, { maxBatchRows })), collect(two.transformBatches(input, { maxBatchRows }))]);
        const rows = rowsOf(byTwo);
        expect(rows.map((r) => r.id)).toEqual(Array.from({ length: id }, (_, i) => i));
        expect(rows).toEqual(rowsOf(expected));
        expect(rowsOf(byOne)).toEqual(rows);
        // Same slicing as the single-thread run: maxBatchRows applies per input batch.
        expect(byTwo.map((b) => b.numRows)).toEqual(expected.map((b) => b.numRows));
        for (const row of rows) {
          for (const token of row.token as Annotation[]) expect((row.text as string).slice(token.begin, token.end + 1)).toBe(token.result);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("encodes only the outputCols asked for, in the workers as on one thread, and names an unknown one", async () => {
    const input = noteBatches([3, 5, 2]);
    const columns = model.outputColumns();
    const kept = columns.at(-1)!;
    const full = rowsOf(await collect(model.transform(input)));
    const expected = full.map((row) => ({ id: row.id, text: row.text, [kept]: row[kept] }));
    const single = await collect(model.transform(input, { outputCols: [kept] }));
    const pooled = await collect(two.transformBatches(input, { outputCols: [kept] }));
    for (const out of [single, pooled]) {
      expect(out[0]!.schema.fields.map((f) => f.name)).toEqual(["id", "text", kept]);
      expect(rowsOf(out)).toEqual(expected);
    }
    const unknown = `outputCols: "chunks" is not written by any stage (the stages write ${columns.join(", ")})`;
    await expect(collect(model.transform(input, { outputCols: ["chunks"] }))).rejects.toThrow(unknown);
    await expect(collect(two.transformBatches(input, { outputCols: ["chunks"] }))).rejects.toThrow(unknown);
  });

  it("gives every batch one schema, so the stream writes to and reads back from Arrow IPC", async () => {
    const input = noteBatches([5, 3, 8, 1, 6, 4, 7, 2]);
    const out = await collect(two.transformBatches(input, { maxBatchRows: 3 }));
    for (const batch of out) expect(util.compareSchemas(batch.schema, out[0]!.schema)).toBe(true);
    const ipc = RecordBatchStreamWriter.writeAll(out).toUint8Array(true);
    expect(rowsOf(tableFromIPC(ipc).batches)).toEqual(rowsOf(out));
    expect(rowsOf(new Table(out).batches)).toEqual(rowsOf(out));
  });

  it("reads an Arrow IPC stream whose dictionary ids collide with the annotation columns', in both cores", async () => {
    // tableFromArrays makes the text a dictionary column; read back from IPC, its id is the stream's, not this thread's.
    const source = tableFromArrays({ id: Int32Array.from([0, 1, 2, 3, 4]), text: ["Chest pain", "BP fine", "", "Emoji 😀 Here", "no caps"] });
    const ipc = tableToIPC(source, "stream");
    const expected = rowsOf(await collect(model.transform(RecordBatchReader.from(ipc), { maxBatchRows: 2 })));
    const out = await collect(two.transformBatches(RecordBatchReader.from(ipc), { maxBatchRows: 2 }));
    expect(rowsOf(out)).toEqual(expected);
    expect(rowsOf(out).map((r) => (r.chunk as Annotation[]).map((a) => a.result))).toEqual([["Chest"], ["BP"], [], ["Emoji", "Here"], []]);
    expect(rowsOf(tableFromIPC(RecordBatchStreamWriter.writeAll(out).toUint8Array(true)).batches)).toEqual(expected);
  });

  it("keeps the input columns the pipeline does not read, in their place", async () => {
    const texts = ["Chest pain", null, "BP"];
    const input = new Table({
      score: vectorFromArray([0.5, 1.5, 2.5], new Float64()),
      text: vectorFromArray(texts, new Utf8()),
      extra: vectorFromArray(["a", "b", "c"], new Utf8()),
    });
    const [out] = await collect(two.transformBatches(input.batches));
    expect(out!.schema.fields.map((f) => f.name)).toEqual(["score", "text", "extra", "document", "token", "chunk", "fault"]);
    expect(rowsOf([out!]).map((r) => [r.score, r.text, r.extra])).toEqual([
      [0.5, "Chest pain", "a"],
      [1.5, null, "b"],
      [2.5, "BP", "c"],
    ]);
  });

  it("fails like the single-thread run when an input column would be overwritten or is missing", async () => {
    const clash = new Table({ text: vectorFromArray(["a"], new Utf8()), token: vectorFromArray(["x"], new Utf8()) });
    const single = await collectUntilError(model.transform(clash.batches));
    const pooled = await collectUntilError(two.transformBatches(clash.batches));
    expect(pooled.error).toBeInstanceOf(PoolBatchError);
    const wiring = /stage SpaceTokenizer \("SpaceTokenizer_\w+", output "token"\): output column "token" already exists$/;
    expect((single.error as Error).message).toMatch(new RegExp(`^${wiring.source}`));
    expect((pooled.error as Error).message).toMatch(new RegExp(`^rows 0-0 failed in pool worker \\d: ${wiring.source}`));

    const missing = new Table({ body: vectorFromArray(["a"], new Utf8()) });
    const { error } = await collectUntilError(two.transformBatches(missing.batches));
    expect((error as Error).message).toContain('input column "text" does not exist (available: body)');
  });

  it("sums each stage's time over the workers and reports the IPC work and the load time", async () => {
    const timings = new StageTimings();
    await collect(two.transformBatches(noteBatches([10, 10, 10]), { timings, maxBatchRows: 4 }));
    expect(Object.keys(timings.toJSON()).sort()).toEqual(["CapitalChunker", "FaultInjector", "NoteDocument", "SpaceTokenizer", "arrow-encode", "pool-ipc"]);
    expect(Object.values(timings.toJSON()).every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    expect(two.loadMs).toBeGreaterThan(0);
    expect([one.size, two.size]).toEqual([1, 2]);
    expect(two.inputColumns()).toEqual(["text"]);
    expect(two.outputColumns()).toEqual(["document", "token", "chunk", "fault"]);
  });

  it("names the global row of a failure when given the stream's rowOffset", async () => {
    const input = [notes(["fine", "#fail here"])];
    const { error } = await collectUntilError(two.transformBatches(input, { rowOffset: 1000 }));
    expect((error as PoolBatchError).message).toMatch(/^rows 1000-1001 failed in pool worker \d: FaultInjector \(output "fault"\) failed on row 1001: fault injected by #fail$/);
  });
});

describe("PipelinePool sizing and backpressure", () => {
  it("starts one worker per CPU by default", async () => {
    const pool = await startPool({ workers: undefined });
    expect(pool.size).toBe(availableParallelism());
  });

  /** Input that counts how far it was read. */
  function countingInput(batches: number) {
    const state = { pulled: 0, released: false };
    async function* generate() {
      try {
        for (let i = 0; i < batches; i++) {
          state.pulled += 1;
          yield notes([`Batch ${i} Chest`], i);
        }
      } finally {
        state.released = true;
      }
    }
    return { state, input: generate() };
  }

  for (const maxInFlightPerWorker of [1, 3]) {
    it(`reads no further than ${maxInFlightPerWorker} batch(es) per worker ahead of a slow consumer`, async () => {
      const pool = await startPool({ workers: 2, maxInFlightPerWorker });
      const window = 2 * maxInFlightPerWorker;
      const { state, input } = countingInput(60);
      const stream = pool.transformBatches(input);
      const ids: unknown[] = [];
      for (let consumed = 1; consumed <= 3; consumed++) {
        const { value } = await stream.next();
        ids.push(...rowsOf([value as RecordBatch]).map((r) => r.id));
        // A slow consumer: the workers finish everything they hold meanwhile, and must not be given more.
        await sleep(150);
        expect(state.pulled).toBe(consumed + window - 1);
      }
      for await (const batch of stream) ids.push(...rowsOf([batch]).map((r) => r.id));
      expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(state.pulled).toBe(60);
    });
  }

  it("releases the input when the consumer stops early, and the next stream is not disturbed", async () => {
    const pool = await startPool({ workers: 2 });
    const { state, input } = countingInput(50);
    for await (const batch of pool.transformBatches(input)) {
      expect(batch.numRows).toBe(1);
      break;
    }
    expect(state.released).toBe(true);
    const again = await collect(pool.transformBatches(noteBatches([3, 3])));
    expect(rowsOf(again).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("PipelinePool errors", () => {
  it("rejects the stream with the failing batch's rows and the stage's message and stack, after the batches before it", async () => {
    const pool = await startPool();
    const input = noteBatches([12], (row) => (row === 10 ? "bad #fail row" : `Row ${row}`));
    const { batches, error } = await collectUntilError(pool.transformBatches(input, { maxBatchRows: 4 }));
    expect(rowsOf(batches).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(error).toBeInstanceOf(PoolBatchError);
    const failure = error as PoolBatchError;
    expect(failure.message).toMatch(/^rows 8-11 failed in pool worker \d: FaultInjector \(output "fault"\) failed on row 10: fault injected by #fail$/);
    expect([failure.firstRow, failure.numRows]).toEqual([8, 4]);
    // The worker's error comes across with its chain of causes, each with its own stack.
    const cause = failure.cause as Error;
    expect(cause.name).toBe("StageRowError");
    expect(cause.stack).toContain("dist/stage.js");
    expect((cause.cause as Error).message).toBe("fault injected by #fail");
    expect((cause.cause as Error).stack).toContain("fixtures/pool/stages.js");
    // The pool survives a stage error.
    expect(rowsOf(await collect(pool.transformBatches(noteBatches([2])))).map((r) => r.id)).toEqual([0, 1]);
  });

  it("fails with a clear error, not a hang, when a worker exits, and refuses further streams", async () => {
    const pool = await startPool();
    const input = noteBatches([4, 4, 4], (row) => (row === 5 ? "#exit" : `Row ${row}`));
    const { batches, error } = await collectUntilError(pool.transformBatches(input));
    expect(rowsOf(batches).map((r) => r.id)).toEqual([0, 1, 2, 3]);
    expect(error).toBeInstanceOf(PoolWorkerExitError);
    expect((error as Error).message).toMatch(/^pool worker \d exited with code 7 while annotating rows 4-7; close the pool and create a new one$/);
    await expect(collect(pool.transformBatches(noteBatches([1])))).rejects.toBe(error);
    await pool.close();
  });

  it("fails with a clear error when a worker runs out of memory (resourceLimits)", async () => {
    const pool = await startPool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 48 } });
    const { error } = await collectUntilError(pool.transformBatches([notes(["fine", "#oom"])]));
    expect(error).toBeInstanceOf(PoolWorkerExitError);
    expect((error as Error).message).toMatch(/^pool worker 0 exited with code 1 while annotating rows 0-1 \(.*out of memory.*\)/i);
    await pool.close();
  });

  it("propagates an error thrown by the input, after the batches read before it", async () => {
    const pool = await startPool();
    const broken = new Error("input broke");
    async function* input() {
      yield* noteBatches([2, 2, 2]);
      throw broken;
    }
    const { batches, error } = await collectUntilError(pool.transformBatches(input()));
    expect(rowsOf(batches).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(error).toBe(broken);
  });

  it("ends a running stream with PoolClosedError when closed, terminates the workers and releases the input", async () => {
    const pool = await startPool();
    let released = false;
    async function* input() {
      try {
        for (let i = 0; ; i++) yield notes([`#sleep Batch ${i}`, `#sleep more`], 2 * i);
      } finally {
        released = true;
      }
    }
    const stream = pool.transformBatches(input());
    expect((await stream.next()).done).toBe(false);
    await pool.close();
    const { error } = await collectUntilError(stream);
    expect(error).toBeInstanceOf(PoolClosedError);
    expect(released).toBe(true);
    await expect(collect(pool.transformBatches([notes(["x"])]))).rejects.toThrowError(/^the pipeline pool is closed$/);
    await pool.close(); // twice is fine
  });

  it("closes through Symbol.asyncDispose (await using)", async () => {
    let escaped: PipelinePool;
    {
      await using pool = await startPool();
      escaped = pool;
      expect(rowsOf(await collect(pool.transformBatches([notes(["A b"])]))).map((r) => r.id)).toEqual([0]);
    }
    await expect(escaped.transformBatches([notes(["x"])]).next()).rejects.toBeInstanceOf(PoolClosedError);
  });

  it("rejects bad maxBatchRows like the single-thread run", async () => {
    const pool = await startPool({ workers: 1 });
    await expect(pool.transformBatches([notes(["x"])], { maxBatchRows: 0 }).next()).rejects.toThrowError("maxBatchRows must be a positive integer, got 0");
  });
});

describe("PipelinePool.create failures", () => {
  const module = FACTORY.href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const create = (factory: Partial<{ exportName: string; options: unknown; module: string | URL }>) =>
    PipelinePool.create({ factory: { module: FACTORY, ...factory }, workers: 2 });

  it("names the factory module and carries the factory's error", async () => {
    const error = await create({ options: { failWith: "no model today" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolStartError);
    expect((error as Error).message).toMatch(new RegExp(`^PipelinePool: worker \\d could not load the pipeline factory \\(export "default" of ${module}\\): no model today$`));
    expect(((error as Error).cause as Error).stack).toContain("fixtures/pool/factory.js");
  });

  it("explains a missing export, a non-function and a factory that returns no pipeline", async () => {
    await expect(create({ exportName: "nope" })).rejects.toThrowError(/could not load the pipeline factory \(export "nope" of .*factory\.js\): export "nope" is missing \(the module exports: default, exitWhileLoading, notAFactory, returnsNothing\)$/);
    await expect(create({ exportName: "notAFactory" })).rejects.toThrowError(/export "notAFactory" is a number, not a function/);
    await expect(create({ exportName: "returnsNothing" })).rejects.toThrowError(/export "returnsNothing" of .*factory\.js\): the factory returned undefined, not a PipelineModel$/);
  });

  it("names a module that does not exist, resolving a relative path from the working directory", async () => {
    const error = await create({ module: "./no/such/factory.js" }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^PipelinePool: worker \d could not load the pipeline factory \(export "default" of file:\/\/.*\/no\/such\/factory\.js\): Cannot find module/);
  });

  it("reports a worker that exits while loading", async () => {
    await expect(create({ exportName: "exitWhileLoading" })).rejects.toThrowError(/^PipelinePool: worker \d exited with code 3 while loading the pipeline factory \(export "exitWhileLoading" of .*factory\.js\)$/);
  });

  it("checks its own options", async () => {
    await expect(PipelinePool.create({ factory: { module: FACTORY }, workers: 0 })).rejects.toThrowError("PipelinePool.create: workers must be a positive integer, got 0");
    await expect(PipelinePool.create({ factory: { module: FACTORY }, maxInFlightPerWorker: 1.5 })).rejects.toThrowError("maxInFlightPerWorker must be a positive integer, got 1.5");
    await expect(PipelinePool.create({ factory: { module: FACTORY }, pipelineDir: "x" } as never)).rejects.toThrowError("give either factory or pipelineDir, not both");
    await expect(PipelinePool.create({} as never)).rejects.toThrowError("give factory ({ module, exportName?, options? }) or pipelineDir");
    await expect(PipelinePool.create({ factory: { module: FACTORY, options: { onError: () => {} } } })).rejects.toThrowError(
      /^PipelinePool.create: factory.options must be plain data that survives structured cloning: .*could not be cloned/,
    );
  });
});

describe("PipelinePool from a saved pipeline directory", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-pool-"));
    dirs.push(dir);
    return dir;
  };

  it("imports the package each stage names, loads the pipeline and annotates like the saved model", async () => {
    const dir = await tempDir();
    const saved = await createPipeline({ lowercase: true });
    await saved.save(dir);
    const params = JSON.parse(await readFile(join(dir, "stages/01_SpaceTokenizer/params.json"), "utf8"));
    expect(params.package).toBe(new URL("./fixtures/pool/stages.js", import.meta.url).href);
    const pool = await PipelinePool.create({ pipelineDir: dir, workers: 2 });
    pools.push(pool);
    const input = noteBatches([3, 4], (row) => `Row ${row} Chest PAIN`);
    const out = await collect(pool.transformBatches(input));
    expect(rowsOf(out)).toEqual(rowsOf(await collect(saved.transform(input))));
    expect((rowsOf(out)[0]!.token as Annotation[]).map((t) => t.result)).toEqual(["row", "0", "chest", "pain"]);
  });

  it("names the stage package it cannot import and the params.json that names it", async () => {
    const dir = await tempDir();
    await (await createPipeline()).save(dir);
    const paramsPath = join(dir, "stages/02_CapitalChunker/params.json");
    const params = JSON.parse(await readFile(paramsPath, "utf8"));
    await writeFile(paramsPath, JSON.stringify({ ...params, package: "@kindling/no-such-package" }));
    await expect(PipelinePool.create({ pipelineDir: dir, workers: 1 })).rejects.toThrowError(
      `PipelinePool: worker 0 could not load the pipeline saved in ${dir}: cannot import "@kindling/no-such-package", the package named in ${paramsPath}: Cannot find package '@kindling/no-such-package'`,
    );
  });

  it("names a stage's params.json that cannot be read", async () => {
    const dir = await tempDir();
    await (await createPipeline()).save(dir);
    const paramsPath = join(dir, "stages/01_SpaceTokenizer/params.json");
    await writeFile(paramsPath, "{ not json");
    await expect(PipelinePool.create({ pipelineDir: dir, workers: 1 })).rejects.toThrowError(`could not load the pipeline saved in ${dir}: ${paramsPath}: cannot read the saved stage: `);
  });

  it("names the directory that holds no saved pipeline", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "empty"));
    await expect(PipelinePool.create({ pipelineDir: join(dir, "empty"), workers: 1 })).rejects.toThrowError(
      `PipelinePool: worker 0 could not load the pipeline saved in ${join(dir, "empty")}: ${join(dir, "empty", "pipeline.json")}: cannot read the saved pipeline`,
    );
  });
});
