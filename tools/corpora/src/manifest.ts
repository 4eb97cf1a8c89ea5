import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SourceReport } from "./convert.js";

/** tools/train's manifest entry: the labels the source annotates fully and its file per split. */
export interface ManifestEntry {
  labels: string[];
  files: Record<string, string>;
  /** Only for auxiliary sources: the source whose documents they label again (tools/train trains heads on them only). */
  auxiliaryOf?: string;
}

export interface Manifest {
  sources: Record<string, ManifestEntry>;
  generatedBy?: string;
}

export const MANIFEST_FILE = "manifest.json";
export const COUNTS_FILE = "counts.json";
export const GENERATED_BY = generatedBy("Kindling DocumentAssembler → SentenceDetector → Tokenizer, default params");

export function generatedBy(tokenizerDescription: string): string {
  return `tools/corpora (${tokenizerDescription})`;
}

export function manifestEntry(report: SourceReport): ManifestEntry {
  const files: Record<string, string> = {};
  for (const [split, counts] of Object.entries(report.splits)) files[split] = counts.file;
  return { labels: [...report.annotatedLabels], files, ...(report.auxiliaryOf ? { auxiliaryOf: report.auxiliaryOf } : {}) };
}

async function readJsonIfPresent<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`${path}: cannot read the existing file: ${(e as Error).message}`);
  }
}

/**
 * Writes `manifest.json` (the format tools/train/conll.py reads: `{"sources": {name: {labels, files}}}`) and
 * `counts.json`. Entries of sources not converted in this run are kept, so `--sources chia` updates one source
 * without dropping the others.
 */
export async function writeManifestAndCounts(outDir: string, reports: readonly SourceReport[], generatedBy = GENERATED_BY): Promise<Manifest> {
  const manifestPath = join(outDir, MANIFEST_FILE);
  const countsPath = join(outDir, COUNTS_FILE);
  const previous = (await readJsonIfPresent<Manifest>(manifestPath))?.sources ?? {};
  const previousCounts = (await readJsonIfPresent<{ sources?: Record<string, SourceReport> }>(countsPath))?.sources ?? {};
  const manifest: Manifest = { sources: { ...previous }, generatedBy };
  const counts: Record<string, unknown> = { ...previousCounts };
  for (const report of reports) {
    manifest.sources[report.name] = manifestEntry(report);
    counts[report.name] = report;
  }
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  await writeFile(countsPath, JSON.stringify({ generatedBy, sources: counts }, null, 2) + "\n");
  return manifest;
}
