export { Tokenizer } from "./tokenizer.js";
export { TokenizerModel } from "./model.js";
export { tokenize, type Token } from "./tokenize.js";
export type { TokenizerModelParams, TokenizerParams } from "./params.js";
export { DEFAULT_ABBREVIATIONS, DEFAULT_CONTEXT_CHARS, DEFAULT_MAX_LENGTH, DEFAULT_PLACEHOLDER_PATTERNS, DEFAULT_TARGET_PATTERN } from "./defaults.js";
