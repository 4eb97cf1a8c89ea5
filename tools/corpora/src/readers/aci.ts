import { readFile } from "node:fs/promises";
import { CorpusFormatError } from "../errors.js";
import type { RawDocument, Split } from "../types.js";

interface AciEntity {
  start: number;
  end: number;
  label: string;
  text: string;
}

/** An aci-* `notes.jsonl`: one note per line, `entities` with character offsets (end exclusive) and labels. */
export async function readAciNotes(path: string, split: Split): Promise<RawDocument[]> {
  const lines = (await readFile(path, "utf8")).split("\n");
  const docs: RawDocument[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let note: { id?: unknown; text?: unknown; entities?: unknown };
    try {
      note = JSON.parse(line);
    } catch (e) {
      throw new CorpusFormatError(path, i + 1, `not JSON: ${(e as Error).message}`);
    }
    if (typeof note.id !== "string" || typeof note.text !== "string" || !Array.isArray(note.entities)) {
      throw new CorpusFormatError(path, i + 1, 'expected {"id": string, "text": string, "entities": [...]}');
    }
    const text = note.text;
    const mentions = (note.entities as AciEntity[]).map((e, k) => {
      if (!Number.isInteger(e.start) || !Number.isInteger(e.end) || e.start < 0 || e.end > text.length || e.start > e.end || typeof e.label !== "string") {
        throw new CorpusFormatError(path, i + 1, `entity ${k} has invalid offsets or label: ${JSON.stringify(e)}`);
      }
      return { type: e.label, segments: [[e.start, e.end] as const], text: e.text };
    });
    docs.push({ split, docId: note.id, text, mentions });
  });
  return docs;
}
