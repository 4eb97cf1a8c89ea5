import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PersistenceError } from "./errors.js";
import type { OutputParams } from "./params.js";
import type { PipelineStage } from "./stage.js";

export const STAGE_FORMAT = "kindling-stage";
export const STAGE_FORMAT_VERSION = 1;

type AnyStage = PipelineStage<OutputParams>;

/** How a saved stage is rebuilt: from its params alone, or with its artifacts directory. */
export interface StageLoader {
  readonly packageName: string;
  load(params: Record<string, unknown>, dir: string): AnyStage | Promise<AnyStage>;
}

const loaders = new Map<string, StageLoader>();

/** Each package registers its stage classes on import, so a saved pipeline can name them by class. */
export function registerStage(className: string, loader: StageLoader): void {
  loaders.set(className, loader);
}

interface SavedStage {
  format: string;
  formatVersion: number;
  class: string;
  package: string;
  uid: string;
  params: Record<string, unknown>;
}

export async function saveStage(stage: AnyStage, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const saved: SavedStage = {
    format: STAGE_FORMAT,
    formatVersion: STAGE_FORMAT_VERSION,
    class: stage.stageName,
    package: stage.packageName,
    uid: stage.uid,
    params: stage.paramValues() as unknown as Record<string, unknown>,
  };
  await writeFile(join(dir, "params.json"), JSON.stringify(saved, null, 2) + "\n");
  await stage.saveArtifacts(dir);
}

export async function loadStage(dir: string): Promise<AnyStage> {
  const path = join(dir, "params.json");
  let saved: SavedStage;
  try {
    saved = JSON.parse(await readFile(path, "utf8")) as SavedStage;
  } catch (e) {
    throw new PersistenceError(path, `cannot read the saved stage: ${(e as Error).message}`);
  }
  if (saved.format !== STAGE_FORMAT) throw new PersistenceError(path, `not a Kindling stage (format "${saved.format}")`);
  if (saved.formatVersion > STAGE_FORMAT_VERSION) {
    throw new PersistenceError(path, `format version ${saved.formatVersion} is newer than this Kindling reads (${STAGE_FORMAT_VERSION})`);
  }
  const loader = loaders.get(saved.class);
  if (!loader) throw new PersistenceError(path, `unknown stage class "${saved.class}": import ${saved.package} before loading`);
  const stage = await loader.load(saved.params, dir);
  return typeof saved.uid === "string" ? stage.restoreUid(saved.uid) : stage;
}
