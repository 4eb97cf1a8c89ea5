import type { PipelineModel } from "@kindling/core";
import { nerPipeline, ruleBasedPipeline, type NerModelChoice, type PipelineName } from "./pipelines.js";

/** What `kindling annotate --workers N` sends each worker (structured-cloneable). */
export interface WorkerPipelineOptions extends NerModelChoice {
  pipeline: PipelineName;
  /** ONNX Runtime intra-op threads of the worker's own session. */
  intraOpThreads?: number;
}

/** The PipelinePool factory: every worker thread builds its own pipeline and ONNX Runtime session. */
export default function createPipeline(options: WorkerPipelineOptions): Promise<PipelineModel> {
  const { pipeline, ...ner } = options;
  return pipeline === "ner" ? nerPipeline(undefined, ner) : ruleBasedPipeline();
}
