import { PipelinePool } from "@kindling/core";
import { tableFromArrays, type RecordBatch } from "apache-arrow";
import createPipeline from "../test/fixtures/pool/factory.js";

// A factory module: `export default async (options) => PipelineModel`. This one (core's test fixture) builds
// document → whitespace token → capitalised-word chunk; an application points at its own, e.g. the clinical NER.
const factory = new URL("../test/fixtures/pool/factory.js", import.meta.url);

/** Notes arriving as a stream of record batches (a file, DuckDB, stdin...). */
async function* notes(): AsyncGenerator<RecordBatch> {
  yield tableFromArrays({ id: Int32Array.from([1, 2, 3]), text: ["Chest pain since Monday", "BP stable", "no complaints"] }).batches[0]!;
  yield tableFromArrays({ id: Int32Array.from([4]), text: ["Seen by Dr Smith"] }).batches[0]!;
}

const chunks = (batch: RecordBatch) =>
  Array.from({ length: batch.numRows }, (_, r) => {
    const found: { result: string }[] = batch.getChild("chunk")!.get(r)!.toArray();
    return `${batch.getChild("id")!.get(r)}: ${found.map((a) => a.result).join(", ") || "-"}`;
  }).join(" | ");

// One core: PipelineModel.transform takes the stream and yields annotated batches of at most maxBatchRows rows.
const model = await createPipeline();
for await (const batch of model.transform(notes(), { maxBatchRows: 2 })) console.log(`model  ${chunks(batch)}`);

// Every core: each worker builds its own pipeline from the factory; batches come back in input order.
const pool = await PipelinePool.create({ factory: { module: factory }, workers: 2 });
try {
  for await (const batch of pool.transformBatches(notes(), { maxBatchRows: 2 })) {
    console.log(`pool   ${chunks(batch)}   [columns: ${batch.schema.names.join(", ")}]`);
  }
} finally {
  await pool.close();
}
