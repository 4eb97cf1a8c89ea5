export { CLEANUP_MODES, cleanText, javaTrim, keepsLength, type CleanupMode } from "./cleanup.js";
export { DocumentAssembler, type DocumentAssemblerParams } from "./document-assembler.js";
