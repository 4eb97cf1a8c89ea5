import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SPLITS, type RawDocument } from "../types.js";
import { readBratDocument } from "./brat.js";

/** The ids listed in one of MACCROBAT's split files (`train.txt`, `dev.txt`, `test.txt`), one per line. */
export async function readIdList(path: string): Promise<string[]> {
  return (await readFile(path, "utf8")).split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** MACCROBAT2020: brat documents under `brat/`, split by the id lists next to it. */
export async function readMaccrobat(dir: string): Promise<RawDocument[]> {
  const docs: RawDocument[] = [];
  for (const split of SPLITS) {
    const ids = await readIdList(join(dir, `${split}.txt`));
    docs.push(...(await Promise.all(ids.map((id) => readBratDocument(join(dir, "brat", id), split, id)))));
  }
  return docs;
}
