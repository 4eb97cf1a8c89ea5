import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { CorpusFormatError } from "../errors.js";
import type { RawDocument, Split } from "../types.js";
import { readBratDocument } from "./brat.js";

/** The seed of the project's Chia split; change it only with a new version suffix. */
export const CHIA_SPLIT_SEED = "chia-split-v1";

const STEM = /^(NCT\d+)_(inc|exc)$/;

/**
 * Chia has no official split. Trials (NCT ids) are sorted by `sha256(seed + ":" + nctId)` (hex) and the first
 * 80% go to train, the next 10% to dev and the rest to test: deterministic, exact proportions, and a trial's
 * `_inc` and `_exc` documents always land together. The same recipe as MACCROBAT's split.
 */
export function chiaSplit(nctIds: Iterable<string>, seed = CHIA_SPLIT_SEED): Map<string, Split> {
  const ids = [...new Set(nctIds)];
  const keyed = ids.map((id) => ({ id, key: createHash("sha256").update(`${seed}:${id}`).digest("hex") }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const nTrain = Math.round(ids.length * 0.8);
  const nDev = Math.round(ids.length * 0.1);
  const out = new Map<string, Split>();
  keyed.forEach(({ id }, i) => out.set(id, i < nTrain ? "train" : i < nTrain + nDev ? "dev" : "test"));
  return out;
}

/** The NCT id of a Chia document stem (`NCT00050349_exc` → `NCT00050349`). */
export function chiaTrialId(stem: string): string {
  const m = STEM.exec(stem);
  if (!m) throw new RangeError(`not a Chia document name (NCT…_inc or NCT…_exc): ${stem}`);
  return m[1]!;
}

/** Chia (without scope): every `NCT…_{inc,exc}.txt`/`.ann` pair, split by trial. */
export async function readChia(dir: string, seed = CHIA_SPLIT_SEED): Promise<RawDocument[]> {
  const names = await readdir(dir);
  const stems = names.filter((n) => n.endsWith(".txt")).map((n) => n.slice(0, -4)).sort();
  for (const stem of stems) {
    if (!STEM.test(stem)) throw new CorpusFormatError(join(dir, `${stem}.txt`), undefined, "unexpected file: Chia documents are NCT…_inc.txt / NCT…_exc.txt");
  }
  const splits = chiaSplit(stems.map(chiaTrialId), seed);
  return Promise.all(stems.map((stem) => readBratDocument(join(dir, stem), splits.get(chiaTrialId(stem))!, stem)));
}
