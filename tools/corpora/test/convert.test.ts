import { readConllSentences } from "@kindling/training";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { convertSource, loadSource, sourceByName, writeManifestAndCounts, type SourceReport } from "../src/index.js";
import { NER, sharedTokenizer, tempDir } from "./helpers.js";

describe("convertSource", () => {
  it("writes aci-dev as a dev-only CoNLL file whose tokens are Kindling's and whose chunks match the report", async () => {
    const out = await tempDir();
    const tokenizer = await sharedTokenizer();
    const report = await convertSource(sourceByName("aci-dev"), NER, out, tokenizer);
    expect(Object.keys(report.splits)).toEqual(["dev"]);
    const counts = report.splits.dev!;
    expect(counts).toMatchObject({ file: "aci-dev.dev.conll", documents: 40, spans: { PROBLEM: 1129, TEST: 332, TREATMENT: 404 } });

    const sentences = await readConllSentences(join(out, counts.file));
    expect(sentences).toHaveLength(counts.sentences);
    expect(sentences.reduce((n, s) => n + s.tokens.length, 0)).toBe(counts.tokens);
    expect(new Set(sentences.map((s) => s.document)).size).toBe(40);
    // The file's tokens are exactly what the pipeline gives for the notes.
    const { documents } = await loadSource(sourceByName("aci-dev"), NER);
    const pipelineTokens = (await tokenizer.tokenize(documents.map((d) => d.text))).flat().flatMap((s) => s.tokens.map((t) => t.text));
    expect(sentences.flatMap((s) => s.tokens)).toEqual(pipelineTokens);
    // BIO2: every I-X follows B-X or I-X, and the B- count is the chunk count.
    for (const s of sentences) s.tags.forEach((tag, i) => tag.startsWith("I-") && expect(s.tags[i - 1]?.slice(2)).toBe(tag.slice(2)));
    const b = sentences.flatMap((s) => s.tags).filter((t) => t.startsWith("B-")).length;
    expect(b).toBe(counts.chunks.PROBLEM + counts.chunks.TEST + counts.chunks.TREATMENT);
    expect(report.alignment.spans).toBe(1865);
    expect(report.alignment.aligned + report.alignment.misaligned + report.alignment.noTokens).toBe(1865);
  });

  it("maps MACCROBAT labels and writes one file per split; spans of unannotated labels are still tagged in Chia", async () => {
    const out = await tempDir();
    const tokenizer = await sharedTokenizer();
    const maccrobat = await convertSource(sourceByName("maccrobat2020"), NER, out, tokenizer);
    expect(Object.values(maccrobat.splits).map((s) => s.file)).toEqual(["maccrobat2020.train.conll", "maccrobat2020.dev.conll", "maccrobat2020.test.conll"]);
    const tags = new Set((await readConllSentences(join(out, "maccrobat2020.dev.conll"))).flatMap((s) => s.tags));
    expect([...tags].sort()).toEqual(["B-PROBLEM", "B-TEST", "B-TREATMENT", "I-PROBLEM", "I-TEST", "I-TREATMENT", "O"]);
    const chia = await convertSource(sourceByName("chia"), NER, out, tokenizer);
    expect(chia.annotatedLabels).toEqual(["PROBLEM"]);
    expect(chia.splits.train!.spans.TEST).toBeGreaterThan(1000);
    expect(chia.spanPolicy.discontinuous).toBeGreaterThan(0);
  });
});

describe("an auxiliary source", () => {
  it("bc5cdr-chemical: BC5CDR's abstracts and tokens again, tagged with its Chemical mentions only, marked auxiliary", async () => {
    const out = await tempDir();
    const tokenizer = await sharedTokenizer();
    const chemical = await convertSource(sourceByName("bc5cdr-chemical"), NER, out, tokenizer);
    const disease = await convertSource(sourceByName("bc5cdr"), NER, out, tokenizer);
    expect(chemical.auxiliaryOf).toBe("bc5cdr");
    expect(disease.auxiliaryOf).toBeUndefined();
    // The published Chemical counts, all kept; the Disease mentions are the unmapped ones.
    expect(Object.values(chemical.splits).map((c) => c.spans.CHEMICAL)).toEqual([5203, 5347, 5385]);
    expect(chemical.spanPolicy).toMatchObject({ unmapped: 12850, kept: 15935 });
    for (const split of ["train", "test"] as const) {
      const chem = await readConllSentences(join(out, chemical.splits[split]!.file));
      const dis = await readConllSentences(join(out, disease.splits[split]!.file));
      expect(chem.map((s) => s.tokens)).toEqual(dis.map((s) => s.tokens));
      expect(new Set(chem.flatMap((s) => s.tags))).toEqual(new Set(["O", "B-CHEMICAL", "I-CHEMICAL"]));
    }
    const manifest = await writeManifestAndCounts(out, [disease, chemical]);
    expect(manifest.sources["bc5cdr-chemical"]).toMatchObject({ labels: ["CHEMICAL"], auxiliaryOf: "bc5cdr" });
    expect(manifest.sources.bc5cdr).not.toHaveProperty("auxiliaryOf");
  });
});

