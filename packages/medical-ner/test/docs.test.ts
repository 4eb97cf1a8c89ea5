// docs/ner_clinical.md mirrors the model card; its Results table must be what the shipped model really produces.
import { modelCardNote, resultsTable } from "@kindling/fixtures";
import { refreshQuotedTables, WHOLE_TABLE } from "@kindling/fixtures/quoted-tables";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { light } from "./helpers.js";

const doc = readFileSync(fileURLToPath(new URL("../../../docs/ner_clinical.md", import.meta.url)), "utf8");

it("docs/ner_clinical.md shows the Results table the shipped model produces on the card's note", async () => {
  const section = doc.split("## Results")[1];
  expect(section, "docs/ner_clinical.md has a ## Results section").toBeDefined();
  const documented = section!.split("```")[1]!.replace(/^\w*\n/, "");
  const chunks = (await (await light()).fullAnnotate(modelCardNote())).ner_chunk!;
  expect(documented).toBe(resultsTable(chunks));
});

it("docs/ner_clinical.md quotes the benchmark report's tables as they are (tools/docs/refresh.mjs refreshes them)", () => {
  const report = readFileSync(fileURLToPath(new URL("../../../docs/benchmarks/ner.md", import.meta.url)), "utf8");
  expect(refreshQuotedTables(doc, report)).toBe(doc);
  const quoted = doc.split("## Benchmarking")[1]!.split("\n").filter((l) => l.startsWith("| ") && !/^\| (label|Label|set|corpus|run) \|/.test(l));
  expect(quoted.length).toBeGreaterThan(10);
});

describe("refreshQuotedTables", () => {
  const report = [
    "## aci-dev", "| label | F1 |", "|---|---:|", "| PROBLEM | 0.92 |", "| TEST | 0.89 |", "",
    "## other", "| label | F1 |", "|---|---:|", "| PROBLEM | 0.35 |", "",
    "| corpus | model | F1 |", "|---|---|---:|", "| NCBI | a | 0.86 |", "| NCBI | b | 0.85 |", "| BC5 | a | 0.83 |",
  ].join("\n");

  it("takes each quoted row from the one same-header table that has it, by its first cell or first two", () => {
    const doc = ["intro | not a table", "## Benchmarking", "| label | F1 |", "|---|---:|", "| TEST | 0.1 |", "",
      "| corpus | model | F1 |", "|---|---|---:|", "| BC5 | a | 0.2 |", "| NCBI | b | 0.3 |"].join("\n");
    expect(refreshQuotedTables(doc, report).split("\n").slice(2)).toEqual(
      ["| label | F1 |", "|---|---:|", "| TEST | 0.89 |", "", "| corpus | model | F1 |", "|---|---|---:|", "| BC5 | a | 0.83 |", "| NCBI | b | 0.85 |"]);
  });

  it("replaces a table marked as whole, new rows included", () => {
    const doc = ["## Benchmarking", WHOLE_TABLE, "| corpus | model | F1 |", "|---|---|---:|", "| NCBI | a | 0.1 |", "after"].join("\n");
    expect(refreshQuotedTables(doc, report).split("\n")).toEqual(
      ["## Benchmarking", WHOLE_TABLE, "| corpus | model | F1 |", "|---|---|---:|", "| NCBI | a | 0.86 |", "| NCBI | b | 0.85 |", "| BC5 | a | 0.83 |", "after"]);
  });

  it("needs the section named where two report tables could be quoted, and then takes that one", () => {
    const ambiguous = ["## Benchmarking", "| label | F1 |", "|---|---:|", "| PROBLEM | 0.1 |"].join("\n");
    expect(() => refreshQuotedTables(ambiguous, report)).toThrow("## aci-dev, ## other of docs/benchmarks/ner.md all have this table; name one");
    const named = ["## Benchmarking", "<!-- from: ## other -->", "| label | F1 |", "|---|---:|", "| PROBLEM | 0.1 |"].join("\n");
    expect(refreshQuotedTables(named, report).split("\n").at(-1)).toBe("| PROBLEM | 0.35 |");
  });

  it("names a quoted row the report no longer has, and a header it never had", () => {
    const gone = ["## Benchmarking", "| corpus | model | F1 |", "|---|---|---:|", "| NCBI | c | 0.1 |"].join("\n");
    expect(() => refreshQuotedTables(gone, report)).toThrow("docs/ner_clinical.md line 2: this row is no longer in docs/benchmarks/ner.md: | NCBI | c | 0.1 |");
    const unknown = ["## Benchmarking", "| set | F1 |", "|---|---:|", "| x | 1 |"].join("\n");
    expect(() => refreshQuotedTables(unknown, report)).toThrow("no table in docs/benchmarks/ner.md has the header | set | F1 |");
  });
});
