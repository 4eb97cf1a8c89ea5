// kindling_slice(text, begin, end) cuts DuckDB text with Kindling's UTF-16 offsets exactly as JavaScript's
// text.slice(begin, end + 1) does, where DuckDB's own substring (code points) goes wrong after an emoji.
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { installSliceMacro, sliceMacroSql } from "../src/index.js";
import { isWellFormed, openDatabase, tempDir } from "./helpers.js";
import { join } from "node:path";

/** Offsets at code-point boundaries of `text` (Kindling never splits a surrogate pair). */
function boundaries(text: string): number[] {
  const out = [0];
  for (const ch of text) out.push(out.at(-1)! + ch.length);
  return out;
}

const piece = fc.oneof(
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom("🙂", "𝔼", "👩‍⚕️", "é", "e\u0301", "\u{FDD0}", "🙂\u{FDD0}", "\r\n", "\t", "chest pain", "中文", "\u0000"),
);
const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join("")).filter((t) => isWellFormed(t) && t.length > 0);
/** A text and begin <= end, both code-point boundaries, end inclusive. */
const slice = text.chain((t) => {
  const b = boundaries(t);
  return fc
    .tuple(fc.integer({ min: 0, max: b.length - 2 }), fc.integer({ min: 0, max: b.length - 2 }))
    .map(([i, j]) => ({ text: t, begin: b[Math.min(i, j)]!, end: b[Math.max(i, j) + 1]! - 1 }));
});

describe("kindling_slice", async () => {
  const { connection } = await openDatabase();
  await installSliceMacro(connection);
  const sliceOf = async (t: string, begin: number, end: number) =>
    (await connection.runAndReadAll("SELECT kindling_slice($1, $2, $3)", [t, begin, end])).getRowsJS()[0]![0];

  it("equals text.slice(begin, end + 1) on generated text with emoji, astral letters, combining marks and pads", async () => {
    await fc.assert(
      fc.asyncProperty(slice, async ({ text, begin, end }) => {
        expect(await sliceOf(text, begin, end)).toBe(text.slice(begin, end + 1));
      }),
      { numRuns: 300 },
    );
  });

  it("is needed: substring with the same offsets is off by one after each emoji", async () => {
    const t = "🙂 chest pain";
    const begin = t.indexOf("chest");
    const end = begin + "chest pain".length - 1;
    const substring = (await connection.runAndReadAll("SELECT substring($1, $2 + 1, $3 - $2 + 1)", [t, begin, end])).getRowsJS()[0]![0];
    expect(substring).toBe("hest pain");
    expect(await sliceOf(t, begin, end)).toBe("chest pain");
  });

  it("gives NULL for NULL text and the empty string for an empty span (end = begin - 1)", async () => {
    expect(await sliceOf(null as unknown as string, 0, 1)).toBeNull();
    expect(await sliceOf("abc", 1, 0)).toBe("");
  });

  it("is temporary by default: other connections and later sessions do not see it", async () => {
    const dir = await tempDir();
    const path = join(dir, "temp.duckdb");
    const instance = await DuckDBInstance.create(path);
    const first = await instance.connect();
    await installSliceMacro(first);
    const other = await instance.connect();
    await expect(other.run("SELECT kindling_slice('abc', 0, 0)")).rejects.toThrow(/kindling_slice/);
    first.closeSync();
    other.closeSync();
    instance.closeSync();
  });

  it("with persistent: true is stored in the database file and callable after reopening", async () => {
    const dir = await tempDir();
    const path = join(dir, "persistent.duckdb");
    let instance = await DuckDBInstance.create(path);
    let connection = await instance.connect();
    await installSliceMacro(connection, { persistent: true });
    connection.closeSync();
    instance.closeSync();
    instance = await DuckDBInstance.create(path);
    connection = await instance.connect();
    expect((await connection.runAndReadAll("SELECT kindling_slice('🙂 ok', 3, 4)")).getRowsJS()[0]![0]).toBe("ok");
    connection.closeSync();
    instance.closeSync();
  });

  it("takes another name", async () => {
    await installSliceMacro(connection, { name: "utf16_slice" });
    expect((await connection.runAndReadAll("SELECT utf16_slice('🙂 ok', 3, 4)")).getRowsJS()[0]![0]).toBe("ok");
    expect(sliceMacroSql({ name: "utf16_slice", persistent: true })).toMatch(/^CREATE OR REPLACE MACRO "utf16_slice"\(text, "begin", "end"\) AS CASE/);
  });
});
