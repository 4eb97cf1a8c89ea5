export { CoNLL, DEFAULT_CONLL_OPTIONS, removeSurroundingHyphens, SENTENCE_SEPARATOR, type CoNLLDocument, type CoNLLOptions, type TaggedWord } from "./conll.js";
export { ConllFormatError, ConllWriteError } from "./errors.js";
export { DOCSTART, javaTrim, splitLines } from "./lines.js";
export { parseConllSentences, readConllSentences, type ConllSentence, type ReadSentencesOptions } from "./sentences.js";
export { conllSafeToken, TOKEN_SPACE_REPLACEMENT } from "@kindling/annotation";
export { DOCSTART_LINE, writeConll, type ConllWriteDocument, type ConllWriteSentence } from "./write.js";
export { bioToChunks, evaluateChunks, MICRO, type Chunk, type ChunkScores, type PRF, type ScoresByLabel } from "./chunks.js";
