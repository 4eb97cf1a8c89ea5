import { open, type FileHandle } from "node:fs/promises";

/** Where JSON lines go: stdout, or a file written batch by batch as the run goes. */
export interface LineSink {
  write(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** `-` (or no --output) means stdout, through the CLI's injectable `out`. */
export async function openSink(path: string | undefined, out: (line: string) => void): Promise<LineSink> {
  if (path === undefined || path === "-") {
    return {
      write: async (lines) => lines.forEach(out),
      close: async () => {},
    };
  }
  let handle: FileHandle;
  try {
    handle = await open(path, "w");
  } catch (e) {
    throw new Error(`cannot write --output ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return {
    write: async (lines) => {
      if (lines.length > 0) await handle.write(lines.join("\n") + "\n");
    },
    close: () => handle.close(),
  };
}
