// Every input and output format of `kindling annotate` against the real DuckDB and real Arrow IPC streams: the same
// chunk rows whatever the format, output files that appear only when a run succeeds, and an Arrow pipe between
// real processes.
import { DuckDBInstance } from "@duckdb/node-api";
import type { BatchModel } from "@kindling/duckdb";
import { RecordBatchReader, RecordBatchStreamWriter, tableFromArrays, type RecordBatch } from "apache-arrow";
import { execFileSync, spawn } from "node:child_process";
import { chmod, lstat, mkdtemp, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { annotateTable, type AnnotateTableOptions } from "../src/annotate.js";
import { loadPipeline } from "../src/pipelines.js";
import { CapturedStream, parseLines, run, sqlString, tempDir, writeJsonl } from "./helpers.js";

const NOTES = [
  { id: 11, text: "Patient reports severe chest pain; an ECG was done and aspirin was given." },
  { id: 12, text: null },
  { id: 13, text: "🙂 No fever. CT scan showed a small mass.\r\nStarted metformin for type 2 diabetes." },
  { id: 14, text: "" },
  { id: 15, text: "BP 120/80, stress test ordered.\tDenies dyspnea." },
];
const BIN = fileURLToPath(new URL("../bin/kindling.js", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** An Arrow IPC stream of `batches` as bytes. */
async function arrowBytes(batches: RecordBatch[]): Promise<Buffer> {
  const writer = RecordBatchStreamWriter.writeAll(batches);
  return Buffer.from(await writer.toUint8Array());
}

async function readArrow(bytes: Uint8Array): Promise<{ schema: string[]; rows: Record<string, unknown>[] }> {
  const reader = await RecordBatchReader.from(bytes);
  const rows: Record<string, unknown>[] = [];
  let schema: string[] = [];
  for await (const batch of reader) {
    schema = batch.schema.fields.map((f) => `${f.name}: ${f.type}`);
    for (const row of batch) rows.push(row.toJSON() as Record<string, unknown>);
  }
  return { schema, rows };
}

describe("kindling annotate: formats", async () => {
  const dir = await tempDir();
  const jsonl = await writeJsonl(join(dir, "notes.jsonl"), NOTES);
  const baseline = await run(["annotate", jsonl, "--id-column", "id"]);
  const expected = parseLines(baseline.out);
  /** The expected rows as DuckDB's JSON shows them: BIGINT ids as strings. */
  const expectedInDuckDB = expected.map((l) => ({ ...l, id: String(l.id) }));
  /** Output files a run left beside its --output, temporary ones included. */
  const leftovers = async (prefix: string) => (await readdir(dir)).filter((f) => f.includes(prefix));

  it("has chunks to compare, with ids as numbers", () => {
    expect(baseline.code).toBe(0);
    expect(expected.length).toBeGreaterThan(5);
    expect(new Set(expected.map((l) => l.id))).toEqual(new Set([11, 13, 15]));
  });

  it.each([
    ["csv", "chunks.csv", (p: string) => `SELECT * FROM read_csv(${sqlString(p)}, header = true, types = {'begin': 'INTEGER', 'end': 'INTEGER', 'sentence': 'INTEGER'})`],
    ["parquet", "chunks.parquet", (p: string) => `SELECT * FROM read_parquet(${sqlString(p)})`],
  ])("writes --output chunks.%s with DuckDB's COPY: the same rows as the JSON lines", async (_format, name, read) => {
    const path = join(dir, name);
    const result = await run(["annotate", jsonl, "--id-column", "id", "--output", path]);
    expect(result).toMatchObject({ code: 0, out: [] });
    expect(result.err[0]).toMatch(/^kindling: 5 notes, \d+ tokens, \d+ chunks, 0 errors in/);
    expect(await query(":memory:", read(path))).toEqual(expectedInDuckDB);
    expect(await leftovers(name)).toEqual([name]);
  });

  it("writes a DuckDB table with --output notes.duckdb --table chunks, refuses to overwrite it, and replaces it with --replace", async () => {
    const path = join(dir, "out.duckdb");
    expect((await run(["annotate", jsonl, "--id-column", "id", "--output", path, "--table", "chunks"])).code).toBe(0);
    const read = () => query(path, "SELECT * FROM chunks ORDER BY rowid");
    expect(await read()).toEqual(expectedInDuckDB);
    expect(await query(path, "SELECT column_name, column_type FROM (DESCRIBE chunks)")).toContainEqual({ column_name: "id", column_type: "BIGINT" });
    const again = await run(["annotate", jsonl, "--id-column", "id", "--output", path, "--table", "chunks"]);
    expect(again.code).toBe(1);
    expect(again.err).toEqual([`kindling: ${path}: tables chunks, chunks_errors already exist (pass --replace to replace them, or --append to add to them)`]);
    expect((await run(["annotate", jsonl, "--id-column", "id", "--output", path, "--table", "chunks", "--replace"])).code).toBe(0);
    expect(await read()).toEqual(expectedInDuckDB);
    expect(await query(path, "SELECT count(*)::INTEGER AS n FROM chunks_errors")).toEqual([{ n: 0 }]);
    // --append adds a second run's rows after the first's.
    expect((await run(["annotate", jsonl, "--id-column", "id", "--output", path, "--table", "chunks", "--append"])).code).toBe(0);
    expect(await read()).toEqual([...expectedInDuckDB, ...expectedInDuckDB]);
    // Ids of another type cannot go into the same id column.
    const other = await writeJsonl(join(dir, "text-ids.jsonl"), [{ id: "a", text: "Fever." }]);
    const mismatch = await run(["annotate", other, "--id-column", "id", "--output", path, "--table", "chunks", "--append"]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.err[0]).toMatch(new RegExp(`^kindling: ${path}: cannot append to table chunks: it has columns \\(id BIGINT, .*\\), this run writes \\(id VARCHAR, `));
    expect(await read()).toEqual([...expectedInDuckDB, ...expectedInDuckDB]);
  });

  it("reads a table of a DuckDB file, and writes the chunks into the same file or another", async () => {
    const path = join(dir, "notes.duckdb");
    await query(path, `CREATE TABLE notes AS SELECT * FROM read_json(${sqlString(jsonl)})`);
    const lines = await run(["annotate", path, "--table", "notes", "--id-column", "id"]);
    expect(parseLines(lines.out)).toEqual(expected);
    expect((await run(["annotate", path, "--table", "notes", "--id-column", "id", "--output", path, "--output-table", "note_chunks"])).code).toBe(0);
    expect(await query(path, "SELECT * FROM note_chunks ORDER BY rowid")).toEqual(expectedInDuckDB);
    const other = join(dir, "other.duckdb");
    expect((await run(["annotate", path, "--table", "notes", "--id-column", "id", "--output", other])).code).toBe(0);
    expect(await query(other, "SELECT * FROM chunks ORDER BY rowid")).toEqual(expectedInDuckDB);
    // The source table is only read.
    expect(await query(path, "SELECT * FROM notes ORDER BY rowid")).toEqual(NOTES.map((n) => ({ ...n, id: String(n.id) })));
    const missing = await run(["annotate", path, "--table", "absent"]);
    expect(missing.code).toBe(1);
    // One line naming the file, without DuckDB's caret under Kindling's own SQL.
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(new RegExp(`^kindling: ${path}: table "absent": cannot read it: Catalog Error: Table with name absent does not exist![^\\n]*$`));
    expect(missing.err[0]).not.toContain("LINE 1");
  });

  it("writes an Arrow IPC stream file with the chunk columns and the input's id type", async () => {
    const path = join(dir, "chunks.arrows");
    expect((await run(["annotate", jsonl, "--id-column", "id", "--output", path])).code).toBe(0);
    const { schema, rows } = await readArrow(await readFile(path));
    expect(schema).toEqual(["id: Int64", "chunk: Utf8", "begin: Int32", "end: Int32", "ner_label: Utf8", "confidence: Float64", "sentence: Int32"]);
    expect(rows.map((r) => ({ ...r, id: Number(r.id) }))).toEqual(expected);
  });

  it("reads an Arrow IPC stream on stdin and writes one on stdout, ids keeping their Arrow type", async () => {
    const input = tableFromArrays({ id: Int32Array.from(NOTES.map((n) => n.id)), text: NOTES.map((n) => n.text) as string[] });
    const stdin = new PassThrough();
    stdin.end(await arrowBytes(input.batches));
    const stdout = new PassThrough();
    const bytes: Buffer[] = [];
    stdout.on("data", (b: Buffer) => bytes.push(b));
    const err: string[] = [];
    const code = await (await import("../src/cli.js")).main(["node", "kindling", "annotate", "--input-format", "arrow", "-", "--id-column", "id", "--output-format", "arrow", "-"], {
      out: () => {},
      err: (l) => err.push(l),
      progressStream: new CapturedStream(false),
      stdin,
      stdout,
    });
    expect(code).toBe(0);
    expect(err[0]).toMatch(/^kindling: 5 notes, /);
    const { schema, rows } = await readArrow(Buffer.concat(bytes));
    expect(schema[0]).toBe("id: Int32");
    expect(rows).toEqual(expected);
  });

  it("pipes Arrow between real processes: other-engine | kindling annotate --input-format arrow - --output-format arrow - | other-engine", async () => {
    const batches = [NOTES.slice(0, 2), NOTES.slice(2)].map((rows) => JSON.stringify(rows)).join("\n");
    const producer = spawn(process.execPath, [fixture("arrow-producer.mjs"), batches], { stdio: ["ignore", "pipe", "inherit"] });
    const kindling = spawn(process.execPath, [BIN, "annotate", "--input-format", "arrow", "-", "--id-column", "id", "--output-format", "arrow", "-"], { stdio: ["pipe", "pipe", "pipe"] });
    const consumer = spawn(process.execPath, [fixture("arrow-consumer.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
    producer.stdout.pipe(kindling.stdin);
    kindling.stdout.pipe(consumer.stdin);
    let stderr = "";
    kindling.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let printed = "";
    consumer.stdout.on("data", (d: Buffer) => (printed += d.toString()));
    const exits = await Promise.all([producer, kindling, consumer].map((p) => new Promise<number | null>((resolve) => p.on("close", resolve))));
    expect(exits).toEqual([0, 0, 0]);
    expect(stderr).toMatch(/^kindling: 5 notes, \d+ tokens, \d+ chunks, 0 errors in [\d.]+ s\n$/);
    const [schema, ...rows] = printed.trim().split("\n").map((l) => JSON.parse(l));
    expect(schema).toEqual(["id: Int32", "chunk: Utf8", "begin: Int32", "end: Int32", "ner_label: Utf8", "confidence: Float64", "sentence: Int32"]);
    expect(rows).toEqual(expected);
  });

  it("names a bad Arrow input: not a stream, a missing column, a text column that is not Utf8", async () => {
    const arrowRun = async (bytes: Buffer, args: string[] = []) => {
      const stdin = new PassThrough();
      stdin.end(bytes);
      const err: string[] = [];
      const code = await (await import("../src/cli.js")).main(["node", "kindling", "annotate", "--input-format", "arrow", "-", ...args], {
        out: () => {},
        err: (l) => err.push(l),
        progressStream: new CapturedStream(false),
        stdin,
      });
      return { code, err };
    };
    const csv = await arrowRun(Buffer.from("id,text\n1,chest pain\n"));
    expect(csv).toEqual({ code: 1, err: [expect.stringMatching(/^kindling: -: cannot read it as an Arrow IPC stream: /)] });
    expect(await arrowRun(Buffer.alloc(0))).toEqual({ code: 1, err: ["kindling: -: not an Arrow IPC stream (no schema message)"] });
    const numbers = await arrowBytes(tableFromArrays({ id: Int32Array.from([1]), text: Float64Array.from([4.2]) }).batches);
    expect(await arrowRun(numbers)).toEqual({ code: 1, err: ['kindling: -: text column "text" has type Float64, expected Utf8'] });
    expect(await arrowRun(numbers, ["--id-column", "note_id"])).toEqual({ code: 1, err: ['kindling: -: no id column "note_id" (available columns: id, text)'] });
  });

  it("reports combinations of options that cannot work as usage errors", async () => {
    const usage = async (args: string[]) => {
      const { code, err } = await run(["annotate", ...args]);
      expect(code).toBe(2);
      return err[0];
    };
    expect(await usage(["-"])).toBe("error: reading notes from stdin (-) needs --input-format arrow");
    expect(await usage([jsonl, "--output-format", "parquet"])).toBe("error: --output-format parquet writes a file: give --output <path>");
    expect(await usage(["--input-format", "arrow", "-", "--output", join(dir, "x.parquet")])).toBe("error: an Arrow input is written as JSON lines or Arrow (--output-format jsonl|arrow), not parquet");
    expect(await usage([join(dir, "notes.duckdb")])).toBe(`error: a DuckDB input needs --table <name> (the table of notes in ${join(dir, "notes.duckdb")})`);
    expect(await usage([jsonl, "--pipeline", "tokens", "--output", join(dir, "t.csv")])).toBe("error: --pipeline tokens writes JSON lines only, not csv");
    expect(await usage([jsonl, "--table", "chunks"])).toBe("error: --table names the table of a DuckDB input or output");
    expect(await usage([jsonl, "--output-table", "chunks"])).toBe("error: --output-table names the table of a DuckDB --output");
    expect(await usage([jsonl, "--output", join(dir, "e.duckdb"), "--errors", join(dir, "e.jsonl")])).toMatch(/^error: a DuckDB --output keeps its error records in the table <table>_errors/);
    expect(await usage([jsonl, "--replace"])).toBe("error: --replace is for a DuckDB --output table (files are always replaced)");
    expect(await usage([jsonl, "--append"])).toBe("error: --append is for a DuckDB --output table (files are always replaced)");
    expect(await usage([jsonl, "--output", join(dir, "x.duckdb"), "--append", "--replace"])).toBe("error: --append and --replace contradict each other: give one");
  });
});

describe("kindling annotate: bad input and failed runs", async () => {
  const dir = await tempDir();
  const model = await loadPipeline("ner");

  /** The real pipeline, except that it throws instead of yielding its second batch. */
  const crashing: BatchModel = {
    async *transformBatches(input) {
      let n = 0;
      for await (const batch of model.transformBatches(input)) {
        if (n++ === 1) throw new Error("model crashed");
        yield batch;
      }
    },
  };

  const inProcess = async (options: Partial<AnnotateTableOptions> & { input: string }) => {
    const err: string[] = [];
    const io = { out: () => {}, err: (l: string) => err.push(l), progressStream: new CapturedStream(false) };
    const defaults = { pipeline: "ner" as const, textColumn: "text", idColumn: "id", batchSize: 1, maxTextLength: 1_000_000 };
    return { summary: await annotateTable({ ...defaults, ...options }, io), err };
  };

  it("leaves no output file, and no temporary file, when the model throws mid-run, in every file format", async () => {
    const input = await writeJsonl(join(dir, "crash.jsonl"), NOTES);
    for (const name of ["crash.out.jsonl", "crash.csv", "crash.parquet", "crash.arrows"]) {
      const output = join(dir, name);
      await expect(inProcess({ input, output, model: crashing })).rejects.toThrow(/model crashed/);
      expect((await readdir(dir)).filter((f) => f.includes(name))).toEqual([]);
    }
    const duckdb = join(dir, "crash.duckdb");
    await expect(inProcess({ input, output: duckdb, model: crashing })).rejects.toThrow(/model crashed/);
    expect(await query(duckdb, "SELECT table_name FROM information_schema.tables")).toEqual([]);
  });

  it("writes through a symlink into the file it points to, and into a named pipe as the run goes, leaving both in place", async () => {
    const input = await writeJsonl(join(dir, "special.jsonl"), NOTES);
    const expected = (await run(["annotate", input, "--id-column", "id"])).out.join("\n") + "\n";
    const real = join(dir, "real-chunks.jsonl");
    const link = join(dir, "link-chunks.jsonl");
    await symlink(real, link);
    expect((await run(["annotate", input, "--id-column", "id", "--output", link])).code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, "utf8")).toBe(expected);
    // Replaced, a file keeps its permissions.
    await chmod(real, 0o600);
    expect((await run(["annotate", input, "--id-column", "id", "--output", link])).code).toBe(0);
    expect((await stat(real)).mode & 0o777).toBe(0o600);

    // A rename would replace the pipe with a plain file its reader never sees (as root, /dev/null too).
    const fifo = join(dir, "chunks.fifo");
    execFileSync("mkfifo", [fifo]);
    const received = readFile(fifo, "utf8");
    expect((await run(["annotate", input, "--id-column", "id", "--output", fifo, "--errors", fifo.replace(".fifo", "-errors.jsonl")])).code).toBe(0);
    expect(await received).toBe(expected);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    // An Arrow stream (written by a stream of its own) and a run with no chunks reach the reader too, and end.
    const arrowFifo = join(dir, "chunks-arrow.fifo");
    execFileSync("mkfifo", [arrowFifo]);
    const arrowBytesRead = readFile(arrowFifo);
    expect((await run(["annotate", input, "--id-column", "id", "--output-format", "arrow", "--output", arrowFifo])).code).toBe(0);
    expect((await readArrow(await arrowBytesRead)).rows).toHaveLength(expected.trim().split("\n").length);
    const empty = await writeJsonl(join(dir, "no-chunks.jsonl"), [{ id: 1, text: "" }]);
    const nothing = readFile(fifo, "utf8");
    expect((await run(["annotate", empty, "--id-column", "id", "--output", fifo])).code).toBe(0);
    expect(await nothing).toBe("");
  });

  it("refuses an --output or --errors that is the input file, or a link to it, and leaves the notes as they were", async () => {
    const input = await writeJsonl(join(dir, "precious.jsonl"), NOTES);
    const before = await readFile(input, "utf8");
    const link = join(dir, "precious-link.jsonl");
    await symlink(input, link);
    for (const [args, message] of [
      [["--output", input], `--output ${input} is the input file: writing it would replace the notes`],
      [["--output", link], `--output ${link} is the input file: writing it would replace the notes`],
      [["--errors", input, "--output", join(dir, "precious-out.jsonl")], `--errors ${input} is the input file: writing it would replace the notes`],
      // Not made yet, the two are still one file.
      [["--output", join(dir, "precious.csv"), "--errors", join(dir, "precious.csv")], `--errors ${join(dir, "precious.csv")} and --output ${join(dir, "precious.csv")} are the same file`],
    ] as const) {
      const result = await run(["annotate", input, "--id-column", "id", ...args]);
      expect(result.code).toBe(2);
      expect(result.err.join("\n")).toContain(message);
    }
    expect(await readFile(input, "utf8")).toBe(before);
    expect((await readdir(dir)).filter((f) => f.startsWith("precious.csv"))).toEqual([]);
    // /dev/stdout opened again would truncate (or, renamed over, replace) the file the shell redirected stdout to.
    const stdout = await run(["annotate", input, "--id-column", "id", "--output", "/dev/stdout"]);
    expect(stdout.code).toBe(1);
    expect(stdout.err.join("\n")).toContain('--output /dev/stdout names file descriptor 1: use "-" for stdout');
    const stderr = await run(["annotate", input, "--id-column", "id", "--errors", "/dev/stderr"]);
    expect(stderr.err.join("\n")).toContain("--errors /dev/stderr names file descriptor 2: leave --errors out for stderr");
  });

  it("removes its temporary output and scratch database when interrupted, and dies of the signal", async () => {
    const notes = Array.from({ length: 20_000 }, (_, i) => ({ id: i, text: NOTES[0]!.text }));
    const input = await writeJsonl(join(dir, "interrupted.jsonl"), notes);
    for (const name of ["interrupted-out.jsonl", "interrupted-out.parquet"]) {
      const scratch = await mkdtemp(join(dir, "tmpdir-"));
      const child = spawn(process.execPath, [BIN, "annotate", input, "--id-column", "id", "--workers", "1", "--output", join(dir, name)], {
        env: { ...process.env, TMPDIR: scratch },
        stdio: "ignore",
      });
      const exited = new Promise<NodeJS.Signals | null>((done) => child.on("exit", (_code, signal) => done(signal)));
      // Interrupt once the temporary output exists, and for Parquet the scratch database in TMPDIR too.
      const started = async () =>
        (await readdir(dir)).some((f) => f.startsWith(`.${name}.kindling-`)) && (name.endsWith(".jsonl") || (await readdir(scratch)).length > 0);
      while (!(await started())) await new Promise((r) => setTimeout(r, 20));
      child.kill("SIGINT");
      expect(await exited).toBe("SIGINT");
      expect((await readdir(dir)).filter((f) => f.includes(name))).toEqual([]);
      expect(await readdir(scratch)).toEqual([]);
    }
  }, 60_000);

  it("hands the model --batch-size notes at a time (the model is replaceable: a worker pool goes there)", async () => {
    const sizes: number[] = [];
    const counting: BatchModel = {
      transformBatches: (input) =>
        model.transformBatches(
          (async function* () {
            for await (const b of input) {
              sizes.push(b.numRows);
              yield b;
            }
          })(),
        ),
    };
    const input = await writeJsonl(join(dir, "sizes.jsonl"), NOTES);
    await inProcess({ input, batchSize: 2, model: counting });
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("records malformed CSV lines and invalid UTF-8 in --errors, naming the line, and annotates every other row", async () => {
    const path = join(dir, "bad.csv");
    const lines = ["id,text", '1,"Severe chest pain, treated with aspirin."', '2,"bad \xff\xfe bytes"', '3,"too","many","fields"', '4,"No fever. CT scan showed a small mass."'];
    await writeFile(path, Buffer.from(lines.join("\n") + "\n", "latin1"));
    const errors = join(dir, "bad-errors.jsonl");
    const output = join(dir, "bad-chunks.jsonl");
    const result = await run(["annotate", path, "--id-column", "id", "--errors", errors, "--output", output]);
    expect(result.code).toBe(0);
    expect(result.err).toEqual([expect.stringMatching(/^kindling: 2 notes, \d+ tokens, \d+ chunks, 2 errors in/)]);
    expect(parseLines((await readFile(errors, "utf8")).trim().split("\n"))).toEqual([
      { id: null, row: null, message: `${path} line 3: INVALID ENCODING: Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.` },
      { id: null, row: null, message: `${path} line 4: TOO MANY COLUMNS: Expected Number of Columns: 2 Found: 3` },
    ]);
    const ids = new Set(parseLines((await readFile(output, "utf8")).trim().split("\n")).map((l) => l.id));
    expect(ids).toEqual(new Set([1, 4]));
  });

  it("records the same errors in a Parquet run's --errors file and in a DuckDB output's errors table", async () => {
    const input = await writeJsonl(join(dir, "long.jsonl"), [...NOTES, { id: 16, text: "Severe chest pain. ".repeat(10) }]);
    const errors = join(dir, "long-errors.jsonl");
    const parquet = await run(["annotate", input, "--id-column", "id", "--max-text-length", "150", "--output", join(dir, "long.parquet"), "--errors", errors]);
    expect(parquet.code).toBe(0);
    const message = "text is 190 UTF-16 code units long, over maxTextLength (150)";
    expect(parseLines((await readFile(errors, "utf8")).trim().split("\n"))).toEqual([{ id: 16, row: 5, message }]);
    const duckdb = join(dir, "long.duckdb");
    const table = await run(["annotate", input, "--id-column", "id", "--max-text-length", "150", "--output", duckdb]);
    expect(table.err[0]).toMatch(/1 errors \(see table chunks_errors\) in/);
    expect(await query(duckdb, "SELECT id, row::INTEGER AS row, message FROM chunks_errors")).toEqual([{ id: "16", row: 5, message }]);
    // On stderr by default.
    const stderr = await run(["annotate", input, "--id-column", "id", "--max-text-length", "150"]);
    expect(stderr.err[0]).toBe(`kindling: row 5 (id 16): ${message}`);
  });

  it("records unreadable JSON lines in --errors, naming the line, and keeps the row numbers of the notes after them", async () => {
    const path = join(dir, "bad.jsonl");
    await writeFile(path, Buffer.from('{"text":"Severe chest pain."}\n{"text":"bad \xff bytes"}\n{"text": "no comma" "x": 1}\n{"text":"No fever."}\n', "latin1"));
    const output = join(dir, "bad-json.jsonl");
    const errors = join(dir, "bad-json-errors.jsonl");
    const result = await run(["annotate", path, "--output", output, "--errors", errors]);
    expect(result.code).toBe(0);
    expect(result.err).toEqual([expect.stringMatching(/^kindling: 4 notes, \d+ tokens, \d+ chunks, 2 errors in/)]);
    expect(parseLines((await readFile(errors, "utf8")).trim().split("\n"))).toEqual([
      { id: 1, row: 1, message: `${path} line 2: invalid UTF-8` },
      { id: 2, row: 2, message: `${path} line 3: malformed JSON: Expected ',' or '}' after property value in JSON at position 20` },
    ]);
    const chunks = parseLines((await readFile(output, "utf8")).trim().split("\n"));
    expect(chunks.map((c) => [c.id, c.chunk])).toEqual([[0, "Severe chest pain"], [3, "fever"]]);
  });

  it("fails a run with more error records than --max-errors, naming the first, and writes nothing", async () => {
    const path = join(dir, "mostly-bad.jsonl");
    await writeFile(path, ['{"id":1,"text":7}', '{"id":2,"text":"Fever."}', '{"id":3,"text":8}'].join("\n") + "\n");
    for (const output of ["limited.jsonl", "limited.parquet"]) {
      const target = join(dir, output);
      const over = await run(["annotate", path, "--id-column", "id", "--max-errors", "1", "--output", target, "--errors", join(dir, "limited-errors.jsonl")]);
      expect(over.code).toBe(1);
      expect(over.err.at(-1)).toBe('kindling: more than 1 note could not be annotated (maxErrors); the first: row 0: text column "text" holds a number (7), expected a string or null');
      expect((await readdir(dir)).filter((f) => f.startsWith("limited"))).toEqual([]);
    }
    const within = await run(["annotate", path, "--id-column", "id", "--max-errors", "2", "--output", join(dir, "within.jsonl")]);
    expect(within.code).toBe(0);
    expect(within.err.at(-1)).toMatch(/^kindling: 3 notes, \d+ tokens, 1 chunks, 2 errors in/);
    expect((await run(["annotate", path, "--max-errors", "-1"])).err.join("\n")).toMatch(/--max-errors <n>' argument '-1' is invalid. must be a non-negative integer/);
  });
});
