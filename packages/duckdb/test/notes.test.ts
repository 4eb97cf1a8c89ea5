// annotateNotes pairs the model's output rows with the ids kept aside, whatever batches the model yields; and over
// generated notes (emoji, CRLF, tabs, astral letters) every chunk's offsets slice its note to the chunk, in
// JavaScript and with kindling_slice in DuckDB.
import { LightPipeline } from "@kindling/core";
import { RecordBatch, Table } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annotateNotes, annotateTable, chunkRecord, installSliceMacro, textBatch, type BatchModel, type NoteBatch } from "../src/index.js";
import { isWellFormed, openDatabase, rows } from "./helpers.js";
import { nerPipeline } from "./pipeline.js";

const TEXTS = ["Severe chest pain.", "No fever.", null, "CT scan showed a mass.", "", "Started aspirin.", "BP 120/80 🙂 stable."];

async function* noteBatches(sizes: number[]): AsyncGenerator<NoteBatch> {
  let row = 0;
  for (const size of sizes) {
    const rows = TEXTS.slice(row, row + size).map((_, i) => row + i);
    yield { rows, ids: rows.map((r) => `note-${r}`), texts: TEXTS.slice(row, row + size) };
    row += size;
  }
}

/** The real pipeline with its output re-cut into batches of `rows` rows (a pool or a slicing model does this). */
function recut(model: BatchModel, rows: number): BatchModel {
  return {
    async *transformBatches(input) {
      const out: RecordBatch[] = [];
      for await (const b of model.transformBatches(input)) out.push(b);
      const table = new Table(out);
      for (let i = 0; i < table.numRows; i += rows) yield* table.slice(i, i + rows).batches;
    },
  };
}

describe("annotateNotes", async () => {
  const model = await nerPipeline();
  const light = new LightPipeline(model);
  const expected = await Promise.all(TEXTS.map(async (t) => (await light.fullAnnotate(t ?? "")).ner_chunk!.map((c) => c.result)));

  it.each([
    ["as given", 0],
    ["one row at a time", 1],
    ["in threes", 3],
    ["all at once", 100],
  ])("keeps ids and row numbers with their rows when the model yields batches %s", async (_how, size) => {
    const m = size === 0 ? model : recut(model, size);
    const seen: { row: number; id: unknown; chunks: string[] }[] = [];
    for await (const { rows, ids, batch } of annotateNotes(m, noteBatches([2, 3, 2]), "text")) {
      const chunks = batch.getChild("ner_chunk")!;
      for (let i = 0; i < batch.numRows; i++) {
        const list = [...(chunks.get(i) ?? [])] as { result: string }[];
        seen.push({ row: rows[i]!, id: ids[i], chunks: list.map((c) => c.result) });
      }
    }
    expect(seen).toEqual(TEXTS.map((_, r) => ({ row: r, id: `note-${r}`, chunks: expected[r] })));
  });

  it("hands the model one Utf8 column named as asked, nulls kept", () => {
    const batch = textBatch(["a", null], "note_text");
    expect(batch.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(["note_text: Utf8"]);
    expect(batch.getChild("note_text")!.toArray()).toEqual(["a", null]);
  });

  it("fails when the model loses or invents rows", async () => {
    const dropsLast: BatchModel = {
      async *transformBatches(input) {
        for await (const b of model.transformBatches(input)) yield b.slice(0, b.numRows - 1);
      },
    };
    const drain = async (m: BatchModel) => {
      for await (const _ of annotateNotes(m, noteBatches([7]), "text"));
    };
    await expect(drain(dropsLast)).rejects.toThrow("the model returned 1 fewer rows than it was given");
    const twice: BatchModel = {
      async *transformBatches(input) {
        for await (const b of model.transformBatches(input)) {
          yield b;
          yield b;
        }
      },
    };
    await expect(drain(twice)).rejects.toThrow("the model returned 7 more rows than it was given");
  });
});

describe("chunk offsets over generated notes", async () => {
  const model = await nerPipeline();
  const light = new LightPipeline(model);
  const { instance, connection } = await openDatabase();
  await installSliceMacro(connection);
  const clinical = fc.constantFrom("chest pain", "aspirin", "CT scan", "fever", "Mr. ABC", "denies", "80%", "stress test", "mid-LAD", "type 2 diabetes");
  const separator = fc.constantFrom(" ", "\r\n", "\t", ". ", " 🙂 ", " 𝔼 ", "👩‍⚕️", ", ", "\u00a0", "\n\n");
  const word = fc.oneof(clinical, clinical, fc.string({ unit: "binary", maxLength: 6 }));
  const note = fc
    .array(fc.tuple(word, separator), { maxLength: 25 })
    .map((parts) => parts.map(([w, s]) => w + s).join(""))
    .filter(isWellFormed);
  let run = 0;
  /** Chunks seen, and those after an astral character (where substring's offsets would be wrong). */
  const seen = { chunks: 0, afterAstral: 0 };

  it("every chunk equals text.slice(begin, end + 1) and kindling_slice(text, begin, end), as LightPipeline finds it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(note, { minLength: 1, maxLength: 4 }), async (texts) => {
        const table = `generated_${run++}`;
        await connection.run(`CREATE TABLE ${table} (id INTEGER, text VARCHAR)`);
        const appender = await connection.createAppender(table);
        for (const [i, t] of texts.entries()) {
          appender.appendInteger(i);
          appender.appendVarchar(t);
          appender.endRow();
        }
        appender.closeSync();
        await annotateTable({ instance, source: { table }, idColumn: "id", textColumn: "text", model, outputs: { chunksTable: `${table}_chunks` }, batchRows: 2 });
        const stored = await rows(
          connection,
          `SELECT c.id, c.chunk, c."begin", c."end", c.ner_label, c.confidence, c.sentence, kindling_slice(n.text, c."begin", c."end") AS sliced
           FROM ${table}_chunks c JOIN ${table} n USING (id) ORDER BY c.rowid`,
        );
        const expected = [];
        for (const [i, t] of texts.entries()) {
          for (const c of (await light.fullAnnotate(t)).ner_chunk!) {
            expect(0 <= c.begin && c.begin <= c.end && c.end < t.length).toBe(true);
            expect(t.slice(c.begin, c.end + 1)).toBe(c.result);
            expected.push({ id: i, ...chunkRecord(c), sliced: c.result });
            seen.chunks++;
            if (/[\u{10000}-\u{10FFFF}]/u.test(t.slice(0, c.begin))) seen.afterAstral++;
          }
        }
        expect(stored).toEqual(expected);
      }),
      { numRuns: 40 },
    );
    expect(seen.chunks).toBeGreaterThan(40);
    expect(seen.afterAstral).toBeGreaterThan(5);
  });
});
