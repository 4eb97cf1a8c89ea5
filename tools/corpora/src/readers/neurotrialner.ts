import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CorpusFormatError } from "../errors.js";
import { SPLITS, type RawDocument, type Split } from "../types.js";

interface BigbioRecord {
  nctid?: unknown;
  text?: unknown;
  entities?: unknown;
}

/** One NeuroTrialNER `bigbio/<split>.json`: a JSON array of records with `text` and `entities` (char offsets, end exclusive). */
export async function readNeuroTrialNerSplit(path: string, split: Split): Promise<RawDocument[]> {
  const records = JSON.parse(await readFile(path, "utf8")) as BigbioRecord[];
  if (!Array.isArray(records)) throw new CorpusFormatError(path, undefined, "expected a JSON array of records");
  return records.map((r, i) => {
    if (typeof r.nctid !== "string" || typeof r.text !== "string" || !Array.isArray(r.entities)) {
      throw new CorpusFormatError(path, undefined, `record ${i}: expected {nctid, text, entities}`);
    }
    const text = r.text;
    const mentions = (r.entities as { start: number; end: number; text: string; type: string }[]).map((e, k) => {
      if (!Number.isInteger(e.start) || !Number.isInteger(e.end) || e.start > e.end || e.end > text.length || typeof e.type !== "string") {
        throw new CorpusFormatError(path, undefined, `record ${i} (${r.nctid}), entity ${k}: invalid ${JSON.stringify(e)}`);
      }
      return { type: e.type, segments: [[e.start, e.end] as const], text: e.text };
    });
    return { split, docId: r.nctid as string, text, mentions };
  });
}

/** NeuroTrialNER's stratified split (the repo's default, behind the paper's models), from `bigbio/`. */
export async function readNeuroTrialNer(dir: string): Promise<RawDocument[]> {
  const parts = await Promise.all(SPLITS.map((split) => readNeuroTrialNerSplit(join(dir, "bigbio", `${split}.json`), split)));
  return parts.flat();
}
