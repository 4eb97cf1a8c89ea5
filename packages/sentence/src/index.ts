export { SentenceDetector, type SentenceDetectorParams } from "./sentence-detector.js";
export { compileSentenceSplitter, detectSentences, SentenceOptionError, type SentenceSplitter } from "./detect.js";
export { DEFAULT_SENTENCE_OPTIONS, type SentenceOptions } from "./options.js";
export { CUSTOM_BOUNDS_STRATEGIES, type CustomBoundsStrategy } from "./custom-bounds.js";
export type { SentenceSpan } from "./scanner.js";
