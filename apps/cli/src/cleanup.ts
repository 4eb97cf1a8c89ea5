import { rmSync } from "node:fs";

/**
 * Temporary files and directories to remove if the run is interrupted (Ctrl-C, `kill`): a half-written output must
 * not stay behind as a hidden `.name.kindling-*.tmp` file, nor a scratch database as big as the output in /tmp.
 */
const pending = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of pending) rmSync(path, { recursive: true, force: true });
  pending.clear();
  // Die of the same signal, so the exit status says what happened (130 for Ctrl-C in a shell).
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
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
