import cliProgress from "cli-progress";

/** Progress of a table run, on stderr only: stdout carries the output and must stay clean for pipes. */
export interface Progress {
  update(totals: { notes: number; tokens: number; records: number }): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { update: () => {}, stop: () => {} };

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/** The --progress / --no-progress flag decides; without either, a bar shows only on a terminal. */
export function wantsProgress(flag: boolean | undefined, stream: ProgressStream): boolean {
  return flag ?? stream.isTTY === true;
}

/**
 * A cli-progress bar with the rate and, when the number of notes is known, the ETA; an Arrow stream on stdin
 * cannot be counted, so it gets a running count instead. On a non-terminal (forced with --progress) it prints a
 * plain line every couple of seconds.
 */
export function startProgress(stream: ProgressStream, total: number | undefined, unit: string): Progress {
  const counts = `{value} notes | {tokens} tokens | {records} ${unit} | {rate} notes/s`;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: total === undefined ? `annotating ${counts} | {duration_formatted} elapsed` : `annotating [{bar}] {percentage}% | ${counts.replace("{value}", "{value}/{total}")} | ETA {eta_formatted}`,
      noTTYOutput: true,
      hideCursor: stream.isTTY === true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total ?? 0, 0, { tokens: 0, records: 0, rate: "0" });
  return {
    update: ({ notes, tokens, records }) => {
      const seconds = (performance.now() - started) / 1000;
      bar.update(notes, { tokens, records, rate: seconds > 0 ? (notes / seconds).toFixed(1) : "0" });
    },
    stop: () => bar.stop(),
  };
}
