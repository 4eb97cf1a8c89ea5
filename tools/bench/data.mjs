// Benchmark inputs, read from ../shared (never copied into the repo).
import { parse } from "csv-parse";
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const shared = resolve(repo, "../shared");
export const MTSAMPLES = join(shared, "data/text/mtsamples/mtsamples.csv.gz");
export const MACCROBAT = join(shared, "data/ner/maccrobat2020");

/** The `transcription` column of MTSamples, non-empty notes only. */
export async function readMtsamples(limit = Infinity) {
  const notes = [];
  const parser = createReadStream(MTSAMPLES).pipe(createGunzip()).pipe(parse({ columns: true, relax_quotes: true }));
  for await (const record of parser) {
    const text = record.transcription;
    if (typeof text === "string" && text.trim().length > 0) notes.push(text);
    if (notes.length >= limit) break;
  }
  return notes;
}

/** Whitespace-separated tokens: the unit every rate in the benchmarks counts. */
export function whitespaceTokens(texts) {
  let n = 0;
  for (const t of texts) {
    const m = t.match(/\S+/g);
    n += m ? m.length : 0;
  }
  return n;
}

/**
 * MACCROBAT documents (all 200 case reports), each as its sentences (one per line in the .txt files). Joining them
 * with a single space hides the boundaries, which the detector must then find again.
 */
export function readMaccrobatSentences() {
  const brat = join(MACCROBAT, "brat");
  return readdirSync(brat)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => f.slice(0, -4))
    .map((id) =>
      readFileSync(join(brat, `${id}.txt`), "utf8")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    );
}
