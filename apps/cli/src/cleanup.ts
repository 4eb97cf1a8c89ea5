import { rmSync } from "node:fs";
import { constants as osConstants } from "node:os";

/**
 * Temporary files and directories to remove if the run is interrupted (Ctrl-C, `kill`): a half-written output must
 * not stay behind as a hidden `.name.kindling-*.tmp` file, nor a scratch database as big as the output in /tmp.
 */
const pending = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of pending) {
    try {
      // DuckDB's threads may still be writing into a scratch directory: retry a directory that refills.
      rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Keep going: the other paths still go, and the process must still end.
    }
  }
  pending.clear();
  // Die of the same signal, so the exit status says what happened (130 for Ctrl-C in a shell); should another
  // listener keep the process alive, exit with that status anyway.
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
  setTimeout(() => process.exit(128 + (osConstants.signals[signal] ?? 1)), 500);
}

/** Removes `path` if the process is interrupted before the returned function is called. */
export function removeIfInterrupted(path: string): () => void {
  if (!installed) {
    for (const s of SIGNALS) process.on(s, onSignal);
    installed = true;
  }
  pending.add(path);
  return () => void pending.delete(path);
}
