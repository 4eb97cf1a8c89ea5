export { formatConfidence, tagSentences, tokenConfidence, type TaggedSentence, type TaggedToken } from "./align.js";
export { ChunkConverter, NerConverter, type NerConverterParams } from "./ner-converter.js";
export { NerConverterInternal, type NerConverterInternalParams } from "./ner-converter-internal.js";
export { decodeIob, decodeSchemaless, type TagSpan } from "./tags.js";
