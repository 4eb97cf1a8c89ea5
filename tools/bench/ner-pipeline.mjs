// The pipeline the benchmark times is the CLI's own (`kindling annotate`, apps/cli/src/pool-pipeline.ts): the model
// card's pipeline with the shipped open models and per-token confidence. PipelinePool workers import this module too.
import createPipeline from "../../apps/cli/dist/pool-pipeline.js";

/** DocumentAssembler → … → NerConverter into `ner_chunk`, with `intraOpThreads` ONNX Runtime threads. */
export function createNerPipeline({ intraOpThreads = 1 } = {}) {
  return createPipeline({ pipeline: "ner", intraOpThreads });
}

export default createNerPipeline;
