import { conllSafeToken } from "@kindling/annotation";
import { open } from "node:fs/promises";
import { ConllWriteError } from "./errors.js";
import { DOCSTART } from "./lines.js";

/** A sentence to write: tokens and their tags, one each. */
export interface ConllWriteSentence {
  readonly tokens: readonly string[];
  readonly tags: readonly string[];
}

/** A document to write: its sentences in order. */
export interface ConllWriteDocument {
  readonly sentences: readonly ConllWriteSentence[];
}

/** What every document starts with: Spark's CoNLL 2003 document line, no id. */
export const DOCSTART_LINE = `${DOCSTART} -X- -X- O`;

const FLUSH_AT = 1 << 20;

/**
 * Writes documents in Spark NLP's CoNLL format: `-DOCSTART- -X- -X- O` and a blank line per document, then
 * `token -X- -X- TAG` per token and a blank line after each sentence. Tokens are passed through
 * `conllSafeToken`; an empty token, the token `-DOCSTART-`, a tag with whitespace or a token/tag count mismatch
 * throws a ConllWriteError naming the document and sentence. Sentences without tokens are skipped.
 * Returns the number of sentences written.
 */
export async function writeConll(path: string, documents: Iterable<ConllWriteDocument>): Promise<number> {
  const file = await open(path, "w");
  let written = 0;
  try {
    let buffer = "";
    let d = 0;
    for (const doc of documents) {
      buffer += `${DOCSTART_LINE}\n\n`;
      doc.sentences.forEach((sentence, s) => {
        const where = `document ${d}, sentence ${s}`;
        if (sentence.tokens.length !== sentence.tags.length) {
          throw new ConllWriteError(`${where}: ${sentence.tokens.length} tokens but ${sentence.tags.length} tags`);
        }
        if (sentence.tokens.length === 0) return;
        for (let t = 0; t < sentence.tokens.length; t++) buffer += `${tokenField(sentence.tokens[t]!, `${where}, token ${t}`)} -X- -X- ${tagField(sentence.tags[t]!, `${where}, token ${t}`)}\n`;
        buffer += "\n";
        written++;
      });
      if (buffer.length >= FLUSH_AT) {
        await file.write(buffer);
        buffer = "";
      }
      d++;
    }
    await file.write(buffer);
  } finally {
    await file.close();
  }
  return written;
}

function tokenField(token: string, where: string): string {
  if (typeof token !== "string" || token.length === 0) throw new ConllWriteError(`${where}: empty token`);
  if (token === DOCSTART) throw new ConllWriteError(`${where}: the token "${DOCSTART}" would read back as a document start`);
  return conllSafeToken(token);
}

function tagField(tag: string, where: string): string {
  if (typeof tag !== "string" || tag.length === 0) throw new ConllWriteError(`${where}: empty tag`);
  if (/[\s\u0000-\u001f]/u.test(tag)) throw new ConllWriteError(`${where}: tag ${JSON.stringify(tag)} contains whitespace or a control character`);
  return tag;
}
