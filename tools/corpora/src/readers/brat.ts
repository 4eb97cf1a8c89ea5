import { readFile } from "node:fs/promises";
import { CorpusFormatError } from "../errors.js";
import type { RawMention, Split, RawDocument } from "../types.js";

/**
 * The text-bound (`T`) lines of a brat `.ann` file:
 * `T<n>\t<Type> <begin> <end>[;<begin> <end>...]\t<surface text>`. Events, relations, attributes and notes are
 * skipped. Offsets must fall inside the document (`textLength`).
 */
export function parseBratAnnotations(content: string, textLength: number, path: string): RawMention[] {
  const mentions: RawMention[] = [];
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (!line.startsWith("T")) continue;
    const fail = (detail: string): never => {
      throw new CorpusFormatError(path, i + 1, `${detail}: ${JSON.stringify(line.slice(0, 80))}`);
    };
    const firstTab = line.indexOf("\t");
    const secondTab = line.indexOf("\t", firstTab + 1);
    if (firstTab < 0 || secondTab < 0) fail("a T line needs three tab-separated fields");
    const head = line.slice(firstTab + 1, secondTab);
    const space = head.indexOf(" ");
    if (space <= 0) fail("expected '<Type> <begin> <end>'");
    const segments = head
      .slice(space + 1)
      .split(";")
      .map((pair) => {
        const m = /^(\d+) (\d+)$/.exec(pair.trim());
        if (!m) return fail(`bad offset pair ${JSON.stringify(pair)}`);
        const begin = Number(m[1]);
        const end = Number(m[2]);
        if (begin > end || end > textLength) fail(`offsets ${begin}-${end} fall outside the text (length ${textLength})`);
        return [begin, end] as const;
      });
    // The surface text is the third field; a stray tab after it (one MACCROBAT line has one) starts junk.
    const thirdTab = line.indexOf("\t", secondTab + 1);
    mentions.push({ type: head.slice(0, space), segments, text: line.slice(secondTab + 1, thirdTab < 0 ? undefined : thirdTab) });
  }
  return mentions;
}

/** A brat document: `<stem>.txt` read raw (no newline normalisation: offsets count every "\r") and `<stem>.ann`. */
export async function readBratDocument(stemPath: string, split: Split, docId: string): Promise<RawDocument> {
  const [text, ann] = await Promise.all([readFile(`${stemPath}.txt`, "utf8"), readFile(`${stemPath}.ann`, "utf8")]);
  return { split, docId, text, mentions: parseBratAnnotations(ann, text.length, `${stemPath}.ann`) };
}
