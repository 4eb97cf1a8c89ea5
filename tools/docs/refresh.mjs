#!/usr/bin/env node
// Regenerates the generated parts of the docs after a model or API change: the output block under each package
// README's quickstart (the README tests compare it with a real run), the Results table of docs/ner_clinical.md and
// the tables it quotes from docs/benchmarks/ner.md (its docs test compares them). Run after `npm run build`:
//   node tools/docs/refresh.mjs
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { refreshQuotedTables } from "@kindling/fixtures/quoted-tables";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const tsx = join(repo, "node_modules", ".bin", "tsx");

for (const root of ["packages", "apps"]) {
  for (const name of readdirSync(join(repo, root))) {
    const dir = join(repo, root, name);
    const example = join(dir, "examples", "quickstart.ts");
    const readmePath = join(dir, "README.md");
    if (!existsSync(example) || !existsSync(readmePath)) continue;
    const output = execFileSync(tsx, [example], { cwd: dir, encoding: "utf8" });
    const readme = readFileSync(readmePath, "utf8");
    // The README opens with ```ts (the example) then ```text (its output): replace the second block's body.
    const blocks = [...readme.matchAll(/```(\w+)\n[\s\S]*?```/g)];
    const textBlock = blocks[1];
    if (!textBlock || textBlock[1] !== "text") throw new Error(`${readmePath}: the second code block is not the example's \`\`\`text output`);
    const updated = readme.slice(0, textBlock.index) + "```text\n" + output + "```" + readme.slice(textBlock.index + textBlock[0].length);
    if (updated !== readme) {
      writeFileSync(readmePath, updated);
      console.log(`updated ${readmePath}`);
    }
  }
}

// docs/ner_clinical.md: the Results table of the card's note, as the shipped model produces it.
const docPath = join(repo, "docs", "ner_clinical.md");
const table = execFileSync(tsx, [join(repo, "packages/medical-ner/scripts/card-results.ts")], { cwd: join(repo, "packages/medical-ner"), encoding: "utf8" });
const doc = readFileSync(docPath, "utf8");
const [head, rest] = doc.split("## Results");
const fence = rest.indexOf("```bash\n");
const close = rest.indexOf("```", fence + 8);
const withResults = `${head}## Results${rest.slice(0, fence)}\`\`\`bash\n${table}${rest.slice(close)}`;
// ... and its Benchmarking tables, as the last report wrote them.
const updatedDoc = refreshQuotedTables(withResults, readFileSync(join(repo, "docs", "benchmarks", "ner.md"), "utf8"));
if (updatedDoc !== doc) {
  writeFileSync(docPath, updatedDoc);
  console.log(`updated ${docPath}`);
}
