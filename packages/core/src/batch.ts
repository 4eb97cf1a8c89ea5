import { ANNOTATOR_TYPE_KEY, decodeAnnotations, declaredAnnotatorType, type Annotation } from "@kindling/annotation";
import type { Schema, Vector } from "apache-arrow";

/** A RecordBatch or a Table: anything with a schema and named column vectors. */
export interface ArrowColumns {
  readonly schema: Schema;
  readonly numRows: number;
  getChild(name: string): Vector | null;
}
import { PipelineWiringError } from "./errors.js";

/** What a column holds, as far as wiring is concerned. */
export type ColumnKind =
  | {
      readonly kind: "annotations";
      readonly annotatorType: string;
      /** Column-level facts a downstream stage checks, such as the `storageRef` of word embeddings. */
      readonly metadata?: Readonly<Record<string, string>>;
    }
  | { readonly kind: "values"; readonly type: string };

export type ColumnSchema = Map<string, ColumnKind>;

/** The column schema of an Arrow schema: annotation columns are the ones whose field declares an annotator type. */
export function columnSchemaOf(schema: Schema): ColumnSchema {
  const out: ColumnSchema = new Map();
  for (const field of schema.fields) {
    const annotatorType = declaredAnnotatorType(field);
    if (!annotatorType) {
      out.set(field.name, { kind: "values", type: String(field.type) });
      continue;
    }
    const metadata = Object.fromEntries([...field.metadata].filter(([k]) => k !== ANNOTATOR_TYPE_KEY));
    out.set(field.name, { kind: "annotations", annotatorType, ...(Object.keys(metadata).length ? { metadata } : {}) });
  }
  return out;
}

/**
 * The rows of one batch as the stages see them: plain values for input columns and annotation lists for
 * annotation columns. Arrow is decoded lazily (only the columns a stage asks for) and encoded once, by the
 * pipeline, after the last stage: annotators never touch Arrow.
 */
export class AnnotationBatch {
  private readonly valueColumns = new Map<string, readonly unknown[]>();
  private readonly annotationColumns = new Map<string, Annotation[][]>();
  private readonly outputTypes = new Map<string, string>();

  private constructor(
    readonly numRows: number,
    /** Index of this batch's first row in the whole input, so errors name the row the user knows. */
    readonly rowOffset: number,
    private readonly arrow: ArrowColumns | undefined,
  ) {}

  static fromArrow(batch: ArrowColumns, rowOffset = 0): AnnotationBatch {
    return new AnnotationBatch(batch.numRows, rowOffset, batch);
  }

  /** Plain JS columns (LightPipeline, tests): `{ text: ["...", "..."] }`. */
  static fromColumns(columns: Record<string, readonly unknown[]>, rowOffset = 0): AnnotationBatch {
    const lengths = new Set(Object.values(columns).map((c) => c.length));
    if (lengths.size > 1) throw new RangeError(`columns have different lengths: ${[...lengths].join(", ")}`);
    const batch = new AnnotationBatch(lengths.values().next().value ?? 0, rowOffset, undefined);
    for (const [name, values] of Object.entries(columns)) batch.valueColumns.set(name, values);
    return batch;
  }

  /** Raw values of an input column (null for Arrow nulls). */
  values(column: string): readonly unknown[] {
    let values = this.valueColumns.get(column);
    if (values) return values;
    const vector = this.arrow?.getChild(column);
    if (!vector) throw new PipelineWiringError(`column "${column}" is not in the batch`);
    const out: unknown[] = new Array(vector.length);
    for (let i = 0; i < vector.length; i++) out[i] = vector.get(i);
    this.valueColumns.set(column, out);
    values = out;
    return values;
  }

  annotations(column: string): Annotation[][] {
    let rows = this.annotationColumns.get(column);
    if (rows) return rows;
    const vector = this.arrow?.getChild(column);
    const field = this.arrow?.schema.fields.find((f) => f.name === column);
    if (!vector || !field) throw new PipelineWiringError(`annotation column "${column}" is not in the batch`);
    rows = decodeAnnotations(vector, field);
    this.annotationColumns.set(column, rows);
    return rows;
  }

  /** Stores a stage's output column. */
  setAnnotations(column: string, annotatorType: string, rows: Annotation[][]): void {
    if (rows.length !== this.numRows) throw new RangeError(`column "${column}" has ${rows.length} rows, the batch ${this.numRows}`);
    this.annotationColumns.set(column, rows);
    this.outputTypes.set(column, annotatorType);
  }

  /** Columns added by stages, in the order they were added. */
  outputs(): { name: string; annotatorType: string; rows: Annotation[][] }[] {
    return [...this.outputTypes].map(([name, annotatorType]) => ({ name, annotatorType, rows: this.annotationColumns.get(name)! }));
  }

  get source(): ArrowColumns | undefined {
    return this.arrow;
  }
}
