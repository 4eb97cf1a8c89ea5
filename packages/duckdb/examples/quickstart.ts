import { DuckDBInstance } from "@duckdb/node-api";
import { Pipeline } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { annotateTable, installSliceMacro } from "@kindling/duckdb";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

// The model card's pipeline, with Kindling's open models.
const embeddings = await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models");
const ner = await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models");
const model = await new Pipeline([
  new DocumentAssembler().setInputCol("text").setOutputCol("document"),
  new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
  new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  embeddings.setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
  ner.setIncludeConfidence(true).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
  new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk"),
]).fit();

const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
await connection.run("CREATE TABLE notes (note_id VARCHAR, body VARCHAR)");
await connection.run(`INSERT INTO notes VALUES
  ('n1', 'Patient reports severe chest pain; an ECG was done and aspirin was given.'),
  ('n2', '🙂 No fever. CT scan showed a small mass.'),
  ('n3', NULL)`);

const summary = await annotateTable({
  instance,
  source: { table: "notes" },
  idColumn: "note_id",
  textColumn: "body",
  model,
  outputs: { chunksTable: "chunks", annotationsTable: "annotations" },
});
console.log(`${summary.notes} notes, ${summary.tokens} tokens, ${summary.chunks} chunks, ${summary.errors} errors`);

// Offsets are UTF-16 code units, end inclusive; kindling_slice cuts with them, substring is off after the emoji.
await installSliceMacro(connection);
const chunks = await connection.runAndReadAll(`
  SELECT c.id, c.chunk, c.ner_label, c."begin", c."end", c.sentence,
         kindling_slice(n.body, c."begin", c."end") AS sliced,
         substring(n.body, c."begin" + 1, c."end" - c."begin" + 1) AS by_substring
  FROM chunks c JOIN notes n ON n.note_id = c.id ORDER BY c.rowid`);
for (const row of chunks.getRowObjectsJS()) console.log(JSON.stringify(row));

const tokens = await connection.runAndReadAll("SELECT id, [t.result FOR t IN token] AS tokens FROM annotations WHERE id = 'n2'");
console.log(JSON.stringify(tokens.getRowObjectsJS()[0]));
