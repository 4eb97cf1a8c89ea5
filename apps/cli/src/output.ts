import type { RowError } from "@kindling/duckdb";
import { Float64, Int32, RecordBatch, RecordBatchStreamWriter, Table, Utf8, vectorFromArray, type DataType } from "apache-arrow";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { randomBytes } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import { access, lstat, open, readlink, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { removeIfInterrupted } from "./cleanup.js";
import type { IdFormat } from "./ids.js";
import type { Io } from "./io.js";
import type { ChunkRecord } from "./records.js";

/** Formats `kindling annotate --output` writes. */
export const OUTPUT_FORMATS = ["jsonl", "csv", "parquet", "duckdb", "arrow"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const EXTENSIONS: Readonly<Record<string, OutputFormat>> = {
  csv: "csv",
  parquet: "parquet",
  duckdb: "duckdb",
  db: "duckdb",
  arrow: "arrow",
  arrows: "arrow",
};

/** The format an --output name implies: JSON lines unless its extension names another format. */
export function outputFormatOf(path: string | undefined): OutputFormat {
  if (path === undefined || path === "-") return "jsonl";
  const parts = basename(path).toLowerCase().split(".");
  return (parts.length > 1 ? EXTENSIONS[parts.at(-1)!] : undefined) ?? "jsonl";
}

/**
 * A file written under a temporary name beside its final path and renamed into place on `commit`: a failed or
 * interrupted run never leaves a half-written output (rename within one directory is atomic). A symlink is followed,
 * so the file it points to is replaced, not the link. A FIFO, device or socket (a named pipe, `/dev/null`) cannot be
 * replaced by a rename (as root, `/dev/null` would become a plain file): it is written directly, as the run goes. A
 * path naming a file descriptor (`/dev/stdout`) is refused.
 */
export class AtomicFile {
  /** Open until `release`; a special file is opened on the first write, so a pipe's reader sees one writer. */
  private handle: FileHandle | undefined;
  /** A writer of its own (DuckDB's COPY, a write stream) opens `writePath` after `release`. */
  private handedOver = false;
  /** Stops removing the temporary file on an interrupt: it has been renamed or removed. */
  private readonly forget: () => void;

  private constructor(
    readonly path: string,
    /** Where writers write: the temporary file, or the special file itself. */
    readonly writePath: string,
    handle: FileHandle | undefined,
    /** A pipe or device, written as the run goes: nothing to rename, nothing to take back. */
    readonly direct: boolean,
    forget: () => void,
  ) {
    this.handle = handle;
    this.forget = forget;
  }

  /** Opens the file to write now (a special file: checks it is writable), so a bad --output fails before any note is read. */
  static async create(path: string, what = "--output"): Promise<AtomicFile> {
    const alias = await fdAlias(path);
    if (alias !== undefined) {
      // Opened again, /dev/stdout would truncate a file the shell redirected to (or, renamed over, replace it).
      throw new Error(`${what} ${path} names file descriptor ${alias}: ${alias === 1 ? 'use "-" for stdout' : alias === 2 ? "leave --errors out for stderr" : "give a file path"}`);
    }
    try {
      const target = await writeTarget(path);
      const existing = await stat(target).catch(() => undefined);
      if (existing?.isDirectory()) throw Object.assign(new Error(), { code: "EISDIR" });
      if (existing && !existing.isFile()) {
        await access(target, constants.W_OK);
        return new AtomicFile(path, target, undefined, true, () => {});
      }
      const tempPath = join(dirname(target), `.${basename(target)}.kindling-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
      // Registered before the file exists, so no interrupt can come between its creation and its registration.
      const forget = removeIfInterrupted(tempPath);
      const handle = await open(tempPath, "wx").catch((e: unknown) => {
        forget();
        throw e;
      });
      // A replaced file keeps its permissions (a 0600 file of chunks from notes must not become world-readable).
      if (existing) await handle.chmod(existing.mode & 0o7777).catch(() => {});
      return new AtomicFile(target, tempPath, handle, false, forget);
    } catch (e) {
      throw new Error(`cannot write ${what} ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }

  async write(text: string): Promise<unknown> {
    // Reopening with "w" would truncate what the writer it was handed to wrote.
    if (this.handedOver) throw new Error(`${this.path}: written after release`);
    this.handle ??= await open(this.writePath, "w");
    return this.handle.write(text);
  }

  /** The handle closed, for writers that open `writePath` themselves (DuckDB's COPY, a write stream). */
  async release(): Promise<void> {
    this.handedOver = true;
    await this.close();
  }

  async commit(): Promise<void> {
    // A pipe nobody wrote to still needs a writer to come and go, or its reader waits for ever.
    if (this.direct && !this.handedOver) this.handle ??= await open(this.writePath, "w");
    await this.close();
    if (!this.direct) await rename(this.writePath, this.path);
    this.forget();
  }

  /** Drops the temporary file; what went to a special file is out already. */
  async abort(): Promise<void> {
    await this.close();
    if (!this.direct) await rm(this.writePath, { force: true });
    this.forget();
  }

  private async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => {});
  }
}

/**
 * `path` (made absolute) and each path its symlinks lead to, in order, as the kernel follows them: a relative target
 * from the link's real directory. Ends at the first path that is not a link (or not there), or after 40 links.
 */
async function* linkChain(path: string): AsyncGenerator<string> {
  let current = resolve(path);
  for (let links = 0; links <= 40; links++) {
    yield current;
    const link = await lstat(current).catch(() => undefined);
    if (!link?.isSymbolicLink()) return;
    const dir = await realpath(dirname(current)).catch(() => dirname(current));
    current = resolve(dir, await readlink(current));
  }
}

/** The file a write to `path` replaces: the end of its symlink chain (a file not made yet too), without directory links. */
export async function writeTarget(path: string): Promise<string> {
  let end = path;
  for await (const hop of linkChain(path)) end = hop;
  try {
    return await realpath(end); // ELOOP past 40 links
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const dir = await realpath(dirname(end)).catch(() => dirname(end));
  return join(dir, basename(end));
}

/** The file descriptor `path` stands for (/dev/stdout, /dev/fd/3, /proc/self/fd/2, or a link to one), if it does. */
async function fdAlias(path: string): Promise<number | undefined> {
  for await (const hop of linkChain(path)) {
    const named = /^\/dev\/(?:std(in|out|err)|fd\/(\d+))$|^\/proc\/(?:self|thread-self|\d+)\/fd\/(\d+)$/.exec(hop);
    if (named) return named[1] ? ["in", "out", "err"].indexOf(named[1]) : Number(named[2] ?? named[3]);
  }
  return undefined;
}

/** One input row's id and the records (JSON line objects) made from its annotations. */
export interface RowRecords {
  id: unknown;
  records: readonly object[];
}

/** Where the records of a streamed run go, batch by batch; `commit` makes them visible, `abort` drops them. */
export interface RecordSink {
  write(rows: readonly RowRecords[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** JSON lines `{ id, ...record }` to stdout (as the run goes) or to a file (renamed into place at the end). */
export async function jsonLinesSink(path: string | undefined, ids: IdFormat, io: Io): Promise<RecordSink> {
  const lines = (rows: readonly RowRecords[]) => rows.flatMap(({ id, records }) => records.map((r) => JSON.stringify({ id: ids.json(id), ...r })));
  if (path === undefined || path === "-") {
    return { write: async (rows) => lines(rows).forEach(io.out), commit: async () => {}, abort: async () => {} };
  }
  const file = await AtomicFile.create(path);
  return {
    write: async (rows) => {
      const text = lines(rows);
      if (text.length > 0) await file.write(text.join("\n") + "\n");
    },
    commit: () => file.commit(),
    abort: () => file.abort(),
  };
}

/** The Arrow schema of chunk records, with the input's id type. */
function chunkBatch(rows: readonly RowRecords[], ids: IdFormat): RecordBatch {
  const idValues: unknown[] = [];
  const chunks: ChunkRecord[] = [];
  for (const { id, records } of rows) {
    for (const record of records as ChunkRecord[]) {
      idValues.push(ids.arrow(id));
      chunks.push(record);
    }
  }
  const column = <T extends DataType>(type: T, values: unknown[]) => vectorFromArray(values as never[], type);
  const table = new Table({
    id: column(ids.arrowType, idValues),
    chunk: column(new Utf8(), chunks.map((c) => c.chunk)),
    begin: column(new Int32(), chunks.map((c) => c.begin)),
    end: column(new Int32(), chunks.map((c) => c.end)),
    ner_label: column(new Utf8(), chunks.map((c) => c.ner_label)),
    confidence: column(new Float64(), chunks.map((c) => c.confidence)),
    sentence: column(new Int32(), chunks.map((c) => c.sentence)),
  });
  return table.batches[0] ?? new RecordBatch(table.schema);
}

/**
 * Chunk records as an Arrow IPC stream (`id, chunk, begin, end, ner_label, confidence, sentence`), one record batch
 * per input batch, to stdout or to a file renamed into place at the end. Empty batches are written too, so even a
 * run without chunks writes the schema.
 */
export async function arrowChunkSink(path: string | undefined, ids: IdFormat, io: Io): Promise<RecordSink> {
  const file = path === undefined || path === "-" ? undefined : await AtomicFile.create(path);
  await file?.release();
  const fileStream = file ? createWriteStream(file.writePath) : undefined;
  // A pipe whose reader went away fails with EPIPE: kept here and thrown by the next write, not left unhandled.
  let streamError: Error | undefined;
  fileStream?.on("error", (e) => (streamError ??= e));
  const destination = fileStream ?? io.stdout ?? process.stdout;
  const writer = new RecordBatchStreamWriter();
  let wroteBatch = false;
  const pumped = (async () => {
    for await (const bytes of writer) {
      if (streamError) throw streamError;
      if (!destination.write(bytes)) await Promise.race([once(destination, "drain"), once(destination, "error")]);
    }
  })();
  pumped.catch(() => {}); // awaited by finish; a failure also surfaces through streamError
  const finish = async () => {
    if (!wroteBatch) writer.write(chunkBatch([], ids));
    writer.close();
    await pumped;
    if (fileStream) await finished(fileStream.end());
  };
  return {
    write: async (rows) => {
      if (streamError) throw streamError;
      writer.write(chunkBatch(rows, ids));
      wroteBatch = true;
    },
    commit: async () => {
      await finish();
      if (streamError) throw streamError;
      await file?.commit();
    },
    // On stdout or a pipe, no end-of-stream marker: the reader must see a truncated stream, not a complete-looking one.
    abort: async () => {
      if (!file) return;
      if (file.direct) fileStream?.destroy();
      else await finish().catch(() => {});
      await file.abort();
    },
  };
}

/** Where error records go: stderr lines, or JSON lines `{ id, row, message }` in the --errors file. */
export interface ErrorSink {
  write(error: RowError): void;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function describeError(error: RowError, ids: IdFormat): string {
  return error.row === null ? error.message : `row ${error.row} (id ${JSON.stringify(ids.json(error.id))}): ${error.message}`;
}

export async function errorSink(path: string | undefined, ids: IdFormat, io: Io): Promise<ErrorSink> {
  if (path === undefined) {
    return { write: (error) => io.err(`kindling: ${describeError(error, ids)}`), commit: async () => {}, abort: async () => {} };
  }
  const file = await AtomicFile.create(path, "--errors");
  let pending: Promise<unknown> = Promise.resolve();
  return {
    write: (error) => {
      const line = JSON.stringify({ id: ids.json(error.id), row: error.row, message: error.message }) + "\n";
      pending = pending.then(() => file.write(line));
    },
    commit: async () => {
      await pending;
      await file.commit();
    },
    abort: async () => {
      await pending.catch(() => {});
      await file.abort();
    },
  };
}
