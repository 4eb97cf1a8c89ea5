import fc from "fast-check";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConllFormatError, conllSafeToken, ConllWriteError, DOCSTART_LINE, parseConllSentences, readConllSentences, writeConll } from "../src/index.js";
import { bioTags, readAciNotes, tempDir, whitespaceSentences } from "./helpers.js";

describe("writeConll + readConllSentences on real aci-train notes", () => {
  it("writes Spark's layout and reads back every sentence, token and tag with its document index", async () => {
    const notes = await readAciNotes(2);
    const docs = notes.map((note) => {
      const sentences = whitespaceSentences(note.text);
      const tags = bioTags(sentences, note.entities);
      return sentences.map((s, i) => ({ tokens: s.map((t) => t.text), tags: tags[i]! }));
    });
    const path = join(await tempDir(), "notes.conll");
    const written = await writeConll(path, docs.map((sentences) => ({ sentences })));
    expect(written).toBe(docs.flat().length);

    const content = await readFile(path, "utf8");
    expect(content.startsWith(`${DOCSTART_LINE}\n\nCHIEF -X- -X- O\nCOMPLAINT -X- -X- O\n\n`)).toBe(true);
    expect(content.split(DOCSTART_LINE).length - 1).toBe(2);

    const read = await readConllSentences(path);
    expect(read.map((s) => s.tokens)).toEqual(docs.flat().map((s) => s.tokens));
    expect(read.map((s) => s.tags)).toEqual(docs.flat().map((s) => s.tags));
    expect(read.map((s) => s.document)).toEqual(docs.flatMap((d, i) => d.map(() => i)));
    expect(read[0]!.line).toBe(3);
  });
});

describe("readConllSentences", () => {
  it("accepts CRLF, a missing -DOCSTART- and runs of blank lines", () => {
    const s = parseConllSentences("a -X- -X- B-TEST\r\nb -X- -X- I-TEST\r\n\r\n\r\nc -X- -X- O\r\n");
    expect(s).toEqual([
      { tokens: ["a", "b"], tags: ["B-TEST", "I-TEST"], document: 0, line: 1 },
      { tokens: ["c"], tags: ["O"], document: 0, line: 5 },
    ]);
  });

  it("labelIndex and delimiter select the tag of other layouts", () => {
    expect(parseConllSentences("heart\tB-PROBLEM\nattack\tI-PROBLEM\n", "x", { delimiter: "\t", labelIndex: 1 })[0]!.tags).toEqual(["B-PROBLEM", "I-PROBLEM"]);
    expect(() => parseConllSentences("heart\tB-PROBLEM\n", "x")).toThrow(ConllFormatError);
  });

  it("names file and line of a malformed line", async () => {
    const path = join(await tempDir(), "bad.conll");
    await writeFile(path, "-DOCSTART- -X- -X- O\n\nok -X- -X- O\nbroken -X- O\n");
    await expect(readConllSentences(path)).rejects.toThrow(`${path}:4: expected at least 4 fields`);
  });
});

describe("writeConll", () => {
  it("conllSafeToken keeps the length and leaves no delimiter, line break or control (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (t) => {
        const safe = conllSafeToken(t);
        expect(safe.length).toBe(t.length);
        expect(safe).not.toMatch(/[ \t\r\n\u2028\u2029\u0000-\u001f]/u);
        // Only unsafe characters change, and only to U+00A0.
        for (let i = 0; i < t.length; i++) if (safe[i] !== t[i]) expect(safe[i]).toBe("\u00A0");
      }),
    );
  });

  it("writes whitespace inside a token as U+00A0 and keeps its length", async () => {
    const path = join(await tempDir(), "ph.conll");
    await writeConll(path, [{ sentences: [{ tokens: ["Seen", "by", "[** Dr. Smith **]"], tags: ["O", "O", "O"] }] }]);
    expect(await readFile(path, "utf8")).toContain("[**\u00A0Dr.\u00A0Smith\u00A0**] -X- -X- O\n");
    expect(conllSafeToken("a\tb\r\nc\u2028d\u0001")).toBe("a\u00A0b\u00A0\u00A0c\u00A0d\u00A0");
  });

  it("rejects what cannot be read back, naming document, sentence and token", async () => {
    const path = join(await tempDir(), "bad.conll");
    const one = (tokens: string[], tags: string[]) => writeConll(path, [{ sentences: [] }, { sentences: [{ tokens: ["ok"], tags: ["O"] }, { tokens, tags }] }]);
    await expect(one(["a", "b"], ["O"])).rejects.toThrow(new ConllWriteError("document 1, sentence 1: 2 tokens but 1 tags"));
    await expect(one([""], ["O"])).rejects.toThrow("document 1, sentence 1, token 0: empty token");
    await expect(one(["-DOCSTART-"], ["O"])).rejects.toThrow(/would read back as a document start/);
    await expect(one(["a"], ["B PROBLEM"])).rejects.toThrow(/tag "B PROBLEM" contains whitespace/);
  });

  it("round-trips arbitrary tokens and tags (fast-check)", async () => {
    const dir = await tempDir();
    let n = 0;
    // Whole code points only: a lone surrogate cannot be stored in a UTF-8 file at all.
    const unit = fc.oneof(fc.constantFrom(" ", "\t", "\r", "\n", "\r\n", "\u2028", "\u00A0", "\u0001", "\uFEFF"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }));
    const token = fc.string({ unit, minLength: 1, maxLength: 10 }).filter((t) => t !== "-DOCSTART-");
    const tag = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/);
    const sentence = fc.array(fc.tuple(token, tag), { minLength: 1, maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(sentence, { maxLength: 4 }), { minLength: 1, maxLength: 4 }), async (docs) => {
        const path = join(dir, `${n++}.conll`);
        await writeConll(path, docs.map((d) => ({ sentences: d.map((s) => ({ tokens: s.map(([t]) => t), tags: s.map(([, g]) => g) })) })));
        const read = await readConllSentences(path);
        const expected = docs.flatMap((d, i) => d.map((s) => ({ tokens: s.map(([t]) => conllSafeToken(t)), tags: s.map(([, g]) => g), document: i })));
        expect(read.map(({ tokens, tags, document }) => ({ tokens, tags, document }))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
