// Prints the model card's Results table as the shipped model produces it (tools/docs/refresh.mjs puts it into
// docs/ner_clinical.md; test/docs.test.ts checks it).
import { modelCardNote, resultsTable } from "@kindling/fixtures";
import { light } from "../test/helpers.js";

const chunks = (await (await light()).fullAnnotate(modelCardNote())).ner_chunk!;
process.stdout.write(resultsTable(chunks));
