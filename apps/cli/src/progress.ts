import cliProgress from "cli-progress";

/** Progress of a table run, on stderr only: stdout carries the JSON lines and must stay clean for pipes. */
export interface Progress {
  update(notes: number, records: number): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { update: () => {}, stop: () => {} };

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/** The --progress / --no-progress flag decides; without either, a bar shows only on a terminal. */
export function wantsProgress(flag: boolean | undefined, stream: ProgressStream): boolean {
  return flag ?? stream.isTTY === true;
}

/** A cli-progress bar; on a non-terminal (forced with --progress) it prints a plain line every couple of seconds. */
export function startProgress(stream: ProgressStream, total: number, unit: string): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `annotating [{bar}] {percentage}% | {value}/{total} notes | {records} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted}`,
      noTTYOutput: true,
      hideCursor: stream.isTTY === true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { records: 0 });
  return {
    update: (notes, records) => bar.update(notes, { records }),
    stop: () => bar.stop(),
  };
}
