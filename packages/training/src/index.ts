export { CoNLL, DEFAULT_CONLL_OPTIONS, removeSurroundingHyphens, SENTENCE_SEPARATOR, type CoNLLDocument, type CoNLLOptions, type TaggedWord } from "./conll.js";
export { ConllFormatError, ConllWriteError } from "./errors.js";
export { DOCSTART, javaTrim, splitLines } from "./lines.js";
export { parseConllSentences, readConllSentences, type ConllSentence, type ReadSentencesOptions } from "./sentences.js";
export { conllSafeToken, DOCSTART_LINE, TOKEN_SPACE_REPLACEMENT, writeConll, type ConllWriteDocument, type ConllWriteSentence } from "./write.js";
export { bioToChunks, evaluateChunks, MICRO, type Chunk, type ChunkScores, type PRF, type ScoresByLabel } from "./chunks.js";
