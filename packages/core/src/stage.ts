import type { Annotation } from "@kindling/annotation";
import type { AnnotationBatch, ColumnSchema } from "./batch.js";
import { PipelineWiringError, StageRowError } from "./errors.js";
import { Params, type OutputParams, type ParamSpecs, type StageParams } from "./params.js";

let uidCounter = 0;
function newUid(prefix: string): string {
  uidCounter += 1;
  return `${prefix}_${Date.now().toString(36)}${uidCounter.toString(36)}`;
}

/** Anything that can sit in a Pipeline. */
export abstract class PipelineStage<P extends OutputParams = StageParams> extends Params<P> {
  private uidValue: string | undefined;

  protected constructor(specs: ParamSpecs<P>, options: Partial<P> | undefined, unsupported?: Readonly<Record<string, string>>) {
    super(specs, options, unsupported);
  }

  /** Spark's uid: the class name plus a unique suffix. */
  get uid(): string {
    this.uidValue ??= newUid(this.stageName);
    return this.uidValue;
  }

  /** Gives a loaded stage the uid it was saved with (Spark keeps uids across save/load). */
  restoreUid(uid: string): this {
    this.uidValue = uid;
    return this;
  }

  /** The npm package that defines the class, stored on save so load can say what to import. */
  abstract get packageName(): string;

  setInputCols<T extends PipelineStage<StageParams>>(this: T, cols: string[] | string, ...more: string[]): T {
    return this.set("inputCols", typeof cols === "string" ? [cols, ...more] : cols);
  }
  getInputCols(this: PipelineStage<StageParams>): string[] {
    return this.get("inputCols");
  }
  /** Plain (non-annotation) columns this stage reads, such as the DocumentAssembler's text column. */
  valueInputCols(): string[] {
    return [];
  }
  setOutputCol(col: string): this {
    return this.set("outputCol", col);
  }
  getOutputCol(): string {
    return this.get("outputCol");
  }

  /** Checks this stage's inputs against the columns available and adds its output; throws a wiring error. */
  abstract transformSchema(schema: ColumnSchema): ColumnSchema;

  /** Whether this stage's `embeddings` vectors are written to Arrow output (they always stay in memory). */
  includesEmbeddingsInArrow(): boolean {
    return true;
  }

  /** Extra files next to `params.json` (model weights, vocabularies); most stages have none. */
  async saveArtifacts(_dir: string): Promise<void> {}

  protected wiringError(detail: string): PipelineWiringError {
    return new PipelineWiringError(`stage ${this.stageName} ("${this.uid}", output "${this.get("outputCol")}"): ${detail}`);
  }

  /** Adds this stage's output column; `metadata` travels with the column (and into the Arrow field). */
  protected addOutput(schema: ColumnSchema, annotatorType: string, metadata?: Readonly<Record<string, string>>): ColumnSchema {
    const out = this.get("outputCol");
    if (schema.has(out)) throw this.wiringError(`output column "${out}" already exists`);
    const next = new Map(schema);
    next.set(out, metadata ? { kind: "annotations", annotatorType, metadata } : { kind: "annotations", annotatorType });
    return next;
  }
}

/** A fitted stage that adds one column to every batch. */
export abstract class Transformer<P extends OutputParams = StageParams> extends PipelineStage<P> {
  abstract transformBatch(batch: AnnotationBatch): void | Promise<void>;
}

/** The annotations of one row, one list per declared input type, in declaration order. */
export type RowInputs = readonly (readonly Annotation[])[];

/**
 * Spark NLP's AnnotatorModel: declared input types, one output type, and `annotate`, a pure function of one
 * row's input annotations. Input columns are matched to the declared types by annotator type, so
 * `setInputCols(["token", "sentence"])` and `(["sentence", "token"])` both work.
 */
export abstract class AnnotatorModel<P extends StageParams = StageParams> extends Transformer<P> {
  abstract readonly inputAnnotatorTypes: readonly string[];
  abstract readonly outputAnnotatorType: string;

  /** Annotates one row. Models backed by an async runtime (ONNX) may return a promise. */
  abstract annotate(inputs: RowInputs): Annotation[] | Promise<Annotation[]>;

