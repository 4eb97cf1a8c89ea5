import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ContextualStringsSpec } from "./contextual.js";

export const NER_MODEL_FORMAT = "kindling-ner";

/** `manifest.json` of a Kindling NER model directory (written by tools/train/export.py). */
export interface NerManifest {
  format: typeof NER_MODEL_FORMAT;
  formatVersion: 1;
  name: string;
  /** BIO tags in emission order. */
  tags: string[];
  /** CRF transition scores [from][to], with forbidden BIO moves already set to a large negative score. */
  transitions: number[][];
  startTransitions: number[];
  endTransitions: number[];
  /** Character → id; 0 pads, 1 is unknown. */
  charVocab: Record<string, number>;
  /** Tokens longer than this keep their first half and last half of code points. */
  maxCharsPerToken: number;
  embeddings: { storageRef: string; dimension: number; caseSensitive?: boolean };
  /** Long sentences run in windows of `maxTokens` tokens overlapping by `overlap`. */
  window: { maxTokens: number; overlap: number };
  /**
   * Multi-task heads: extra ONNX outputs over the same encoder, each trained on one corpus in that corpus's own
   * span convention (e.g. NCBI-disease), with its own CRF scores.
   */
  heads?: Record<string, NerHead>;
  /** Character LMs in the graph (contextual string embeddings): how to build their inputs from the tokens. */
  contextualStrings?: ContextualStringsSpec;
  trainingData?: unknown;
  metrics?: unknown;
  files: Record<string, { sha256: string; bytes?: number }>;
}

/** One multi-task head of a model: its ONNX output and CRF scores over its tags (the model's unless it has its own). */
export interface NerHead {
  output: string;
  sources?: string[];
  labels?: string[];
  /** A head with labels outside the model's (e.g. CHEMICAL) has tags of its own. */
  tags?: string[];
  transitions: number[][];
  startTransitions: number[];
  endTransitions: number[];
}

/** A model directory that cannot be used; the message names the path. */
export class NerModelError extends Error {
  constructor(path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "NerModelError";
  }
}

export async function readManifest(dir: string): Promise<NerManifest> {
  const path = join(dir, "manifest.json");
  let manifest: NerManifest;
  try {
    manifest = JSON.parse(await readFile(path, "utf8")) as NerManifest;
  } catch (e) {
    throw new NerModelError(path, `cannot read the model manifest: ${(e as Error).message}`);
  }
  if (manifest.format !== NER_MODEL_FORMAT) throw new NerModelError(path, `not a Kindling NER model (format "${manifest.format}")`);
  if (manifest.formatVersion !== 1) throw new NerModelError(path, `format version ${manifest.formatVersion} is not supported (1 is)`);
  const k = manifest.tags?.length ?? 0;
  if (k === 0 || !crfFits(manifest, k)) throw new NerModelError(path, `tags and CRF transitions do not agree (${k} tags)`);
  for (const [name, head] of Object.entries(manifest.heads ?? {})) {
    const headTags = head?.tags ?? manifest.tags;
    if (!head || typeof head.output !== "string" || headTags.length === 0 || !crfFits(head, headTags.length)) {
      throw new NerModelError(path, `head "${name}": needs an output name and CRF transitions for its ${headTags.length} tags`);
    }
  }
  const lm = manifest.contextualStrings;
  if (lm !== undefined && (typeof lm?.charVocab !== "object" || [lm.boundary, lm.tokenSeparator].some((c) => typeof c !== "string" || [...c].length !== 1))) {
    throw new NerModelError(path, "contextualStrings needs a charVocab and a one-character boundary and tokenSeparator");
  }
  if (!manifest.window?.maxTokens || manifest.window.overlap === undefined || manifest.window.overlap >= manifest.window.maxTokens) {
    throw new NerModelError(path, `window ${JSON.stringify(manifest.window)} needs maxTokens > overlap >= 0`);
  }
  return manifest;
}

function crfFits(crf: Pick<NerHead, "transitions" | "startTransitions" | "endTransitions">, k: number): boolean {
  const square = Array.isArray(crf.transitions) && crf.transitions.length === k && crf.transitions.every((r) => Array.isArray(r) && r.length === k);
  return square && crf.startTransitions?.length === k && crf.endTransitions?.length === k;
}

/** Reads a model file and checks it against the manifest's SHA-256, so a corrupt download fails by name. */
export async function readVerifiedFile(dir: string, name: string, manifest: NerManifest): Promise<Uint8Array> {
  const path = join(dir, name);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new NerModelError(path, `cannot read the model file: ${(e as Error).message}`);
  }
  const expected = manifest.files?.[name]?.sha256;
  if (expected) {
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== expected) throw new NerModelError(path, `is corrupt: SHA-256 ${actual} does not match the manifest's ${expected}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
