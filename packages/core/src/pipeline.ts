import { annotationField, annotationListType, encodeAnnotationData, type AnnotationListType } from "@kindling/annotation";
import { makeData, RecordBatch, Schema, Struct, Table, type Data, type Field } from "apache-arrow";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dictionaryIds, withDistinctDictionaryIds } from "./arrow-types.js";
import { AnnotationBatch, columnSchemaOf, type ColumnSchema } from "./batch.js";
import { PersistenceError, PipelineWiringError } from "./errors.js";
import type { OutputParams, StageParams } from "./params.js";
import { loadStage, saveStage } from "./registry.js";
import { isApproach, isTransformer, type PipelineStage, type Transformer } from "./stage.js";
import { encodedColumns, isTable, maxBatchRowsOf, sliced, type BatchTransformer, type RecordBatchStream, type TransformOptions } from "./stream.js";

export const PIPELINE_FORMAT = "kindling-pipeline";
export const PIPELINE_FORMAT_VERSION = 1;

type AnyStage = PipelineStage<OutputParams>;
type AnyTransformer = Transformer<OutputParams>;

/** An input schema for `fit()` without data: every column a stage reads that no stage writes is a text column. */
function impliedSchema(stages: readonly AnyStage[]): ColumnSchema {
  const schema: ColumnSchema = new Map();
  const produced = new Set<string>();
  for (const stage of stages) {
    for (const col of stage.valueInputCols()) if (!produced.has(col)) schema.set(col, { kind: "values", type: "Utf8" });
    produced.add(stage.get("outputCol"));
  }
  return schema;
}

/** Columns the stages read that no earlier stage writes: what a pipeline needs from its input. */
export function pipelineInputColumns(stages: readonly AnyStage[]): string[] {
  const needed = new Set<string>();
  const produced = new Set<string>();
  for (const stage of stages) {
    const annotationInputs = (stage.paramValues() as Partial<StageParams>).inputCols ?? [];
    for (const col of [...stage.valueInputCols(), ...annotationInputs]) if (!produced.has(col)) needed.add(col);
    produced.add(stage.get("outputCol"));
  }
  return [...needed];
}

/** Spark's Pipeline: an ordered list of stages; `fit` trains the approaches and checks the wiring. */
export class Pipeline {
  private stages: AnyStage[];

  constructor(options: { stages: AnyStage[] } | AnyStage[] = []) {
    this.stages = Array.isArray(options) ? [...options] : [...options.stages];
  }

  setStages(stages: AnyStage[]): this {
    this.stages = [...stages];
    return this;
  }

  getStages(): readonly AnyStage[] {
    return this.stages;
  }

  /**
   * Checks every stage's inputs against the columns available to it, fits the approaches (on the data as
   * transformed by the stages before them) and returns the PipelineModel. With no data, the columns the stages
   * read and nobody writes are taken to be text columns, like Spark's `fit(spark.createDataFrame([[""]]))`.
   */
  async fit(data?: Table): Promise<PipelineModel> {
    let schema = data ? columnSchemaOf(data.schema) : impliedSchema(this.stages);
    const needsData = this.stages.some(isApproach);
    let batch: AnnotationBatch | undefined;
    if (needsData && data) batch = AnnotationBatch.fromArrow(data);
    const fitted: AnyTransformer[] = [];
    for (const stage of this.stages) {
      schema = stage.transformSchema(schema);
      let model: AnyTransformer;
      if (isApproach(stage)) {
        model = await stage.fit(batch ?? AnnotationBatch.fromColumns({}));
      } else if (isTransformer(stage)) {
        model = stage;
      } else {
        throw new PipelineWiringError(`stage ${stage.stageName} is neither a Transformer nor an AnnotatorApproach`);
      }
      fitted.push(model);
      if (batch) await model.transformBatch(batch);
    }
    return new PipelineModel(fitted);
  }
}

/** Spark's PipelineModel: fitted stages that add their output columns to a table. */
export class PipelineModel implements BatchTransformer {
  private readonly columnsWithoutArrowEmbeddings: ReadonlySet<string>;

  constructor(readonly stages: readonly AnyTransformer[]) {
    this.columnsWithoutArrowEmbeddings = new Set(stages.filter((s) => !s.includesEmbeddingsInArrow()).map((s) => s.get("outputCol")));
  }

  /** Checks the wiring against an input schema and returns the output schema. */
  transformSchema(schema: ColumnSchema): ColumnSchema {
    return this.stages.reduce((s, stage) => stage.transformSchema(s), schema);
  }

  /** Runs every stage over a batch of rows in place (LightPipeline and the Arrow paths share this). */
  async transformBatch(batch: AnnotationBatch, options: TransformOptions = {}): Promise<AnnotationBatch> {
    for (const stage of this.stages) {
      if (options.timings) await options.timings.time(stage.stageName, () => stage.transformBatch(batch));
      else await stage.transformBatch(batch);
    }
    return batch;
  }

  /**
   * A Table in, a new Table out: the input's columns plus every stage's output column. A stream of record batches
   * in (an array, an async iterable, a `RecordBatchReader`), a stream out: the same as `transformBatches`.
   */
  transform(table: Table, options?: TransformOptions): Promise<Table>;
  transform(batches: RecordBatchStream, options?: TransformOptions): AsyncGenerator<RecordBatch>;
  transform(input: Table | RecordBatchStream, options: TransformOptions = {}): Promise<Table> | AsyncGenerator<RecordBatch> {
    return isTable(input) ? this.transformTable(input, options) : this.transformBatches(input, options);
  }

