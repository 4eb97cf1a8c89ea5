import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this module's location (tools/corpora/{src,dist}/paths.*). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Read-only shared data, next to the repository. */
export const DATA_DIR = resolve(REPO_ROOT, "..", "shared", "data");

export const DEFAULT_CONLL_OUT = resolve(REPO_ROOT, "tools", "out", "conll");
export const DEFAULT_TOKENS_OUT = resolve(REPO_ROOT, "tools", "out", "text", "tokens.txt.gz");