  /**
   * Annotates many rows at once. The default maps `annotate`; models that batch across rows (ONNX) override
   * it. Errors are wrapped with the row they happened on.
   */
  async annotateBatch(rows: readonly RowInputs[], rowOffset = 0): Promise<Annotation[][]> {
    const out: Annotation[][] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      try {
        const result = this.annotate(rows[r]!);
        out[r] = result instanceof Promise ? await result : result;
      } catch (e) {
        throw new StageRowError(this.stageName, this.get("outputCol"), rowOffset + r, e);
      }
    }
    return out;
  }

  /** The input column feeding each declared type, in declaration order. */
  resolveInputCols(schema: ColumnSchema): string[] {
    const cols = this.get("inputCols");
    const declared = this.inputAnnotatorTypes;
    if (cols.length !== declared.length) {
      throw this.wiringError(`expects ${declared.length} input columns of types [${declared.join(", ")}], got [${cols.join(", ")}]`);
    }
    const unused = new Set(cols);
    return declared.map((type) => {
      for (const col of unused) {
        const kind = schema.get(col);
        if (kind?.kind === "annotations" && kind.annotatorType === type) {
          unused.delete(col);
          return col;
        }
      }
      // Explain the first column that is the problem: missing, or present with another type.
      const culprit = [...unused][0]!;
      const kind = schema.get(culprit);
      if (!kind) {
        throw this.wiringError(`input column "${culprit}" does not exist (available: ${[...schema.keys()].join(", ") || "none"}); expected annotator type "${type}"`);
      }
      const actual = kind.kind === "annotations" ? `has annotator type "${kind.annotatorType}"` : `is a plain column (${kind.type})`;
      throw this.wiringError(`input column "${culprit}" ${actual}, expected annotator type "${type}"`);
    });
  }

  transformSchema(schema: ColumnSchema): ColumnSchema {
    this.resolveInputCols(schema);
    return this.addOutput(schema, this.outputAnnotatorType);
  }

  async transformBatch(batch: AnnotationBatch): Promise<void> {
    const inputCols = this.resolveInputCols(batchSchema(batch, this.get("inputCols")));
    const columns = inputCols.map((c) => batch.annotations(c));
    const rows: RowInputs[] = new Array(batch.numRows);
    for (let r = 0; r < batch.numRows; r++) rows[r] = columns.map((c) => c[r]!);
    const out = await this.annotateBatch(rows, batch.rowOffset);
    batch.setAnnotations(this.get("outputCol"), this.outputAnnotatorType, out);
  }
}

/** Column kinds of the named columns of a batch (types come from stage outputs or Arrow field metadata). */
function batchSchema(batch: AnnotationBatch, cols: readonly string[]): ColumnSchema {
  const schema: ColumnSchema = new Map();
  const produced = new Map(batch.outputs().map((o) => [o.name, o.annotatorType]));
  const fields = batch.source?.schema.fields;
  for (const col of cols) {
    const type = produced.get(col) ?? fields?.find((f) => f.name === col)?.metadata.get("annotatorType");
    if (type) schema.set(col, { kind: "annotations", annotatorType: type });
  }
  return schema;
}

/** Spark NLP's AnnotatorApproach: a trainable stage whose `fit` returns the model. */
export abstract class AnnotatorApproach<P extends StageParams = StageParams, M extends Transformer<OutputParams> = Transformer<OutputParams>> extends PipelineStage<P> {
  abstract readonly inputAnnotatorTypes: readonly string[];
  abstract readonly outputAnnotatorType: string;

  /** Trains on the batch as transformed by the stages before this one. */
  abstract fit(dataset: AnnotationBatch): M | Promise<M>;

  transformSchema(schema: ColumnSchema): ColumnSchema {
    const cols = this.get("inputCols");
    for (const type of this.inputAnnotatorTypes) {
      const found = cols.some((c) => {
        const kind = schema.get(c);
        return kind?.kind === "annotations" && kind.annotatorType === type;
      });
      if (!found) {
        const detail = cols.map((c) => {
          const k = schema.get(c);
          return `"${c}" (${k ? (k.kind === "annotations" ? k.annotatorType : k.type) : "missing"})`;
        });
        throw this.wiringError(`no input column of annotator type "${type}" among ${detail.join(", ")}`);
      }
    }
    return this.addOutput(schema, this.outputAnnotatorType);
  }
}

/*
 * Kind checks by shape, not `instanceof`: an application can end up with two copies of @kindling/core (bundlers,
 * test runners, nested installs), and a stage built against one must still work in a Pipeline of the other.
 */
export function isApproach(stage: PipelineStage<OutputParams>): stage is AnnotatorApproach<StageParams, Transformer<OutputParams>> {
  return typeof (stage as { fit?: unknown }).fit === "function";
}

export function isTransformer(stage: PipelineStage<OutputParams>): stage is Transformer<OutputParams> {
  return typeof (stage as { transformBatch?: unknown }).transformBatch === "function";
}