  private async transformTable(table: Table, options: TransformOptions): Promise<Table> {
    const out: RecordBatch[] = [];
    for await (const batch of this.transformBatches(table.batches, options)) out.push(batch);
    if (out.length === 0) {
      this.transformSchema(columnSchemaOf(table.schema));
      return new Table(this.outputSchema(table.schema, encodedColumns(this.outputColumns(), options)));
    }
    return new Table(out);
  }

  /** Streams Arrow record batches through the pipeline, yielding each annotated batch in order. */
  async *transformBatches(batches: RecordBatchStream, options: TransformOptions = {}): AsyncGenerator<RecordBatch> {
    const maxBatchRows = maxBatchRowsOf(options);
    const keep = encodedColumns(this.outputColumns(), options);
    let rowOffset = options.rowOffset ?? 0;
    let types: ColumnSchema | undefined;
    const arrowTypes = new StreamArrowTypes();
    for await (const input of sliced(batches, maxBatchRows)) {
      types ??= this.transformSchema(columnSchemaOf(input.schema));
      const batch = AnnotationBatch.fromArrow(input, rowOffset);
      await this.transformBatch(batch, options);
      const columnTypes = types;
      const encode = () => appendColumns(input, batch, columnTypes, this.columnsWithoutArrowEmbeddings, arrowTypes, keep);
      yield options.timings ? await options.timings.time("arrow-encode", encode) : encode();
      rowOffset += input.numRows;
    }
  }

  /** The input columns the stages read (text, ids, pre-computed annotations): read by a stage, written by none before it. */
  inputColumns(): string[] {
    return pipelineInputColumns(this.stages);
  }

  /** Every stage's output column, in stage order. */
  outputColumns(): string[] {
    return this.stages.map((stage) => stage.get("outputCol"));
  }

  private outputSchema(input: Schema, keep: ReadonlySet<string>): Schema {
    const fields: Field[] = [...input.fields];
    const types = this.transformSchema(columnSchemaOf(input));
    const arrowTypes = new StreamArrowTypes();
    for (const stage of this.stages) {
      const col = stage.get("outputCol");
      if (!keep.has(col)) continue;
      const kind = types.get(col);
      if (kind?.kind === "annotations") fields.push(annotationField(col, kind.annotatorType, arrowTypes.get(col, input), kind.metadata));
    }
    return new Schema(fields, input.metadata);
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const stages = this.stages.map((stage, i) => ({ dir: `stages/${String(i).padStart(2, "0")}_${stage.stageName}`, class: stage.stageName }));
    for (let i = 0; i < this.stages.length; i++) await saveStage(this.stages[i]!, join(dir, stages[i]!.dir));
    const metadata = { format: PIPELINE_FORMAT, formatVersion: PIPELINE_FORMAT_VERSION, stages };
    await writeFile(join(dir, "pipeline.json"), JSON.stringify(metadata, null, 2) + "\n");
  }

  static async load(dir: string): Promise<PipelineModel> {
    const path = join(dir, "pipeline.json");
    let metadata: { format: string; formatVersion: number; stages: { dir: string }[] };
    try {
      metadata = JSON.parse(await readFile(path, "utf8"));
    } catch (e) {
      throw new PersistenceError(path, `cannot read the saved pipeline: ${(e as Error).message}`);
    }
    if (metadata.format !== PIPELINE_FORMAT) throw new PersistenceError(path, `not a Kindling pipeline (format "${metadata.format}")`);
    if (metadata.formatVersion > PIPELINE_FORMAT_VERSION) {
      throw new PersistenceError(path, `format version ${metadata.formatVersion} is newer than this Kindling reads (${PIPELINE_FORMAT_VERSION})`);
    }
    const stages: AnyTransformer[] = [];
    for (const s of metadata.stages) {
      const stage = await loadStage(join(dir, s.dir));
      if (!isTransformer(stage)) throw new PersistenceError(join(dir, s.dir), `stage ${stage.stageName} is not a fitted transformer`);
      stages.push(stage);
    }
    return new PipelineModel(stages);
  }
}

/**
 * One Arrow type per output column for a whole stream, so every batch has the same schema; their dictionary ids
 * differ from the input's (which may come from an IPC stream, not from this thread's id counter).
 */
class StreamArrowTypes {
  private readonly types = new Map<string, AnnotationListType>();
  private taken: Set<number> | undefined;

  get(column: string, input: Schema): AnnotationListType {
    let type = this.types.get(column);
    if (!type) {
      this.taken ??= dictionaryIds(input.fields);
      type = withDistinctDictionaryIds(annotationListType(), this.taken);
      this.types.set(column, type);
    }
    return type;
  }
}

/** Encodes the batch's new annotation columns to Arrow (once, here) and appends them to the input batch. */
function appendColumns(
  input: RecordBatch,
  batch: AnnotationBatch,
  types: ColumnSchema,
  withoutEmbeddings: ReadonlySet<string>,
  arrowTypes: StreamArrowTypes,
  keep: ReadonlySet<string>,
): RecordBatch {
  const fields: Field[] = [...input.schema.fields];
  const children: Data[] = [...input.data.children];
  for (const output of batch.outputs()) {
    if (!keep.has(output.name)) continue;
    const type = arrowTypes.get(output.name, input.schema);
    const data = encodeAnnotationData(output.rows, { includeEmbeddings: !withoutEmbeddings.has(output.name), type });
    const kind = types.get(output.name);
    fields.push(annotationField(output.name, output.annotatorType, data.type, kind?.kind === "annotations" ? kind.metadata : undefined));
    children.push(data);
  }
  const schema = new Schema(fields, input.schema.metadata);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: input.numRows, nullCount: 0, children }));
}