describe("manifest.json and counts.json", () => {
  const report = (name: string, labels: SourceReport["annotatedLabels"], splits: string[]): SourceReport =>
    ({ name, annotatedLabels: labels, splits: Object.fromEntries(splits.map((s) => [s, { file: `${name}.${s}.conll` }])) }) as unknown as SourceReport;

  it("has tools/train's shape and keeps entries of sources not converted in this run", async () => {
    const out = await tempDir();
    await writeFile(join(out, "manifest.json"), JSON.stringify({ sources: { other: { labels: ["TEST"], files: { train: "other.train.conll" } } } }));
    const manifest = await writeManifestAndCounts(out, [report("aci-dev", ["PROBLEM", "TEST", "TREATMENT"], ["dev"]), report("ncbi-disease", [], ["train", "dev", "test"])]);
    const onDisk = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    expect(onDisk).toEqual(manifest);
    expect(onDisk.sources).toEqual({
      other: { labels: ["TEST"], files: { train: "other.train.conll" } },
      "aci-dev": { labels: ["PROBLEM", "TEST", "TREATMENT"], files: { dev: "aci-dev.dev.conll" } },
      "ncbi-disease": { labels: [], files: { train: "ncbi-disease.train.conll", dev: "ncbi-disease.dev.conll", test: "ncbi-disease.test.conll" } },
    });
    const counts = JSON.parse(await readFile(join(out, "counts.json"), "utf8"));
    expect(Object.keys(counts.sources)).toEqual(["aci-dev", "ncbi-disease"]);
  });
});

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("the CLI", () => {
  const run = promisify(execFile);
  it.runIf(existsSync(CLI))("converts the named sources and prints the table", async () => {
    const out = await tempDir();
    const { stdout } = await run(process.execPath, [CLI, "--out", out, "--sources", "aci-dev,bc5cdr", "--data", join(NER, "..")]);
    expect(stdout).toMatch(/aci-dev\s+dev\s+40\s/);
    expect(stdout).toMatch(/bc5cdr\s+test\s+500\s+[\d,]+\s+[\d,]+\s+4,424\s+0\s+0/);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.sources)).toEqual(["aci-dev", "bc5cdr"]);
    expect(manifest.sources.bc5cdr.labels).toEqual(["PROBLEM"]);
  });

  it.runIf(existsSync(CLI))("with --split-pattern, tokenises with that Tokenizer param and says so in counts.json", async () => {
    const out = await tempDir();
    const data = join(NER, "..");
    const split = "(?<=[-/])|(?=[-/])";
    const { stdout } = await run(process.execPath, [CLI, "--out", out, "--sources", "bc5cdr", "--data", data, "--split-pattern", split]);
    // The same 4,424 test mentions; hyphenated words are split, so mentions such as "seizure" in "seizure-related"
    // now end on a token boundary (the default Tokenizer leaves 269 of the 12,850 mentions misaligned).
    expect(stdout).toMatch(/bc5cdr\s+test\s+500\s+[\d,]+\s+[\d,]+\s+4,424\s+0\s+0/);
    const counts = JSON.parse(await readFile(join(out, "counts.json"), "utf8"));
    expect(counts.generatedBy).toContain(`splitPattern ${JSON.stringify(split)}`);
    expect(counts.sources.bc5cdr.alignment.misaligned).toBeLessThan(20);
    const tokens = (await readConllSentences(join(out, "bc5cdr.test.conll"))).flatMap((s) => s.tokens);
    expect(tokens.some((t) => t.includes("-") && t.length > 1)).toBe(false);
    expect(tokens).toContain("-");
  });

  it.runIf(existsSync(CLI))("--tokens-only writes the text and, beside it, how it was tokenised", async () => {
    const data = await tempDir();
    await mkdir(join(data, "text"));
    await writeFile(join(data, "text", "sample.txt.gz"), gzipSync("Famotidine-associated delirium (FAD) was seen.\n"));
    const out = join(data, "out", "tokens.txt.gz");
    await run(process.execPath, [CLI, "--tokens-only", "--data", data, "--tokens-out", out, "--split-pattern", "(?<=[-/()])|(?=[-/()])"]);
    expect(gunzipSync(await readFile(out)).toString("utf8")).toBe("Famotidine - associated delirium ( FAD ) was seen .\n");
    const info = JSON.parse(await readFile(`${out}.json`, "utf8"));
    expect(info).toMatchObject({ generatedBy: expect.stringContaining('splitPattern "(?<=[-/()])|(?=[-/()])"'), sentences: 1, tokens: 10 });
  });

  it.runIf(existsSync(CLI))("names the known sources when given an unknown one", async () => {
    await expect(run(process.execPath, [CLI, "--sources", "aci-train,mimic"])).rejects.toMatchObject({ stderr: expect.stringContaining('unknown source "mimic"; known sources: aci-train, aci-dev, maccrobat2020') });
  });
});
