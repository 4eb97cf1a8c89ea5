// Vitest global setup. PipelinePool's worker threads run the built JavaScript (dist/pool-worker.js and what it
// imports), which Vitest does not transform, so the pool tests need a dist that matches src. `nx test` builds
// first anyway; this covers `npx vitest run` straight after editing src.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

function distIsStale(): boolean {
  const src = join(packageDir, "src");
  return sources(src).some((file) => {
    const built = join(packageDir, "dist", relative(src, file).replace(/\.ts$/, ".js"));
    return !existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs;
  });
}

export default function setup(): void {
  if (!distIsStale()) return;
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: packageDir, stdio: "inherit" });
}
