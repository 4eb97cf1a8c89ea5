import { registerStage } from "@kindling/core";
import { WordEmbeddings } from "./approach.js";
import { readKindlingEmbeddings } from "./formats/kindling.js";
import { WordEmbeddingsModel, type WordEmbeddingsParams } from "./model.js";

export { WordEmbeddings, type ReadAs, type WordEmbeddingsApproachParams } from "./approach.js";
export { overallCoverage, type Coverage } from "./coverage.js";
export { EmbeddingsFormatError } from "./errors.js";
export { KINDLING_EMBEDDINGS_FORMAT, readKindlingEmbeddings, writeKindlingEmbeddings, type KindlingEmbeddingsMeta } from "./formats/kindling.js";
export { readTextVectors, type TextVectorsOptions } from "./formats/text.js";
export { readWord2VecBinary } from "./formats/word2vec-binary.js";
export { EmbeddingsStorage } from "./storage.js";
export { WORD_EMBEDDINGS_SPECS, WordEmbeddingsModel, type WordEmbeddingsParams } from "./model.js";

registerStage("WordEmbeddingsModel", {
  packageName: "@kindling/embeddings",
  load: async (params, dir) => {
    const { storage } = await readKindlingEmbeddings(dir);
    return new WordEmbeddingsModel(params as Partial<WordEmbeddingsParams>, storage);
  },
});
registerStage("WordEmbeddings", { packageName: "@kindling/embeddings", load: (params) => new WordEmbeddings(params) });
