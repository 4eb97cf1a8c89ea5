import { decodeAnnotations } from "@kindling/annotation";
import { bioToChunks, CoNLL, evaluateChunks, writeConll } from "@kindling/training";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A training file in Spark's CoNLL 2003 layout: `token -X- -X- TAG`, a blank line between sentences.
const path = join(await mkdtemp(join(tmpdir(), "kindling-")), "notes.conll");
await writeConll(path, [
  {
    sentences: [
      { tokens: ["Chest", "x-ray", "showed", "pneumonia", "."], tags: ["B-TEST", "I-TEST", "O", "B-PROBLEM", "O"] },
      { tokens: ["Started", "[** Drug **]", "."], tags: ["O", "B-TREATMENT", "O"] },
    ],
  },
]);

// Shows the U+00A0 that writeConll puts in place of the placeholder's spaces.
const show = (value: unknown) => JSON.stringify(value).replace(/\u00A0/g, "\\u00A0");

const table = await new CoNLL({ explodeSentences: false }).readDataset(path);
console.log(table.schema.fields.map((f) => f.name).join(", "));
console.log(show(table.getChild("text")!.get(0)));
for (const column of ["sentence", "label"]) {
  const field = table.schema.fields.find((f) => f.name === column)!;
  const [row] = decodeAnnotations(table.getChild(column)!, field);
  console.log(column, show(row!.map(({ begin, end, result, metadata }) => [begin, end, result, metadata])));
}

// Chunk-level scores: strict (exact span and label) and relaxed (overlap and label).
const gold = bioToChunks(["B-TEST", "I-TEST", "O", "B-PROBLEM", "O"]);
const predicted = bioToChunks(["B-TEST", "O", "O", "B-PROBLEM", "O"]);
const scores = evaluateChunks(gold, predicted, ["PROBLEM", "TEST"]);
console.log("strict", JSON.stringify(scores.strict.micro));
console.log("relaxed", JSON.stringify(scores.relaxed.micro));
