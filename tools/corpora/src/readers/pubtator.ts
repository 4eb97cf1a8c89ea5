import { readFile } from "node:fs/promises";
import { CorpusFormatError } from "../errors.js";
import type { RawDocument, RawMention, Split } from "../types.js";

const TEXT_LINE = /^(\d+)\|([ta])\|(.*)$/;

/**
 * A PubTator file: documents separated by blank lines, each `<pmid>|t|<title>`, `<pmid>|a|<abstract>` and
 * tab-separated mention lines `<pmid> <begin> <end> <mention> <type> [ids] [...]` whose offsets index
 * `title + " " + abstract` (end exclusive). Relation lines (`<pmid>\tCID\t…`) are skipped.
 */
export function parsePubtator(content: string, path: string, split: Split): RawDocument[] {
  const docs: RawDocument[] = [];
  let pmid: string | undefined;
  let title: string | undefined;
  let abstract: string | undefined;
  let mentions: RawMention[] = [];
  let startLine = 0;

  const flush = () => {
    if (pmid === undefined) return;
    if (title === undefined || abstract === undefined) throw new CorpusFormatError(path, startLine, `document ${pmid} lacks its |t| or |a| line`);
    const text = `${title} ${abstract}`;
    for (const m of mentions) {
      const [begin, end] = m.segments[0]!;
      if (end > text.length) throw new CorpusFormatError(path, startLine, `document ${pmid}: mention ${begin}-${end} ends past the text (length ${text.length})`);
    }
    docs.push({ split, docId: pmid, text, mentions });
    pmid = title = abstract = undefined;
    mentions = [];
  };

  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    const lineNo = i + 1;
    if (line.trim() === "") {
      flush();
      continue;
    }
    const textLine = TEXT_LINE.exec(line);
    const id = textLine ? textLine[1]! : line.slice(0, line.indexOf("\t"));
    if (pmid === undefined) {
      pmid = id;
      startLine = lineNo;
    } else if (id !== pmid) {
      throw new CorpusFormatError(path, lineNo, `line of document ${id} inside document ${pmid} (missing blank line?)`);
    }
    if (textLine) {
      if (textLine[2] === "t") title = textLine[3]!;
      else abstract = textLine[3]!;
      continue;
    }
    const fields = line.split("\t");
    if (fields[1] === "CID") continue;
    if (fields.length < 5 || !/^\d+$/.test(fields[1]!) || !/^\d+$/.test(fields[2]!)) {
      throw new CorpusFormatError(path, lineNo, `expected '<pmid>\\t<begin>\\t<end>\\t<mention>\\t<type>…': ${JSON.stringify(line.slice(0, 80))}`);
    }
    const begin = Number(fields[1]);
    const end = Number(fields[2]);
    if (begin > end) throw new CorpusFormatError(path, lineNo, `begin ${begin} > end ${end}`);
    mentions.push({ type: fields[4]!, segments: [[begin, end]], text: fields[3]! });
  }
  flush();
  return docs;
}

export async function readPubtator(path: string, split: Split): Promise<RawDocument[]> {
  return parsePubtator(await readFile(path, "utf8"), path, split);
}
