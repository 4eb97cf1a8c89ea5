import { LightPipeline } from "@kindling/core";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MedicalNerModel, NerModelError } from "../src/index.js";
import { pipelineWith } from "./helpers.js";

// A tiny untrained tagger with forward and backward character LMs in its graph (tools/train/contextual_fixture.py),
// and the tags ONNX Runtime plus tools/train's Viterbi give when the Python reference builds the LM inputs. Its
// window is 6 tokens, so the longer sentences run in overlapping windows, each with its own LM text.
const FIXTURE = fileURLToPath(new URL("./fixtures/contextual-tiny", import.meta.url));
interface Expected {
  sentences: { text: string; tokens: string[]; tags: string[] }[];
}
const expected = JSON.parse(readFileSync(join(FIXTURE, "expected.json"), "utf8")) as Expected;

async function light(ner: MedicalNerModel): Promise<LightPipeline> {
  return new LightPipeline(await pipelineWith(ner, await WordEmbeddingsModel.load(join(FIXTURE, "embeddings"))));
}

describe("a model with character LMs in its graph (contextual string embeddings)", () => {
  it("builds the LM inputs from the tokens as the Python reference does: the same tags, batched or alone", async () => {
    const ner = await MedicalNerModel.load(FIXTURE);
    const pipeline = await light(ner);
    const texts = expected.sentences.map((s) => s.text);
    for (const batchSize of [32, 1, 2]) {
      ner.setBatchSize(batchSize);
      const results = await pipeline.annotate(texts);
      results.forEach((r, i) => {
        expect(r.token).toEqual(expected.sentences[i]!.tokens);
        expect(r.ner, `batch size ${batchSize}, sentence ${i}`).toEqual(expected.sentences[i]!.tags);
      });
    }
  });

  it("fails at load, naming the file, when the graph and the manifest disagree about the LM inputs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-contextual-"));
    try {
      await cp(FIXTURE, dir, { recursive: true });
      const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
      delete manifest.contextualStrings;
      await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
      await expect(MedicalNerModel.load(dir)).rejects.toThrow(NerModelError);
      await expect(MedicalNerModel.load(dir)).rejects.toThrow(/model\.onnx: takes character LM inputs \(lm_chars_fwd.*no contextualStrings/);
      await writeFile(join(dir, "manifest.json"), JSON.stringify({ ...manifest, contextualStrings: { charVocab: {}, boundary: "\n\n", tokenSeparator: " " } }));
      await expect(MedicalNerModel.load(dir)).rejects.toThrow(/manifest\.json: contextualStrings needs .* one-character boundary/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a plain model's graph takes no LM inputs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-contextual-"));
    try {
      const shipped = fileURLToPath(new URL("../../../models/ner_clinical_open", import.meta.url));
      await cp(shipped, dir, { recursive: true });
      const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
      const { contextualStrings } = JSON.parse(await readFile(join(FIXTURE, "manifest.json"), "utf8")) as Record<string, unknown>;
      await writeFile(join(dir, "manifest.json"), JSON.stringify({ ...manifest, contextualStrings }));
      await expect(MedicalNerModel.load(dir)).rejects.toThrow(/model\.onnx: takes none of the character LM inputs the manifest's contextualStrings needs/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
