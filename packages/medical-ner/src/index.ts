import { registerStage } from "@kindling/core";
import { MedicalNerModel, type MedicalNerOptions } from "./model.js";

export { CharEncoder } from "./chars.js";
export { CrfDecoder } from "./crf.js";
export { NER_MODEL_FORMAT, NerModelError, readManifest, type NerManifest } from "./manifest.js";
export { MedicalNerModel, type LabelCasing, type MedicalNerOptions, type MedicalNerParams } from "./model.js";
export { planBatches, type BatchItem } from "./batches.js";
export { inferenceWindows, type InferenceWindow } from "./windows.js";

/** Spark NLP's open-source name for the same annotator. */
export { MedicalNerModel as NerDLModel } from "./model.js";

registerStage("MedicalNerModel", {
  packageName: "@kindling/medical-ner",
  load: (params, dir) => MedicalNerModel.fromSaved(params as MedicalNerOptions, dir),
});
