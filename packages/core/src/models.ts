import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The one place that knows where pretrained models live. Kindling ships its models in the repository's `models/`
 * folder; `KINDLING_MODELS_DIR` points elsewhere (a deployment's own copy).
 */
export const MODELS_DIR_ENV = "KINDLING_MODELS_DIR";

/** Licensed Spark NLP model names and the open Kindling model to use instead. */
const OPEN_EQUIVALENTS: Readonly<Record<string, string>> = {
  embeddings_clinical: "embeddings_clinical_open",
  ner_clinical: "ner_clinical_open",
  ner_clinical_large: "ner_clinical_open",
  ner_clinical_large_v2: "ner_clinical_open",
  ner_jsl: "ner_clinical_open",
};

export class PretrainedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PretrainedModelError";
  }
}

/** Candidate `models/` directories: the env override, then the nearest `models/` above this package. */
function modelDirs(): string[] {
  const dirs: string[] = [];
  const fromEnv = process.env[MODELS_DIR_ENV];
  if (fromEnv) dirs.push(resolve(fromEnv));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "models");
    if (existsSync(candidate)) {
      dirs.push(candidate);
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirs;
}

/**
 * Resolves `pretrained(name, lang, remoteLoc)` to a local directory, offline. Asking for a licensed Spark NLP name
 * fails with the name of its open equivalent.
 */
export function resolvePretrained(name: string, lang = "en", remoteLoc = "clinical/models"): string {
  const open = OPEN_EQUIVALENTS[name];
  if (open) {
    throw new PretrainedModelError(`"${name}" is a licensed John Snow Labs model that Kindling cannot ship; use the open equivalent "${open}" (pretrained("${open}", "en", "clinical/models"))`);
  }
  if (lang !== "en") throw new PretrainedModelError(`no pretrained "${name}" for language "${lang}": Kindling's models are English ("en")`);
  const dirs = modelDirs();
  for (const root of dirs) {
    const candidate = join(root, name);
    if (existsSync(candidate)) return candidate;
  }
  const where = dirs.length ? dirs.join(", ") : `no models/ directory found (set ${MODELS_DIR_ENV})`;
  throw new PretrainedModelError(`no pretrained model "${name}" (${remoteLoc}) in ${where}`);
}
