import { listValue, mapValue, structValue, type DuckDBListValue } from "@duckdb/node-api";
import { decodeAnnotations, declaredAnnotatorType, type Annotation } from "@kindling/annotation";
import type { RecordBatch } from "apache-arrow";

/** One row's annotations as a value of `ANNOTATION_LIST_SQL`. */
export function annotationListValue(annotations: readonly Annotation[]): DuckDBListValue {
  return listValue(
    annotations.map((a) =>
      structValue({
        annotatorType: a.annotatorType,
        begin: a.begin,
        end: a.end,
        result: a.result,
        metadata: mapValue(Object.entries(a.metadata).map(([key, value]) => ({ key, value }))),
        embeddings: listValue(Array.from(a.embeddings)),
      }),
    ),
  );
}

/** Names of the batch's annotation columns (fields that declare an annotator type), in schema order. */
export function annotationColumnNames(batch: RecordBatch): string[] {
  return batch.schema.fields.filter((f) => declaredAnnotatorType(f) !== undefined).map((f) => f.name);
}

/** The rows of one annotation column of the model's output; the error names the columns there are. */
export function annotationsOf(batch: RecordBatch, column: string): Annotation[][] {
  const field = batch.schema.fields.find((f) => f.name === column);
  const vector = batch.getChild(column);
  if (!field || !vector || declaredAnnotatorType(field) === undefined) {
    throw new Error(`the model's output has no annotation column "${column}" (its annotation columns: ${annotationColumnNames(batch).join(", ") || "none"})`);
  }
  return decodeAnnotations(vector, field);
}

/** How many annotations a list column holds in total (tokens, for the summary), without decoding them. */
export function countAnnotations(batch: RecordBatch, column: string): number {
  const vector = batch.getChild(column);
  if (!vector) return 0;
  let count = 0;
  for (let i = 0; i < vector.length; i++) count += (vector.get(i) as { length: number } | null)?.length ?? 0;
  return count;
}
