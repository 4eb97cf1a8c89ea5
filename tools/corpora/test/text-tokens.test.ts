import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { listTextCorpora, sentenceLine, writeTokenCorpus } from "../src/index.js";
import { DATA, sharedTokenizer, tempDir } from "./helpers.js";

describe("--tokens-only corpus", () => {
  it("lists the five embedding corpora and never MTSamples", async () => {
    const files = await listTextCorpora(join(DATA, "text"));
    expect(files.map((f) => basename(f))).toEqual(["craft_ccby.txt.gz", "medical_abstracts.txt.gz", "medquad.txt.gz", "ohsumed.txt.gz", "pubmedqa.txt.gz"]);
  });

  it("writes one sentence per line, the pipeline's tokens joined by single spaces", async () => {
    const dir = await tempDir();
    const real = gunzipSync(await readFile(join(DATA, "text", "pubmedqa.txt.gz"))).toString("utf8").split("\n").slice(0, 40);
    // A de-identification placeholder keeps its inner spaces as one token: written with U+00A0.
    const lines = [...real, "Seen by [** Dr. Smith **] today."];
    const input = join(dir, "sample.txt.gz");
    await writeFile(input, gzipSync(lines.join("\n") + "\n"));
    const out = join(dir, "out", "tokens.txt.gz");
    const tokenizer = await sharedTokenizer();
    const counts = await writeTokenCorpus([input], out, tokenizer);

    const written = gunzipSync(await readFile(out)).toString("utf8").split("\n");
    expect(written.pop()).toBe("");
    const expected = (await tokenizer.tokenize(lines)).flat().map((s) => s.tokens.map((t) => t.text));
    expect(written).toHaveLength(expected.length);
    expect(written.map((l) => l.split(" "))).toEqual(expected.map((tokens) => tokens.map((t) => t.replace(/\s/g, "\u00A0"))));
    expect(written.at(-1)).toBe("Seen by [**\u00A0Dr.\u00A0Smith\u00A0**] today .");
    expect(counts).toMatchObject({ sentences: expected.length, tokens: expected.flat().length, files: [{ file: input, documents: 41 }] });
    expect(sentenceLine([{ text: "a b" }, { text: "c" }])).toBe("a\u00A0b c");
  });
});
