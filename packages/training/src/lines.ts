import { ConllFormatError } from "./errors.js";

/** The marker token of a document-start line (`-DOCSTART- -X- -X- O`). */
export const DOCSTART = "-DOCSTART-";

/** Splits file content into lines; LF and CRLF both end a line, and a leading byte-order mark is dropped. */
export function splitLines(content: string): string[] {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const lines = text.split("\n");
  // A final newline does not start another line.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Java's `String.trim()`, which Spark applies to every CoNLL line: strips code units <= U+0020 (spaces, tabs,
 * CR, other ASCII controls) at both ends, but not Unicode spaces such as U+00A0, which may be a whole token.
 */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

export interface LineLayout {
  delimiter: string;
  /** Field index of the NER tag (Spark's `conllLabelIndex`). */
  labelIndex: number;
  /** Field index of the POS tag (Spark's `conllPosIndex`). */
  posIndex: number;
}

export type ConllLine =
  | { kind: "blank" }
  | { kind: "docstart"; fields: string[] }
  | { kind: "token"; token: string; pos: string; tag: string };

/**
 * Classifies one line as Spark does (trim, split on the delimiter, `-DOCSTART-` first), but where Spark silently
 * skips a line it cannot use (too few fields, a lone word) this throws, naming the file and line.
 */
export function parseLine(raw: string, layout: LineLayout, path: string, lineNumber: number): ConllLine {
  const line = javaTrim(raw);
  if (line === "") return { kind: "blank" };
  const fields = line.split(layout.delimiter);
  if (fields[0] === DOCSTART) return { kind: "docstart", fields };
  const needed = Math.max(layout.labelIndex, layout.posIndex) + 1;
  if (fields.length < needed) {
    throw new ConllFormatError(
      path,
      lineNumber,
      `expected at least ${needed} fields separated by ${JSON.stringify(layout.delimiter)} (token ... tag), found ${fields.length}: ${preview(line)}`,
    );
  }
  const empty = fields.indexOf("");
  if (empty >= 0) {
    throw new ConllFormatError(path, lineNumber, `field ${empty} is empty (two delimiters in a row?): ${preview(line)}`);
  }
  return { kind: "token", token: fields[0]!, pos: fields[layout.posIndex]!, tag: fields[layout.labelIndex]! };
}

function preview(line: string): string {
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);
}
