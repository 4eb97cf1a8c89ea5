/** What whitespace inside a token becomes wherever tokens are written space-delimited or looked up by models. */
export const TOKEN_SPACE_REPLACEMENT = "\u00A0";

// Whitespace, plus the C0 controls that Java's trim() would strip from a line's ends.
const UNSAFE = /[\s\u0000-\u001f]/gu;
const HAS_UNSAFE = /[\s\u0000-\u001f]/u;

/**
 * The token as training files and models see it: every whitespace character (JavaScript `\s`) and C0 control
 * becomes U+00A0. The tokenizer only puts whitespace inside de-identification placeholders (`[** Name **]`), so
 * this changes nothing else and keeps the length (offsets stay valid). CoNLL files are written with it
 * (space-delimited lines cannot hold a space inside a token), and the embeddings lookup and the tagger's character
 * ids apply it too, so inference sees exactly the strings training saw.
 */
export function conllSafeToken(token: string): string {
  return HAS_UNSAFE.test(token) ? token.replace(UNSAFE, TOKEN_SPACE_REPLACEMENT) : token;
}
