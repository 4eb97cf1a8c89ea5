// docs/ner_clinical.md mirrors the model card; its Results table must be what the shipped model really produces.
import { modelCardNote, resultsTable } from "@kindling/fixtures";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { light } from "./helpers.js";

const doc = readFileSync(fileURLToPath(new URL("../../../docs/ner_clinical.md", import.meta.url)), "utf8");

it("docs/ner_clinical.md shows the Results table the shipped model produces on the card's note", async () => {
  const section = doc.split("## Results")[1];
  expect(section, "docs/ner_clinical.md has a ## Results section").toBeDefined();
  const documented = section!.split("```")[1]!.replace(/^\w*\n/, "");
  const chunks = (await (await light()).fullAnnotate(modelCardNote())).ner_chunk!;
  expect(documented).toBe(resultsTable(chunks));
});

it("docs/ner_clinical.md quotes the benchmark report's tables as they are", () => {
  const report = readFileSync(fileURLToPath(new URL("../../../docs/benchmarks/ner.md", import.meta.url)), "utf8");
  const reportRows = new Set(report.split("\n").filter((l) => l.startsWith("| ")));
  const benchmarking = doc.split("## Benchmarking")[1]!;
  // Every data row in the doc's Benchmarking section appears verbatim in the report (headers and rules aside).
  const rows = benchmarking.split("\n").filter((l) => l.startsWith("| ") && !/^\| (label|Label|set|corpus|run) \|/.test(l));
  expect(rows.length).toBeGreaterThan(10);
  for (const row of rows) expect(reportRows, `row not in docs/benchmarks/ner.md: ${row}`).toContain(row);
});
