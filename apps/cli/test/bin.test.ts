// The installed `kindling` binary (bin/kindling.js over the built dist/), run as a real process.
import { modelCardNote, sharedPath } from "@kindling/fixtures";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "./helpers.js";

const BIN = fileURLToPath(new URL("../bin/kindling.js", import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary; with `closeAfterFirstLine`, stdout is closed after the first line, like `| head -1`. */
function kindling(args: string[], closeAfterFirstLine = false): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString();
      if (closeAfterFirstLine && stdout.includes("\n")) child.stdout.destroy();
    });
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("bin/kindling.js", async () => {
  const dir = await tempDir();

  it("prints the same chunk lines as the in-process CLI, and nothing on stderr", async () => {
    const note = modelCardNote();
    const [proc, inProcess] = await Promise.all([kindling(["annotate", "--text", note]), run(["annotate", "--text", note])]);
    expect(proc).toEqual({ code: 0, stdout: inProcess.out.join("\n") + "\n", stderr: "" });
  });

  it("gives the same lines, in input order, with 2 worker threads as on the main thread", async () => {
    // aci-dev's 40 real visit notes in batches of 4: ten batches interleaved across the two workers.
    const notes = sharedPath("data", "ner", "aci-dev", "notes.jsonl");
    const args = ["annotate", notes, "--id-column", "id", "--batch-size", "4", "--no-progress"];
    const [pooled, single] = await Promise.all([kindling([...args, "--workers", "2"]), kindling([...args, "--workers", "1"])]);
    expect(pooled.code).toBe(0);
    expect(single.code).toBe(0);
    const lines = single.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(1000);
    expect(new Set(lines.map((l) => JSON.parse(l).id)).size).toBe(40);
    expect(pooled.stdout).toBe(single.stdout);
    expect(pooled.stderr).toMatch(/^kindling: 40 notes, \d+ tokens, \d+ chunks, 0 errors in /);
  });

  it("exits 2 on a usage error", async () => {
    const proc = await kindling(["annotate"]);
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/^error: annotate needs exactly one of --text, --file or an input table/);
  });

  it("ends quietly when its reader closes stdout early", async () => {
    // Far more output than a pipe buffers, so writes go on after the reader has gone.
    const path = join(dir, "long.txt");
    await writeFile(path, "Severe chest pain. ".repeat(20_000));
    const proc = await kindling(["annotate", "--file", path], true);
    expect(proc.code).toBe(0);
    expect(proc.stderr).toBe("");
  });
});
