import { annotationField, annotationListType, encodeAnnotationData, type AnnotationListType } from "@kindling/annotation";
import { makeData, RecordBatch, Schema, Struct, Table, type Data, type Field } from "apache-arrow";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AnnotationBatch, columnSchemaOf, type ColumnSchema } from "./batch.js";
import { PersistenceError, PipelineWiringError } from "./errors.js";
import type { OutputParams } from "./params.js";
import { loadStage, saveStage } from "./registry.js";
import { isApproach, isTransformer, type PipelineStage, type Transformer } from "./stage.js";
import type { StageTimings } from "./timings.js";

export const PIPELINE_FORMAT = "kindling-pipeline";
export const PIPELINE_FORMAT_VERSION = 1;

type AnyStage = PipelineStage<OutputParams>;
type AnyTransformer = Transformer<OutputParams>;

export interface TransformOptions {
  /** Receives the time spent per stage and in Arrow encoding. */
  timings?: StageTimings;
  /**
   * Larger input record batches are processed in slices of this many rows (default 512): all annotations of a
   * slice are alive at once, so huge batches cost memory and garbage-collection time, not speed.
   */
  maxBatchRows?: number;
}

const DEFAULT_MAX_BATCH_ROWS = 512;

/** Input batches cut to at most `rows` rows each, in order. */
async function* sliced(batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>, rows: number): AsyncGenerator<RecordBatch> {
  for await (const batch of batches) {
    if (batch.numRows <= rows) yield batch;
    else for (let i = 0; i < batch.numRows; i += rows) yield batch.slice(i, Math.min(i + rows, batch.numRows));
  }
}

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
export class PipelineModel {
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

  /** A new Table: the input's columns plus every stage's output column, batch by batch. */
  async transform(table: Table, options: TransformOptions = {}): Promise<Table> {
    const out: RecordBatch[] = [];
    for await (const batch of this.transformBatches(table.batches, options)) out.push(batch);
    if (out.length === 0) {
      this.transformSchema(columnSchemaOf(table.schema));
      return new Table(this.outputSchema(table.schema));
    }
    return new Table(out);
  }

  /** Streams Arrow record batches through the pipeline, yielding each annotated batch in order. */
  async *transformBatches(batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>, options: TransformOptions = {}): AsyncGenerator<RecordBatch> {
    let rowOffset = 0;
    let types: ColumnSchema | undefined;
    // One Arrow type per output column for the whole stream, so every batch has the same schema.
    const arrowTypes = new Map<string, AnnotationListType>();
    for await (const input of sliced(batches, options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS)) {
      types ??= this.transformSchema(columnSchemaOf(input.schema));
      const batch = AnnotationBatch.fromArrow(input, rowOffset);
      await this.transformBatch(batch, options);
      const columnTypes = types;
      const encode = () => appendColumns(input, batch, columnTypes, this.columnsWithoutArrowEmbeddings, arrowTypes);
      yield options.timings ? await options.timings.time("arrow-encode", encode) : encode();
      rowOffset += input.numRows;
    }
  }

  private outputSchema(input: Schema): Schema {
    const fields: Field[] = [...input.fields];
    const types = this.transformSchema(columnSchemaOf(input));
    for (const stage of this.stages) {
      const col = stage.get("outputCol");
      const kind = types.get(col);
      if (kind?.kind === "annotations") fields.push(annotationField(col, kind.annotatorType, undefined, kind.metadata));
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

/** Encodes the batch's new annotation columns to Arrow (once, here) and appends them to the input batch. */
function appendColumns(
  input: RecordBatch,
  batch: AnnotationBatch,
  types: ColumnSchema,
  withoutEmbeddings: ReadonlySet<string>,
  arrowTypes: Map<string, AnnotationListType>,
): RecordBatch {
  const fields: Field[] = [...input.schema.fields];
  const children: Data[] = [...input.data.children];
  for (const output of batch.outputs()) {
    let type = arrowTypes.get(output.name);
    if (!type) arrowTypes.set(output.name, (type = annotationListType()));
    const data = encodeAnnotationData(output.rows, { includeEmbeddings: !withoutEmbeddings.has(output.name), type });
    const kind = types.get(output.name);
    fields.push(annotationField(output.name, output.annotatorType, data.type, kind?.kind === "annotations" ? kind.metadata : undefined));
    children.push(data);
  }
  const schema = new Schema(fields, input.schema.metadata);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: input.numRows, nullCount: 0, children }));
}
