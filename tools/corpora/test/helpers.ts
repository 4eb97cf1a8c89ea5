import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KindlingTokenizer } from "../src/index.js";

/** shared/data, next to the repository (tests read the real corpora in place). */
export const DATA = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));
export const NER = join(DATA, "ner");

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "kindling-corpora-"));
}

let tokenizer: Promise<KindlingTokenizer> | undefined;
export function sharedTokenizer(): Promise<KindlingTokenizer> {
  tokenizer ??= KindlingTokenizer.create();
  return tokenizer;
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
