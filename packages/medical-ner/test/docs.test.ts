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
