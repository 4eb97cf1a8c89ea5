import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "kindling", ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("kindling CLI", () => {
  it("prints help", async () => {
    const { code, out } = await run("--help");
    expect(code).toBe(0);
    expect(out.join("\n")).toMatch(/annotate/);
  });

  it("annotates --text into one JSON line per sentence with UTF-16 offsets", async () => {
    const text = "Mr. ABC denies chest pain. BP 120/80 🙂 stable.";
    const { code, out } = await run("annotate", "--text", text);
    expect(code).toBe(0);
    const lines = out.map((l) => JSON.parse(l));
    expect(lines.map((l) => l.text)).toEqual(["Mr. ABC denies chest pain.", "BP 120/80 🙂 stable."]);
    for (const line of lines) {
      expect(text.slice(line.begin, line.end + 1)).toBe(line.text);
      for (const t of line.tokens) expect(text.slice(t.begin, t.end + 1)).toBe(t.token);
    }
    expect(lines[0].tokens.map((t: { token: string }) => t.token)).toEqual(["Mr.", "ABC", "denies", "chest", "pain", "."]);
  });

  it("reads --file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-cli-"));
    try {
      await writeFile(join(dir, "note.txt"), "No fever.");
      const { out } = await run("annotate", "--file", join(dir, "note.txt"));
      expect(JSON.parse(out[0]!).tokens).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails with a usage error without input, and names a missing file", async () => {
    expect(await run("annotate")).toMatchObject({ code: 2, err: ["error: annotate needs --text or --file"] });
    const missing = await run("annotate", "--file", "/nonexistent/note.txt");
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/\/nonexistent\/note.txt/);
  });

  it("rejects unknown commands", async () => {
    const { code, err } = await run("frobnicate");
    expect(code).not.toBe(0);
    expect(err.join("\n")).toMatch(/unknown command/);
  });
});
