import { decodeAnnotations } from "@kindling/annotation";
import { Pipeline } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { tableFromArrays } from "apache-arrow";

const documentAssembler = new DocumentAssembler().setInputCol("text").setOutputCol("document").setIdCol("id");
const shrunk = new DocumentAssembler().setOutputCol("shrunk").setCleanupMode("shrink");
const model = await new Pipeline([documentAssembler, shrunk]).fit();

const table = tableFromArrays({
  id: ["n1", "n2", "n3"],
  text: ["\nChest pain\r\nsince\tmorning. ", "", null],
});
const result = await model.transform(table);

for (const column of ["document", "shrunk"]) {
  const field = result.schema.fields.find((f) => f.name === column)!;
  const rows = decodeAnnotations(result.getChild(column)!, field);
  console.log(column);
  for (const row of rows) console.log(JSON.stringify(row.map(({ begin, end, result, metadata }) => ({ begin, end, result, metadata }))));
}
