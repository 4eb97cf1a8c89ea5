import { AnnotatorType } from "@kindling/annotation";
import { ParamError } from "@kindling/core";
import fc from "fast-check";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bioToChunks, CoNLL, ConllFormatError, conllSafeToken, writeConll } from "../src/index.js";
import { bioTags, column, readAciNotes, tempDir, texts, whitespaceSentences } from "./helpers.js";

/** Three real aci-train notes as a CoNLL file (whitespace tokens, one sentence per line), plus what went in. */
async function aciFile() {
  const notes = await readAciNotes(3);
  const docs = notes.map((note) => {
    const sentences = whitespaceSentences(note.text);
    const tags = bioTags(sentences, note.entities);
    return { note, sentences, tags };
  });
  const path = join(await tempDir(), "aci.conll");
  await writeConll(
    path,
    docs.map((d) => ({ sentences: d.sentences.map((s, i) => ({ tokens: s.map((t) => t.text), tags: d.tags[i]! })) })),
  );
  return { path, docs };
}

describe("CoNLL.readDataset on a file made from real aci-train notes", () => {
  it("one row per document without explodeSentences: Spark's text, offsets and labels", async () => {
    const { path, docs } = await aciFile();
    const table = await new CoNLL({ explodeSentences: false }).readDataset(path);
    expect(table.numRows).toBe(3);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["text", "document", "sentence", "token", "pos", "label"]);
    const [text, document, sentence, token, pos, label] = [texts(table), column(table, "document"), column(table, "sentence"), column(table, "token"), column(table, "pos"), column(table, "label")];
    docs.forEach((d, r) => {
      // Spark: tokens joined by the delimiter, sentences by "\n\n", which also follows the last sentence.
      expect(text[r]).toBe(d.sentences.map((s) => s.map((t) => t.text).join(" ")).join("\n\n") + "\n\n");
      expect(document[r]).toEqual([expect.objectContaining({ begin: 0, end: text[r]!.length - 1, result: text[r], metadata: { training: "true", sentence: "0" } })]);
      expect(sentence[r]!.map((s) => s.result)).toEqual(d.sentences.map((s) => s.map((t) => t.text).join(" ")));
      expect(token[r]!.map((t) => t.result)).toEqual(d.sentences.flat().map((t) => t.text));
      expect(label[r]!.map((a) => a.result)).toEqual(d.tags.flat());
      expect(pos[r]!.every((a) => a.result === "-X-" && a.annotatorType === AnnotatorType.POS)).toBe(true);
      for (const a of [...sentence[r]!, ...token[r]!]) expect(text[r]!.slice(a.begin, a.end + 1)).toBe(a.result);
      for (const a of [...pos[r]!, ...label[r]!]) expect(text[r]!.slice(a.begin, a.end + 1)).toBe(a.metadata.word);
      expect(label[r]!.every((a, i) => a.metadata.sentence === token[r]![i]!.metadata.sentence)).toBe(true);
    });
  });

  it("the labels read back rebuild the gold entities that sit on whitespace tokens", async () => {
    const { path, docs } = await aciFile();
    const table = await new CoNLL({ explodeSentences: false }).readDataset(path);
    const tokens = column(table, "token");
    const labels = column(table, "label");
    docs.forEach(({ note }, r) => {
      const rebuilt = bioToChunks(labels[r]!.map((a) => a.result)).map((c) => ({
        label: c.label,
        text: tokens[r]!.slice(c.start, c.end).map((t) => t.result).join(" "),
      }));
      // Entities whose edges fall on whitespace and that hold single spaces come back verbatim.
      const clean = note.entities.filter((e) => /^(\s|$)/.test(note.text.slice(e.end, e.end + 1)) && (e.start === 0 || /\s/.test(note.text[e.start - 1]!)) && !/\s\s|\n/.test(e.text));
      expect(clean.length).toBeGreaterThan(10);
      for (const e of clean) expect(rebuilt).toContainEqual({ label: e.label, text: e.text });
    });
  });

  it("explodes sentences into rows by default, each its own text with sentence index 0", async () => {
    const { path, docs } = await aciFile();
    const table = await new CoNLL().readDataset(path);
    const sentences = docs.flatMap((d) => d.sentences);
    expect(table.numRows).toBe(sentences.length);
    expect(texts(table)).toEqual(sentences.map((s) => s.map((t) => t.text).join(" ")));
    expect(column(table, "sentence").every((row) => row.length === 1 && row[0]!.metadata.sentence === "0")).toBe(true);
  });
});

