import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EmbeddingsFormatError } from "../errors.js";
import { float16ToFloat32 } from "../float16.js";
import { EmbeddingsStorage } from "../storage.js";

export const KINDLING_EMBEDDINGS_FORMAT = "kindling-embeddings";

/** `embeddings.json`: what the directory holds and how its vectors were made. */
export interface KindlingEmbeddingsMeta {
  format: typeof KINDLING_EMBEDDINGS_FORMAT;
  formatVersion: 1;
  storageRef: string;
  dimension: number;
  count: number;
  dtype: "float16" | "float32";
  caseSensitive: boolean;
  source?: Record<string, unknown>;
}

/**
 * Reads Kindling's embeddings directory: `embeddings.json`, `vocab.txt` (one word per line, row order) and
 * `vectors.bin` (row-major little-endian float16 or float32).
 */
export async function readKindlingEmbeddings(dir: string): Promise<{ meta: KindlingEmbeddingsMeta; storage: EmbeddingsStorage }> {
  const metaPath = join(dir, "embeddings.json");
  let meta: KindlingEmbeddingsMeta;
  try {
    meta = JSON.parse(await readFile(metaPath, "utf8")) as KindlingEmbeddingsMeta;
  } catch (e) {
    throw new EmbeddingsFormatError(metaPath, `cannot read the embeddings metadata: ${(e as Error).message}`);
  }
  if (meta.format !== KINDLING_EMBEDDINGS_FORMAT) throw new EmbeddingsFormatError(metaPath, `not Kindling embeddings (format "${meta.format}")`);
  if (meta.formatVersion !== 1) throw new EmbeddingsFormatError(metaPath, `format version ${meta.formatVersion} is not supported (1 is)`);
  if (meta.dtype !== "float16" && meta.dtype !== "float32") throw new EmbeddingsFormatError(metaPath, `dtype "${meta.dtype}" is not float16 or float32`);

  const vocabPath = join(dir, "vocab.txt");
  const vectorsPath = join(dir, "vectors.bin");
  let vocab: string;
  let bytes: Buffer;
  try {
    [vocab, bytes] = await Promise.all([readFile(vocabPath, "utf8"), readFile(vectorsPath)]);
  } catch (e) {
    throw new EmbeddingsFormatError(dir, `cannot read the vocabulary or vectors: ${(e as Error).message}`);
  }
  const words = vocab.split("\n");
  if (words[words.length - 1] === "") words.pop();
  if (words.length !== meta.count) throw new EmbeddingsFormatError(vocabPath, `has ${words.length} words, embeddings.json says ${meta.count}`);
  const width = meta.dtype === "float16" ? 2 : 4;
  const expected = meta.count * meta.dimension * width;
  if (bytes.length !== expected) throw new EmbeddingsFormatError(vectorsPath, `has ${bytes.length} bytes, expected ${expected} (${meta.count} × ${meta.dimension} ${meta.dtype})`);
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const matrix = meta.dtype === "float16" ? float16ToFloat32(view) : new Float32Array(view.slice().buffer);
  return { meta, storage: new EmbeddingsStorage(words, matrix, meta.dimension) };
}

/** Writes a storage in Kindling's format (float32). */
export async function writeKindlingEmbeddings(dir: string, storage: EmbeddingsStorage, meta: Pick<KindlingEmbeddingsMeta, "storageRef" | "caseSensitive" | "source">): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const w of storage.words) {
    if (w.length === 0 || w.includes("\n")) throw new EmbeddingsFormatError(dir, `cannot write the word ${JSON.stringify(w)}: vocab.txt holds one non-empty word per line`);
  }
  const full: KindlingEmbeddingsMeta = {
    format: KINDLING_EMBEDDINGS_FORMAT,
    formatVersion: 1,
    storageRef: meta.storageRef,
    dimension: storage.dimension,
    count: storage.size,
    dtype: "float32",
    caseSensitive: meta.caseSensitive,
    ...(meta.source ? { source: meta.source } : {}),
  };
  await writeFile(join(dir, "vocab.txt"), storage.words.map((w) => w + "\n").join(""));
  await writeFile(join(dir, "vectors.bin"), new Uint8Array(storage.matrix.buffer, storage.matrix.byteOffset, storage.matrix.byteLength));
  await writeFile(join(dir, "embeddings.json"), JSON.stringify(full, null, 2) + "\n");
}
