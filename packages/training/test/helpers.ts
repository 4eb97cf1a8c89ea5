import { decodeAnnotations, type Annotation } from "@kindling/annotation";
import type { Table } from "apache-arrow";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ACI_TRAIN = fileURLToPath(new URL("../../../../shared/data/ner/aci-train/notes.jsonl", import.meta.url));

export interface AciNote {
  id: string;
  text: string;
  entities: { start: number; end: number; label: string; text: string }[];
}

export async function readAciNotes(count: number): Promise<AciNote[]> {
  const lines = (await readFile(ACI_TRAIN, "utf8")).split("\n").filter((l) => l.trim() !== "");
  return lines.slice(0, count).map((l) => JSON.parse(l) as AciNote);
}

/** A simple stand-in tokenisation for building real test files: sentences = non-blank lines, tokens = whitespace runs. */
export function whitespaceSentences(text: string): { text: string; begin: number; end: number }[][] {
  const sentences: { text: string; begin: number; end: number }[][] = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    const tokens = [...line.matchAll(/\S+/gu)].map((m) => ({ text: m[0], begin: offset + m.index, end: offset + m.index + m[0].length }));
    if (tokens.length > 0) sentences.push(tokens);
    offset += line.length + 1;
  }
  return sentences;
}

/** BIO2 tags: a token overlapping an entity takes its label, B- on the first such token. */
export function bioTags(sentences: { begin: number; end: number }[][], entities: AciNote["entities"]): string[][] {
  const tags = sentences.map((s) => s.map(() => "O"));
  for (const e of entities) {
    let first = true;
    sentences.forEach((s, i) =>
      s.forEach((t, j) => {
        if (t.begin < e.end && e.start < t.end && tags[i]![j] === "O") {
          tags[i]![j] = `${first ? "B" : "I"}-${e.label}`;
          first = false;
        }
      }),
    );
  }
  return tags;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "kindling-training-"));
}

/** One annotation column of a table, decoded back to rows. */
export function column(table: Table, name: string): Annotation[][] {
  const field = table.schema.fields.find((f) => f.name === name);
  if (!field) throw new Error(`no column ${name}`);
  return decodeAnnotations(table.getChild(name)!, field);
}

export function texts(table: Table, name = "text"): string[] {
  return [...table.getChild(name)!] as string[];
}
