export { AnnotationBatch, columnSchemaOf, type ArrowColumns, type ColumnKind, type ColumnSchema } from "./batch.js";
export {
  NotSupportedError,
  ParamError,
  PersistenceError,
  PipelineWiringError,
  PoolBatchError,
  PoolClosedError,
  PoolStartError,
  PoolWorkerExitError,
  StageRowError,
  type WorkerErrorInfo,
} from "./errors.js";
export { LightPipeline } from "./light-pipeline.js";
export { check, param, Params, type OutputParams, type ParamSpec, type ParamSpecs, type StageParams } from "./params.js";
export { Pipeline, PipelineModel, pipelineInputColumns, PIPELINE_FORMAT, PIPELINE_FORMAT_VERSION } from "./pipeline.js";
export { PipelinePool, type PipelineFactoryRef, type PipelinePoolOptions, type PoolSizing } from "./pool.js";
export { DEFAULT_MAX_BATCH_ROWS, type BatchTransformer, type RecordBatchStream, type TransformOptions } from "./stream.js";
export { loadStage, registerStage, saveStage, type StageLoader } from "./registry.js";
export { AnnotatorApproach, AnnotatorModel, PipelineStage, Transformer, type RowInputs } from "./stage.js";
export { StageTimings } from "./timings.js";
export { MODELS_DIR_ENV, PretrainedModelError, resolvePretrained } from "./models.js";
export { defineAccessors, type Accessors } from "./accessors.js";
