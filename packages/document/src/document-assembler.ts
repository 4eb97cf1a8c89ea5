import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { type Accessors, type AnnotationBatch, check, type ColumnSchema, defineAccessors, type OutputParams, param, type ParamSpecs, registerStage, type StageParams, StageRowError, Transformer } from "@kindling/core";
import { cleanText, CLEANUP_MODES, type CleanupMode } from "./cleanup.js";

export interface DocumentAssemblerParams extends OutputParams {
  inputCol: string;
  /** A column whose value is copied into each document's metadata under "id"; null for none. */
  idCol: string | null;
  cleanupMode: CleanupMode;
}

const nonEmpty = (v: string) => (typeof v === "string" && v.length > 0 ? undefined : `must be a non-empty string, got ${JSON.stringify(v)}`);

const SPECS: ParamSpecs<DocumentAssemblerParams> = {
  inputCol: param<string>("text", "column holding the raw text, one document per row", nonEmpty),
  outputCol: param<string>("document", "column that receives the document annotations", nonEmpty),
  idCol: param<string | null>(null, 'column whose value is stored in each document\'s metadata as "id"', (v) => (v === null ? undefined : nonEmpty(v))),
  cleanupMode: param<CleanupMode>("disabled", `text pre-processing: ${CLEANUP_MODES.join(", ")}`, check.oneOf(...CLEANUP_MODES)),
};

const UNSUPPORTED = {
  metadataCol: "a Map<string, string> column merged into the document metadata; set the metadata in a later stage instead",
};

/**
 * Spark NLP's DocumentAssembler: the entry point of every pipeline. Reads a plain text column and emits one
 * `document` annotation per row, `{begin: 0, end: text.length - 1, result: text, metadata: {sentence: "0"}}`.
 *
 * With a cleanup mode that changes the text's length (everything but `disabled` and `inplace`), the annotation
 * holds the CLEANED text and all offsets, here and in every later stage, index into that cleaned text: stages
 * only ever see annotations, so downstream the document's `result` is the text.
 *
 * Null, missing and empty texts (including texts that cleanup empties) give no annotation. This differs from
 * Spark, which emits an annotation with `end = -1` for them.
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface DocumentAssembler extends Accessors<Omit<DocumentAssemblerParams, keyof StageParams>, DocumentAssembler, "setCleanupMode" | "setIdCol" | "setInputCol" | "setMetadataCol"> {}

export class DocumentAssembler extends Transformer<DocumentAssemblerParams> {
  constructor(options?: Partial<DocumentAssemblerParams>) {
    super(SPECS, options, UNSUPPORTED);
  }

  get stageName(): string {
    return "DocumentAssembler";
  }

  get packageName(): string {
    return "@kindling/document";
  }

  setInputCol(col: string): this {
    return this.set("inputCol", col);
  }
  setIdCol(col: string | null): this {
    return this.set("idCol", col);
  }
  /** Like Spark, accepts any case and surrounding spaces: `setCleanupMode(" Shrink ")`. */
  setCleanupMode(mode: string): this {
    return this.set("cleanupMode", mode.trim().toLowerCase() as CleanupMode);
  }
  setMetadataCol(_col: string): never {
    return this.unsupported("metadataCol");
  }

  override valueInputCols(): string[] {
    const idCol = this.get("idCol");
    // The id column is listed too, so `Pipeline.fit()` without data knows it is a plain input column.
    return idCol === null ? [this.get("inputCol")] : [this.get("inputCol"), idCol];
  }

  transformSchema(schema: ColumnSchema): ColumnSchema {
    const inputCol = this.get("inputCol");
    const input = this.requirePlainColumn(schema, inputCol, "inputCol");
    if (!isTextType(input)) {
      throw this.wiringError(`input column "${inputCol}" is a ${input} column; DocumentAssembler reads text (Utf8)`);
    }
    const idCol = this.get("idCol");
    if (idCol !== null) this.requirePlainColumn(schema, idCol, "idCol");
    return this.addOutput(schema, AnnotatorType.DOCUMENT);
  }

  transformBatch(batch: AnnotationBatch): void {
    const inputCol = this.get("inputCol");
    const idCol = this.get("idCol");
    const texts = batch.values(inputCol);
    const ids = idCol === null ? undefined : batch.values(idCol);
    const rows: Annotation[][] = new Array(batch.numRows);
    for (let r = 0; r < batch.numRows; r++) {
      try {
        const text = asText(texts[r], inputCol);
        rows[r] = ids ? this.assemble(text, asId(ids[r], idCol!)) : this.assemble(text);
      } catch (e) {
        throw new StageRowError(this.stageName, this.get("outputCol"), batch.rowOffset + r, e);
      }
    }
    batch.setAnnotations(this.get("outputCol"), AnnotatorType.DOCUMENT, rows);
  }

  /**
   * The annotations for one text: none for null or empty (after cleanup) text, else one document over the
   * cleaned text. `id` (when given) goes into the metadata before "sentence", as in Spark.
   */
  assemble(text: string | null, id?: string | null): Annotation[] {
    if (text === null) return [];
    const cleaned = cleanText(text, this.get("cleanupMode"));
    if (cleaned.length === 0) return [];
    const metadata: Record<string, string> = id === undefined || id === null ? { sentence: "0" } : { id, sentence: "0" };
    return [makeAnnotation(AnnotatorType.DOCUMENT, 0, cleaned.length - 1, cleaned, metadata)];
  }

  private requirePlainColumn(schema: ColumnSchema, col: string, paramName: string): string {
    const kind = schema.get(col);
    if (!kind) throw this.wiringError(`${paramName} column "${col}" does not exist (available: ${[...schema.keys()].join(", ") || "none"})`);
    if (kind.kind === "annotations") {
      throw this.wiringError(`${paramName} column "${col}" holds "${kind.annotatorType}" annotations; DocumentAssembler reads a plain column`);
    }
    return kind.type;
  }
}

defineAccessors(DocumentAssembler, Object.keys(SPECS));

/** Arrow types that decode to JS strings (or only nulls). */
function isTextType(type: string): boolean {
  return /Utf8/.test(type) || type === "Null";
}

function asText(value: unknown, column: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  throw new TypeError(`column "${column}" holds ${describe(value)}, expected a string or null`);
}

/** Ids may be strings or integers (Arrow Int64 decodes to bigint); they are stored as their decimal text. */
function asId(value: unknown, column: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  throw new TypeError(`id column "${column}" holds ${describe(value)}, expected a string, a number or null`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array (${preview(value)})`;
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return `${name && name !== "Object" ? `a ${name}` : "an object"} (${preview(value)})`;
  }
  return `a ${typeof value} (${preview(value)})`;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

registerStage("DocumentAssembler", { packageName: "@kindling/document", load: (params) => new DocumentAssembler(params as Partial<DocumentAssemblerParams>) });
