import type { ProgressStream } from "./progress.js";

/** The CLI's outside world, injectable so tests capture exactly what a user would see. */
export interface Io {
  /** One line of stdout (the JSON lines, help). */
  out: (line: string) => void;
  /** One line of stderr (errors, the summary). */
  err: (line: string) => void;
  /** Where the progress bar draws; its `isTTY` decides whether a bar shows by default. */
  progressStream: ProgressStream;
  /** Bytes in: the Arrow IPC stream of `--input-format arrow -` (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Bytes out: the Arrow IPC stream of `--output-format arrow` to "-" (default process.stdout). */
  stdout?: NodeJS.WritableStream;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  progressStream: process.stderr,
  stdin: process.stdin,
  stdout: process.stdout,
};
