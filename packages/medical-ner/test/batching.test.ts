// Batching is a speed decision only: a sentence's tags and confidences must not depend on which sentences share
// its ONNX Runtime call, how long the longest of them is, or which reused tensor buffers carried it.
import { LightPipeline } from "@kindling/core";
import { sharedPath } from "@kindling/fixtures";
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { describe, expect, it, vi } from "vitest";
import { cardPipeline } from "./helpers.js";

/** The 40 aci-dev visit notes (real clinical text with headings, lists, long sentences). */
const aciDev: string[] = readFileSync(sharedPath("data", "ner", "aci-dev", "notes.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => (JSON.parse(line) as { text: string }).text);

const everything = { includeConfidence: true, includeAllConfidenceScores: true };

describe("batched inference on aci-dev", () => {
  it("gives every token the same tag and confidences as running each sentence alone", async () => {
    // The typings declare InferenceSession as a factory; at run time it is the class every session comes from.
    const run = vi.spyOn((ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype, "run");
    try {
      const batched = await new LightPipeline(await cardPipeline(everything)).fullAnnotate(aciDev);
      const batchedCalls = run.mock.calls.length;
      run.mockClear();
      const alone = await new LightPipeline(await cardPipeline({ ...everything, batchSize: 1 })).fullAnnotate(aciDev);
      const aloneCalls = run.mock.calls.length;
      const tokens = batched.reduce((n, r) => n + r.ner!.length, 0);
      const sentences = batched.reduce((n, r) => n + new Set(r.ner!.map((a) => a.metadata.sentence)).size, 0);
      expect(tokens).toBeGreaterThan(17_000);
      // batchSize 1: one call per sentence (or window); the default 32, in at most 4 width classes: ~1/32 of that.
      expect(aloneCalls).toBeGreaterThanOrEqual(sentences);
      expect(batchedCalls).toBeLessThanOrEqual(Math.ceil(aloneCalls / 32) + 3);
      expect(batched.map((r) => r.ner)).toEqual(alone.map((r) => r.ner));
    } finally {
      run.mockRestore();
    }
  });

  it("gives the same result when the same model runs batches of different shapes one after another", async () => {
    // One model, so the reused tensor buffers go from the widest batch to narrower ones and back.
    const model = await cardPipeline({ includeConfidence: true, batchSize: 64 });
    const light = new LightPipeline(model);
    const first = await light.fullAnnotate(aciDev);
    const short = await light.fullAnnotate(aciDev[0]!);
    const again = await light.fullAnnotate(aciDev);
    expect(again.map((r) => r.ner)).toEqual(first.map((r) => r.ner));
    expect(short.ner).toEqual(first[0]!.ner);
  });

  it("lets concurrent batches on one model keep their own tensors", async () => {
    const light = new LightPipeline(await cardPipeline({ includeConfidence: true }));
    const one = async (i: number) => (await light.fullAnnotate(aciDev[i]!)).ner;
    const sequential = [await one(0), await one(1), await one(2)];
    const concurrent = await Promise.all([one(0), one(1), one(2)]);
    expect(concurrent).toEqual(sequential);
  });
});
