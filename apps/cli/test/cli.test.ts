import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "./helpers.js";

describe("kindling --help", () => {
  it("names the command and the pipeline it runs", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    const help = out.join("\n").replace(/\s+/g, " ");
    expect(help).toMatch(/annotate \[options\] \[input\]/);
    expect(help).toMatch(/WordEmbeddingsModel → MedicalNerModel → NerConverter/);
  });

  it("annotate --help describes every option, the input formats and the output lines", async () => {
    const { code, out } = await run(["annotate", "--help"]);
    expect(code).toBe(0);
    const help = out.join("\n").replace(/\s+/g, " ");
    const flags = ["--text", "--file", "--pipeline", "--output", "--output-format", "--id-column", "--text-column", "--input-format", "--table", "--output-table"];
    for (const flag of [...flags, "--batch-size", "--max-text-length", "--max-errors", "--errors", "--replace", "--append", "--progress", "--no-progress", "--ner-model", "--embeddings", "--head"]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('{"chunk","begin","end","ner_label","confidence","sentence"}');
    expect(help).toMatch(/\.jsonl.*\.csv.*\.parquet.*\.duckdb/s);
    expect(help).toContain("--input-format arrow - --output-format arrow -");
    expect(help).toMatch(/0-based row number/);
  });
});

describe("kindling annotate --pipeline tokens", async () => {
  const dir = await tempDir();

  it("prints one JSON line per sentence with UTF-16 offsets", async () => {
    const text = "Mr. ABC denies chest pain. BP 120/80 🙂 stable.";
    const { code, out } = await run(["annotate", "--pipeline", "tokens", "--text", text]);
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
    const path = join(dir, "note.txt");
    await writeFile(path, "No fever.");
    const { out } = await run(["annotate", "--pipeline", "tokens", "--file", path]);
    expect(JSON.parse(out[0]!).tokens).toHaveLength(3);
  });

  it("refuses a --file that is not UTF-8, naming the byte, instead of annotating U+FFFD", async () => {
    const path = join(dir, "latin1.txt");
    await writeFile(path, Buffer.from("Caf\xe9 au lait spots. ", "latin1")); // é in Latin-1 is byte 3
    const result = await run(["annotate", "--file", path]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([`kindling: ${path}: not valid UTF-8 at byte 3; convert it first (e.g. iconv -f latin1 -t utf-8)`]);
    // A stray continuation byte after a valid 4-byte character is named where it is.
    await writeFile(path, Buffer.concat([Buffer.from("🙂 ok"), Buffer.from([0x80]), Buffer.from(" fever")]));
    expect((await run(["annotate", "--file", path])).err[0]).toContain("not valid UTF-8 at byte 7;");
    // ... and right after a valid 2-byte character (é = C3 A9 at bytes 3-4), not at that character's lead byte.
    await writeFile(path, Buffer.from([0x63, 0x61, 0x66, 0xc3, 0xa9, 0x80, 0x20, 0x66]));
    expect((await run(["annotate", "--file", path])).err[0]).toContain("not valid UTF-8 at byte 5;");
    const missing = await run(["annotate", "--file", join(dir, "absent.txt")]);
    expect(missing.err).toEqual([`kindling: ${join(dir, "absent.txt")}: cannot read it (ENOENT)`]);
  });
});

describe("kindling usage errors", () => {
  it("needs exactly one of --text, --file or an input table", async () => {
    const none = await run(["annotate"]);
    expect(none.code).toBe(2);
    expect(none.err).toEqual(['error: annotate needs exactly one of --text, --file or an input table (see "kindling annotate --help")']);
    const both = await run(["annotate", "notes.jsonl", "--text", "x"]);
    expect(both.code).toBe(2);
    expect(both.err).toEqual(["error: annotate needs exactly one of --text, --file or an input table"]);
  });

  it("rejects table-only options with --text and --file", async () => {
    const tableOnly = [["--id-column", "id"], ["--text-column", "note"], ["--input-format", "csv"], ["--output-format", "csv"], ["--table", "notes"], ["--errors", "e.jsonl"], ["--replace"], ["--append"]] as const;
    for (const [flag, value] of [...tableOnly, ["--batch-size", "8"], ["--max-text-length", "9"], ["--progress"]] as const) {
      const args = value === undefined ? [flag] : [flag, value];
      const result = await run(["annotate", "--text", "x", ...args]);
      expect(result.code).toBe(2);
      expect(result.err.join("\n")).toMatch(new RegExp(`option '${flag}.*' cannot be used with option '-t, --text`));
    }
  });

  it("rejects a bad --pipeline, --input-format and --batch-size", async () => {
    expect((await run(["annotate", "--pipeline", "pos", "--text", "x"])).err.join("\n")).toMatch(/Allowed choices are ner, tokens/);
    expect((await run(["annotate", "n.txt", "--input-format", "xlsx"])).err.join("\n")).toMatch(/Allowed choices are jsonl, csv, parquet, duckdb, arrow/);
    const zero = await run(["annotate", "n.jsonl", "--batch-size", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.err.join("\n")).toMatch(/--batch-size <n>' argument '0' is invalid. must be a positive integer/);
  });

  it("names a missing --file", async () => {
    const missing = await run(["annotate", "--file", "/nonexistent/note.txt"]);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/\/nonexistent\/note.txt/);
  });

  it("rejects unknown commands", async () => {
    const { code, err } = await run(["frobnicate"]);
    expect(code).toBe(2);
    expect(err.join("\n")).toMatch(/unknown command/);
  });
});
