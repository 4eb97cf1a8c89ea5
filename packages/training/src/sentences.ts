import { readFile } from "node:fs/promises";
import { parseLine, splitLines, type LineLayout } from "./lines.js";

/** One sentence of a CoNLL file as plain arrays. */
export interface ConllSentence {
  tokens: string[];
  tags: string[];
  /** Index of the document (0-based, counted by `-DOCSTART-` lines; 0 when the file has none). */
  document: number;
  /** 1-based line number of the sentence's first token, for messages. */
  line: number;
}

export interface ReadSentencesOptions {
  delimiter?: string;
  /** Field index of the tag (default 3, as in `token -X- -X- TAG`). */
  labelIndex?: number;
}

/**
 * Reads a CoNLL file into sentences of tokens and tags, without building text or Arrow (the counterpart of
 * tools/train/conll.py's `read_conll`). LF or CRLF, a missing `-DOCSTART-`, and runs of blank lines are all
 * accepted; a line that is not blank, a `-DOCSTART-` line or a token line throws a ConllFormatError.
 */
export async function readConllSentences(path: string, options: ReadSentencesOptions = {}): Promise<ConllSentence[]> {
  return parseConllSentences(await readFile(path, "utf8"), path, options);
}

/** `readConllSentences` over content already in memory; `source` names it in errors. */
export function parseConllSentences(content: string, source = "<string>", options: ReadSentencesOptions = {}): ConllSentence[] {
  const labelIndex = options.labelIndex ?? 3;
  const layout: LineLayout = { delimiter: options.delimiter ?? " ", labelIndex, posIndex: Math.min(1, labelIndex) };
  const out: ConllSentence[] = [];
  const lines = splitLines(content);
  let document = -1;
  let current: ConllSentence | undefined;
  const close = () => {
    if (current) out.push(current);
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = parseLine(lines[i]!, layout, source, i + 1);
    if (line.kind === "token") {
      current ??= { tokens: [], tags: [], document: Math.max(document, 0), line: i + 1 };
      current.tokens.push(line.token);
      current.tags.push(line.tag);
    } else {
      close();
      if (line.kind === "docstart") document++;
    }
  }
  close();
  return out;
}
