// `kindling annotate <table>`: JSON lines, CSV (plain and gzip) and Parquet inputs read through real DuckDB give the
// same chunk lines, which are the LightPipeline's chunks of each note with the note's id in front.
import { LightPipeline } from "@kindling/core";
import { modelCardNote } from "@kindling/fixtures";
import fc from "fast-check";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../src/pipelines.js";
import { chunkRecords } from "../src/records.js";
import { csvOf, duckdb, parseLines, run, sqlString, tempDir, writeJsonl, type Row } from "./helpers.js";

const notes: Row[] = [
  { id: "card", text: modelCardNote() },
  { id: "crlf", text: "Severe chest pain, treated with aspirin.\r\nNo fever." },
  { id: "null", text: null },
  { id: "empty", text: "" },
  { id: "quoted", text: 'CT scan 🙂 showed a "mass";\tBP 120/80, comma.\nStress test ordered.' },
];

const SUMMARY = /^kindling: (\d+) notes, (\d+) tokens, (\d+) chunks, (\d+) errors in \d+\.\d s$/;

describe("kindling annotate <table>", async () => {
  const dir = await tempDir();
  const light = new LightPipeline(await loadPipeline("ner"));

  /** The lines a table of `rows` must give: each note's LightPipeline chunks, led by the note's id. */
  async function expectedLines(rows: readonly Row[], idOf: (row: Row, index: number) => unknown): Promise<Record<string, unknown>[]> {
    const lines: Record<string, unknown>[] = [];
    for (const [i, row] of rows.entries()) {
      if (typeof row.text !== "string") continue;
      for (const chunk of chunkRecords(await light.fullAnnotate(row.text))) lines.push({ id: idOf(row, i), ...chunk });
    }
    return lines;
  }

  const expected = await expectedLines(notes, (row) => row.id);
  const tokens = (await Promise.all(notes.map(async (n) => (await light.fullAnnotate(String(n.text ?? ""))).token!.length))).reduce((a, b) => a + b, 0);
  const jsonl = await writeJsonl(join(dir, "notes.jsonl"), notes);
  const csvText = csvOf(["id", "text"], notes);
  const csv = join(dir, "notes.csv");
  await writeFile(csv, csvText);
  const csvGz = join(dir, "notes.csv.gz");
  await writeFile(csvGz, gzipSync(csvText));
  const parquet = join(dir, "notes.parquet");
  await duckdb(`COPY (SELECT * FROM read_json(${sqlString(jsonl)})) TO ${sqlString(parquet)} (FORMAT parquet)`);

  it("has chunks to compare: the model card note and the short notes have some, null and empty texts none", () => {
    const ids = new Set(expected.map((l) => l.id));
    expect(ids.has("card")).toBe(true);
    expect(ids.has("null") || ids.has("empty")).toBe(false);
  });

  it.each([
    ["JSON lines", jsonl],
    ["CSV", csv],
    ["gzip CSV", csvGz],
    ["Parquet", parquet],
  ])("reads %s into the LightPipeline's chunk lines, with a summary on stderr", async (_format, path) => {
    const { code, out, err } = await run(["annotate", path, "--id-column", "id", "--text-column", "text"]);
    expect(code).toBe(0);
    expect(parseLines(out)).toEqual(expected);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(SUMMARY);
    const [, noteCount, tokenCount, chunkCount, errorCount] = SUMMARY.exec(err[0]!)!;
    expect([Number(noteCount), Number(chunkCount), Number(errorCount)]).toEqual([notes.length, expected.length, 0]);
    expect(Number(tokenCount)).toBe(tokens);
  });

  it("every line's offsets slice its note's text to the chunk", async () => {
    const { out } = await run(["annotate", jsonl, "--id-column", "id"]);
    const textOf = new Map(notes.map((n) => [n.id, n.text as string]));
    for (const line of parseLines(out)) {
      expect(textOf.get(line.id as string)!.slice(line.begin as number, (line.end as number) + 1)).toBe(line.chunk);
    }
  });

  it("uses the 0-based row number as the id without --id-column", async () => {
    const { out } = await run(["annotate", csv]);
    expect(parseLines(out)).toEqual(await expectedLines(notes, (_row, i) => i));
  });

  it("reads the text column named by --text-column", async () => {
    const path = await writeJsonl(join(dir, "renamed.jsonl"), notes.map(({ id, text }) => ({ note_id: id, body: text })));
    const { code, out } = await run(["annotate", path, "--id-column", "note_id", "--text-column", "body"]);
    expect(code).toBe(0);
    expect(parseLines(out)).toEqual(expected);
  });

  it("keeps integer ids numbers in every format", async () => {
    const numbered = notes.map((n, i) => ({ ...n, id: 100 + i }));
    const path = await writeJsonl(join(dir, "numbered.jsonl"), numbered);
    const csvPath = join(dir, "numbered.csv");
    await writeFile(csvPath, csvOf(["id", "text"], numbered).replace(/^"(\d+)"/gm, "$1"));
    const want = await expectedLines(numbered, (row) => row.id);
    for (const input of [path, csvPath]) expect(parseLines((await run(["annotate", input, "--id-column", "id"])).out)).toEqual(want);
  });

  it("copies ids of mixed JSON types as they are in the file", async () => {
    const path = await writeJsonl(join(dir, "mixed-ids.jsonl"), [{ id: "a", text: "Severe chest pain." }, { id: 7, text: "Severe chest pain." }]);
    const ids = parseLines((await run(["annotate", path, "--id-column", "id"])).out).map((l) => l.id);
    expect(new Set(ids)).toEqual(new Set(["a", 7]));
  });

  it("treats a CSV text column as text even when every value looks like a number", async () => {
    const path = join(dir, "numeric.csv");
    await writeFile(path, "id,text\n1,42\n2,7\n");
    const { code, err } = await run(["annotate", path]);
    expect(code).toBe(0);
    expect(err[0]).toMatch(/^kindling: 2 notes, /);
  });

  it("takes the format from --input-format when the file name does not tell", async () => {
    const path = join(dir, "notes.txt");
    await writeFile(path, await readFile(jsonl));
    const guessed = await run(["annotate", path, "--id-column", "id"]);
    expect(guessed.code).toBe(1);
    expect(guessed.err[0]).toBe(
      `kindling: ${path}: cannot tell the input format from the file name; use .jsonl/.ndjson, .csv, .parquet, .duckdb or .arrows, or pass --input-format jsonl|csv|parquet|duckdb|arrow`,
    );
    const told = await run(["annotate", path, "--id-column", "id", "--input-format", "jsonl"]);
    expect(parseLines(told.out)).toEqual(expected);
    const wrong = await run(["annotate", csv, "--input-format", "parquet"]);
    expect(wrong.code).toBe(1);
    expect(wrong.err[0]).toContain(`kindling: ${csv}: cannot read it:`);
  });

  it("writes --output and keeps stdout free of everything but JSON lines", async () => {
    const path = join(dir, "chunks.jsonl");
    const { code, out, err } = await run(["annotate", parquet, "--id-column", "id", "--output", path]);
    expect(code).toBe(0);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(SUMMARY);
    const stdout = await run(["annotate", parquet, "--id-column", "id", "--output", "-"]);
    expect(await readFile(path, "utf8")).toBe(stdout.out.join("\n") + "\n");
  });

  it("names an --output it cannot write, before reading any note", async () => {
    const path = join(dir, "no-such-dir", "chunks.jsonl");
    expect(await run(["annotate", jsonl, "--output", path])).toMatchObject({ code: 1, out: [], err: [`kindling: cannot write --output ${path} (ENOENT)`] });
  });

  it("names a missing id or text column, the file, and the columns it has", async () => {
    const noId = await run(["annotate", jsonl, "--id-column", "note_id"]);
    expect(noId.code).toBe(1);
    expect(noId.err).toEqual([`kindling: ${jsonl}: no id column "note_id" (available columns: id, text)`]);
    const noText = await run(["annotate", parquet, "--text-column", "transcription"]);
    expect(noText.err).toEqual([`kindling: ${parquet}: no text column "transcription" (available columns: id, text)`]);
    const csvNoText = await run(["annotate", csv, "--text-column", "Text"]);
    expect(csvNoText.err).toEqual([`kindling: ${csv}: no text column "Text" (available columns: id, text)`]);
  });

  it("names a missing input file", async () => {
    const path = join(dir, "absent.jsonl");
    expect(await run(["annotate", path])).toMatchObject({ code: 1, out: [], err: [`kindling: ${path}: cannot read the input table (ENOENT)`] });
  });

  it("records non-string text values on stderr, naming the row, the id and the value, and keeps every other row", async () => {
    const rows = [{ id: "a", text: "Severe chest pain." }, { id: "b", text: null }, { id: "c", text: 42 }, { id: "d", text: "No fever." }];
    const path = await writeJsonl(join(dir, "mixed.jsonl"), rows);
    const mixed = await run(["annotate", path, "--id-column", "id"]);
    expect(mixed.code).toBe(0);
    expect(mixed.err[0]).toBe('kindling: row 2 (id "c"): text column "text" holds a number (42), expected a string or null');
    expect(mixed.err[1]).toMatch(/^kindling: 4 notes, \d+ tokens, \d+ chunks, 1 errors in/);
    expect(parseLines(mixed.out)).toEqual(await expectedLines([rows[0]!, rows[3]!] as Row[], (row) => row.id));

    const arrays = join(dir, "arrays.jsonl");
    await writeFile(arrays, '{"text":"ok"}\n{"text":["chest","pain"]}\n');
    expect((await run(["annotate", arrays])).err[0]).toBe('kindling: row 1 (id 1): text column "text" holds an array (["chest","pain"]), expected a string or null');
  });

  it("fails on a text column of another type, naming the file, the column and its type, before any output", async () => {
    const ints = join(dir, "ints.parquet");
    await duckdb(`COPY (SELECT * FROM (VALUES (1, NULL), (2, 7)) AS t(id, text)) TO ${sqlString(ints)} (FORMAT parquet)`);
    const output = join(dir, "ints-chunks.jsonl");
    const result = await run(["annotate", ints, "--output", output]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([`kindling: ${ints}: text column "text" has type INTEGER, expected VARCHAR (cast it in a query source if it holds text: SELECT ..., CAST("text" AS VARCHAR) AS "text")`]);
    await expect(readFile(output)).rejects.toThrow(/ENOENT/);
  });

  it("--batch-size gives the same lines in smaller batches", async () => {
    expect(parseLines((await run(["annotate", jsonl, "--id-column", "id", "--batch-size", "2"])).out)).toEqual(expected);
  });

  it("draws a progress bar on stderr only with --progress or on a terminal", async () => {
    const forced = await run(["annotate", jsonl, "--id-column", "id", "--progress"]);
    expect(forced.progress).toMatch(new RegExp(`100% \\| ${notes.length}/${notes.length} notes \\| ${tokens} tokens \\| ${expected.length} chunks \\| [\\d.]+ notes/s \\| ETA`));
    expect(parseLines(forced.out)).toEqual(expected);

    expect((await run(["annotate", jsonl])).progress).toBe("");
    expect((await run(["annotate", jsonl], { tty: true })).progress).toMatch(/annotating .*notes/);
    expect((await run(["annotate", jsonl, "--no-progress"], { tty: true })).progress).toBe("");
  });

  it("annotates each note of a generated table exactly as --text annotates it alone", async () => {
    const clinical = fc.constantFrom("chest pain", "aspirin", "CT scan", "fever", "Mr. ABC", "denies", "80%", "stress test");
    const word = fc.oneof(clinical, clinical, fc.string({ unit: "grapheme", maxLength: 8 }));
    const text = fc.array(fc.tuple(word, fc.constantFrom(" ", "\r\n", "\t", ". ", " 🙂 ", ", ")), { maxLength: 20 }).map((p) => p.map(([w, s]) => w + s).join(""));
    const table = fc.array(fc.option(text, { nil: null }), { minLength: 1, maxLength: 4 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(table, async (texts) => {
        const path = await writeJsonl(join(dir, `generated-${n++}.jsonl`), texts.map((t) => ({ text: t })));
        const { code, out } = await run(["annotate", path]);
        expect(code).toBe(0);
        const alone: Record<string, unknown>[] = [];
        for (const [i, t] of texts.entries()) {
          if (t !== null) alone.push(...parseLines((await run(["annotate", "--text", t])).out).map((l) => ({ id: i, ...l })));
        }
        expect(parseLines(out)).toEqual(alone);
      }),
      { numRuns: 25 },
    );
  });
});
