import { LightPipeline, PipelineModel } from "@kindling/core";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MedicalNerModel, NerModelError } from "../src/index.js";
import { pipelineWith } from "./helpers.js";

// A tiny untrained model with three multi-task heads ("chemical" with tags of its own) and its own tiny vectors (tools/train/head_fixture.py), and the
// tags ONNX Runtime plus tools/train's Viterbi give with each output: random weights, so every output tags the
// sentences differently.
const FIXTURE = fileURLToPath(new URL("./fixtures/heads-tiny", import.meta.url));
interface Expected {
  sentences: { text: string; tokens: string[]; tags: Record<string, string[]> }[];
}
const expected = JSON.parse(readFileSync(join(FIXTURE, "expected.json"), "utf8")) as Expected;

async function lightWith(ner: MedicalNerModel): Promise<LightPipeline> {
  return new LightPipeline(await pipelineWith(ner, await WordEmbeddingsModel.load(join(FIXTURE, "embeddings"))));
}

describe("multi-task heads", () => {
  it("lists the model's heads; the shipped model has none", async () => {
    expect((await MedicalNerModel.load(FIXTURE)).getHeads()).toEqual(["ncbi", "bc5cdr", "chemical"]);
    expect((await MedicalNerModel.pretrained()).getHeads()).toEqual([]);
  });

  it("tags with the chosen head's output and CRF, as the Python reference does", async () => {
    const ner = await MedicalNerModel.load(FIXTURE);
    const light = await lightWith(ner);
    const texts = expected.sentences.map((s) => s.text);
    for (const head of ["", "ncbi", "bc5cdr", "chemical"]) {
      ner.setHead(head);
      const results = await light.annotate(texts);
      results.forEach((r, i) => {
        expect(r.token).toEqual(expected.sentences[i]!.tokens);
        expect(r.ner, `head "${head}", sentence ${i}`).toEqual(expected.sentences[i]!.tags[head]);
      });
    }
    // Batched with the other rows or alone, and with confidences on: the same tags.
    ner.setHead("bc5cdr").setIncludeConfidence(true).setBatchSize(2);
    expect((await light.annotate(texts[1]!)).ner).toEqual(expected.sentences[1]!.tags.bc5cdr);
  });

  it("a head with labels of its own tags and reports classes in its own tag set", async () => {
    const ner = await MedicalNerModel.load(FIXTURE);
    expect(ner.getClasses()).toEqual(["O", "B-PROBLEM", "I-PROBLEM", "B-TEST", "I-TEST", "B-TREATMENT", "I-TREATMENT"]);
    ner.setHead("chemical").setLabelCasing("lower").setIncludeAllConfidenceScores(true);
    expect(ner.getClasses()).toEqual(["O", "B-CHEMICAL", "I-CHEMICAL"]);
    const result = await (await lightWith(ner)).fullAnnotate(expected.sentences[2]!.text);
    const ners = result.ner!;
    expect(ners.map((a) => a.result)).toEqual(expected.sentences[2]!.tags.chemical!.map((t) => t.toLowerCase()));
    // One score per tag of the head, and they are a distribution.
    for (const a of ners) {
      const scores = ["o", "b-chemical", "i-chemical"].map((t) => Number(a.metadata[t]));
      expect(scores.reduce((x, y) => x + y)).toBeCloseTo(1, 3);
      expect(Object.keys(a.metadata)).not.toContain("b-problem");
    }
  });

  it("fails naming the output when a head's tags do not match its ONNX output", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-heads-"));
    try {
      const manifest = JSON.parse(await readFile(join(FIXTURE, "manifest.json"), "utf8"));
      // Claims two labels (five tags) for an output that scores three, with a CRF to match the claim.
      const five = (v: number) => Array.from({ length: 5 }, () => v);
      Object.assign(manifest.heads.chemical, { tags: ["O", "B-A", "I-A", "B-B", "I-B"], transitions: five(0).map(() => five(0)), startTransitions: five(0), endTransitions: five(0) });
      await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
      await copyFile(join(FIXTURE, "model.onnx"), join(dir, "model.onnx"));
      const ner = (await MedicalNerModel.load(dir)).setHead("chemical");
      await expect((await lightWith(ner)).annotate("Fever.")).rejects.toThrowError(/output "emissions_chemical" scores 3 tags per token, the manifest has 5/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps the head through save and load", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-heads-"));
    try {
      const ner = (await MedicalNerModel.load(FIXTURE)).setHead("ncbi");
      const model = (await lightWith(ner)).model;
      await model.save(dir);
      const again = new LightPipeline(await PipelineModel.load(dir));
      expect((await again.annotate(expected.sentences[0]!.text)).ner).toEqual(expected.sentences[0]!.tags.ncbi);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails on an unknown head naming the heads the model has", async () => {
    const ner = await MedicalNerModel.load(FIXTURE);
    const light = await lightWith(ner.setHead("chemistry"));
    await expect(light.annotate("Fever.")).rejects.toThrowError(NerModelError);
    await expect(light.annotate("Fever.")).rejects.toThrowError(/has no head "chemistry" \(heads: "ncbi", "bc5cdr", "chemical"; "" is the main output\)/);
    await expect(MedicalNerModel.load(FIXTURE, { head: "chemistry" })).rejects.toThrowError(/has no head "chemistry"/);
    await expect(MedicalNerModel.pretrained().then((m) => m.setHead("ncbi").annotate([[], [], []]))).rejects.toThrowError(/has no head "ncbi" \(it has no multi-task heads/);
  });

  it("rejects a manifest whose head lacks CRF scores, naming the file and head", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-heads-"));
    try {
      const manifest = JSON.parse(await readFile(join(FIXTURE, "manifest.json"), "utf8"));
      manifest.heads.ncbi.transitions = [[0]];
      await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
      await copyFile(join(FIXTURE, "model.onnx"), join(dir, "model.onnx"));
      await expect(MedicalNerModel.load(dir)).rejects.toThrowError(/manifest.json: head "ncbi": needs an output name and CRF transitions for its 7 tags/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
