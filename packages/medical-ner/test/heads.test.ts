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

// A tiny untrained model with two multi-task heads and its own tiny vectors (tools/train/head_fixture.py), and the
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
    expect((await MedicalNerModel.load(FIXTURE)).getHeads()).toEqual(["ncbi", "bc5cdr"]);
    expect((await MedicalNerModel.pretrained()).getHeads()).toEqual([]);
  });

  it("tags with the chosen head's output and CRF, as the Python reference does", async () => {
    const ner = await MedicalNerModel.load(FIXTURE);
    const light = await lightWith(ner);
    const texts = expected.sentences.map((s) => s.text);
    for (const head of ["", "ncbi", "bc5cdr"]) {
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
    const light = await lightWith(ner.setHead("chemicals"));
    await expect(light.annotate("Fever.")).rejects.toThrowError(NerModelError);
    await expect(light.annotate("Fever.")).rejects.toThrowError(/has no head "chemicals" \(heads: "ncbi", "bc5cdr"; "" is the main output\)/);
    await expect(MedicalNerModel.load(FIXTURE, { head: "chemicals" })).rejects.toThrowError(/has no head "chemicals"/);
    await expect(MedicalNerModel.pretrained().then((m) => m.setHead("ncbi").annotate([[], [], []]))).rejects.toThrowError(/has no head "ncbi" \(it has no multi-task heads/);
  });

  it("rejects a manifest whose head lacks CRF scores, naming the file and head", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-heads-"));
    try {
      const manifest = JSON.parse(await readFile(join(FIXTURE, "manifest.json"), "utf8"));
      manifest.heads.ncbi.transitions = [[0]];
      await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
      await copyFile(join(FIXTURE, "model.onnx"), join(dir, "model.onnx"));
      await expect(MedicalNerModel.load(dir)).rejects.toThrowError(/manifest.json: head "ncbi": needs an output name and CRF transitions for the 7 tags/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
