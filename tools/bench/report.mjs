import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/benchmarks");

/** Nested results → flat `a_b_c` keys, so the JSON can be diffed and plotted without schema knowledge. */
export function flatten(value, prefix = "", out = {}) {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}_${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = typeof v === "number" ? Math.round(v * 1000) / 1000 : v;
  }
  return out;
}

export function writeReport(name, json, markdown) {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, `${name}.json`), JSON.stringify(json, null, 2) + "\n");
  writeFileSync(join(OUT_DIR, `${name}.md`), markdown.trimEnd() + "\n");
}

export const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
