export { AnnotationBatch, columnSchemaOf, type ArrowColumns, type ColumnKind, type ColumnSchema } from "./batch.js";
export { NotSupportedError, ParamError, PersistenceError, PipelineWiringError, StageRowError } from "./errors.js";
export { LightPipeline } from "./light-pipeline.js";
export { check, param, Params, type OutputParams, type ParamSpec, type ParamSpecs, type StageParams } from "./params.js";
export { Pipeline, PipelineModel, PIPELINE_FORMAT, PIPELINE_FORMAT_VERSION, type TransformOptions } from "./pipeline.js";
export { loadStage, registerStage, saveStage, type StageLoader } from "./registry.js";
export { AnnotatorApproach, AnnotatorModel, PipelineStage, Transformer, type RowInputs } from "./stage.js";
export { StageTimings } from "./timings.js";
export { MODELS_DIR_ENV, PretrainedModelError, resolvePretrained } from "./models.js";