describe("CoNLL format details", () => {
  const lines = ["-DOCSTART- -X- -X- O", "", "Chest NN B-NP B-TEST", "x-ray NN I-NP I-TEST", "", "", "No DT B-NP O", "fever NN I-NP B-PROBLEM", "", "-DOCSTART- -X- doc-7 O", "Aspirin NNP B-NP B-TREATMENT"];

  it("rebuilds Spark's document text: single spaces in a sentence, \\n\\n after a sentence followed by a blank line", () => {
    const table = new CoNLL({ explodeSentences: false }).readDatasetFromLines(lines);
    expect(texts(table)).toEqual(["Chest x-ray\n\nNo fever\n\n", "Aspirin"]);
    expect(column(table, "token")[0]!.map((t) => [t.begin, t.end, t.metadata.sentence])).toEqual([[0, 4, "0"], [6, 10, "0"], [13, 14, "1"], [16, 20, "1"]]);
    expect(column(table, "pos")[0]!.map((t) => t.result)).toEqual(["NN", "NN", "DT", "NN"]);
  });

  it("tolerates CRLF, a byte-order mark and a missing -DOCSTART-", async () => {
    const dir = await tempDir();
    const path = join(dir, "crlf.conll");
    await writeFile(path, "\uFEFFChest -X- -X- B-TEST\r\nx-ray -X- -X- I-TEST\r\n\r\nclear -X- -X- O\r\n");
    const table = await new CoNLL({ explodeSentences: false }).readDataset(path);
    expect(texts(table)).toEqual(["Chest x-ray\n\nclear"]);
    expect(column(table, "label")[0]!.map((a) => a.result)).toEqual(["B-TEST", "I-TEST", "O"]);
  });

  it("includeDocId reads the third field of -DOCSTART- without its hyphens, X when absent", () => {
    const table = new CoNLL({ includeDocId: true, explodeSentences: false }).readDatasetFromLines(lines);
    expect(table.schema.fields[0]!.name).toBe("doc_id");
    expect(texts(table, "doc_id")).toEqual(["X", "doc-7"]);
    const renamed = new CoNLL({ includeDocId: true, conllDocIdCol: "id" }).readDatasetFromLines(["a -X- -X- O"]);
    expect(texts(renamed, "id")).toEqual(["X"]);
  });

  it("names the columns after the options", () => {
    const table = new CoNLL({ documentCol: "doc", sentenceCol: "sent", tokenCol: "tok", posCol: "tags", labelCol: "ner", conllTextCol: "body" }).readDatasetFromLines(lines);
    expect(table.schema.fields.map((f) => [f.name, f.metadata.get("annotatorType")])).toEqual([
      ["body", undefined],
      ["doc", "document"],
      ["sent", "document"],
      ["tok", "token"],
      ["tags", "pos"],
      ["ner", "named_entity"],
    ]);
  });

  it("conllLabelIndex, conllPosIndex and delimiter choose the fields", () => {
    const table = new CoNLL({ delimiter: "\t", conllLabelIndex: 1, conllPosIndex: 2 }).readDatasetFromLines(["heart\tB-PROBLEM\tNN", "failure\tI-PROBLEM\tNN"]);
    // Spark joins the tokens with the delimiter too.
    expect(texts(table)).toEqual(["heart\tfailure"]);
    expect(column(table, "label")[0]!.map((a) => a.result)).toEqual(["B-PROBLEM", "I-PROBLEM"]);
    expect(column(table, "pos")[0]!.map((a) => a.result)).toEqual(["NN", "NN"]);
  });

  it("names the file and line of a malformed line", async () => {
    const path = join(await tempDir(), "bad.conll");
    await writeFile(path, "-DOCSTART- -X- -X- O\n\nfever -X- -X- B-PROBLEM\nchills B-PROBLEM\n");
    await expect(new CoNLL().readDataset(path)).rejects.toThrow(new ConllFormatError(path, 4, 'expected at least 4 fields separated by " " (token ... tag), found 2: "chills B-PROBLEM"'));
    expect(() => new CoNLL().readDatasetFromLines(["fever  -X- -X- O"], "mem")).toThrow(/^mem:1: field 1 is empty/);
    expect(() => new CoNLL().readDatasetFromLines(["a -X- -X- O", "lonely"], "mem")).toThrow(/^mem:2: expected at least 4 fields/);
  });

  it("reads every file of a directory for a path ending in *", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "set"));
    await writeFile(join(dir, "set", "b.conll"), "b -X- -X- O\n");
    await writeFile(join(dir, "set", "a.conll"), "a -X- -X- O\n");
    expect(texts(await new CoNLL().readDataset(join(dir, "set", "*")))).toEqual(["a", "b"]);
  });

  it("an empty input gives an empty table with the full schema", () => {
    const table = new CoNLL().readDatasetFromLines(["", "-DOCSTART- -X- -X- O", ""]);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["text", "document", "sentence", "token", "pos", "label"]);
  });

  it("rejects bad options with the option's name", () => {
    expect(() => new CoNLL({ conllLabelIndex: 0 })).toThrow(ParamError);
    expect(() => new CoNLL({ conllLabelIndex: 0 })).toThrow(/conllLabelIndex/);
    expect(() => new CoNLL({ delimiter: "" })).toThrow(/delimiter/);
    expect(() => new CoNLL({ tokenCol: "label" })).toThrow(/labelCol|tokenCol/);
    expect(() => new CoNLL({ readAs: "TEXT" } as never)).toThrow(/readAs" is unknown/);
  });
});

const tokenArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8, unit: "grapheme" }),
  fc.constantFrom("[** Name **]", "a\tb", "x\r\ny", "\u00A0", "😀", "é", "\u2028", " "),
);
const sentenceArb = fc.array(fc.tuple(tokenArb, fc.constantFrom("O", "B-PROBLEM", "I-PROBLEM", "B-TEST")), { minLength: 1, maxLength: 12 });
const documentsArb = fc.array(fc.array(sentenceArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 });

describe("offset invariants over generated documents (fast-check)", () => {
  it("every annotation of every column covers exactly its text; tokens come back as written", async () => {
    const dir = await tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(documentsArb, fc.boolean(), async (docs, explode) => {
        const valid = docs.map((d) => d.map((s) => s.filter(([t]) => t !== "-DOCSTART-"))).map((d) => d.filter((s) => s.length > 0)).filter((d) => d.length > 0);
        fc.pre(valid.length > 0);
        const path = join(dir, `${n++}.conll`);
        await writeConll(path, valid.map((d) => ({ sentences: d.map((s) => ({ tokens: s.map(([t]) => t), tags: s.map(([, g]) => g) })) })));
        const table = await new CoNLL({ explodeSentences: explode }).readDataset(path);
        const text = texts(table);
        for (const name of ["document", "sentence", "token"]) {
          column(table, name).forEach((row, r) => {
            for (const a of row) {
              expect(0 <= a.begin && a.begin <= a.end && a.end < text[r]!.length).toBe(true);
              expect(text[r]!.slice(a.begin, a.end + 1)).toBe(a.result);
            }
          });
        }
        const tokens = column(table, "token").flat().map((t) => t.result);
        expect(tokens).toEqual(valid.flat(2).map(([t]) => conllSafeToken(t)));
        expect(column(table, "label").flat().map((a) => a.result)).toEqual(valid.flat(2).map(([, g]) => g));
      }),
      { numRuns: 150 },
    );
  });
});
