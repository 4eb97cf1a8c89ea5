import { AnnotatorType, makeAnnotation } from "@kindling/annotation";
import { LightPipeline, NotSupportedError, Pipeline, PipelineModel, PipelineWiringError, resolvePretrained } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { EmbeddingsStorage, WordEmbeddingsModel } from "@kindling/embeddings";
import { modelCardNote } from "@kindling/fixtures";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { tableFromArrays } from "apache-arrow";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MedicalNerModel, NerDLModel, NerModelError } from "../src/index.js";
import { cardPipeline, light } from "./helpers.js";

const note = modelCardNote();
const notes = [
  note,
  "He denies fever, chills or night sweats. We will order a CT scan of the chest and start metformin 500 mg twice daily.",
  "",
  "HISTORY OF PRESENT ILLNESS\n\nThe patient reports worsening shortness of breath. Her hemoglobin A1c was 7.2.",
];
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "kindling-ner-"));
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

describe("MedicalNerModel with the shipped model", () => {
  it("loads offline through pretrained() and exposes its tags and storageRef", async () => {
    const model = await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models");
    expect(model.getClasses()).toEqual(expect.arrayContaining(["O", "B-PROBLEM", "I-PROBLEM", "B-TEST", "I-TEST", "B-TREATMENT", "I-TREATMENT"]));
    expect(model.getStorageRef()).toBe("embeddings_clinical_open");
    expect(NerDLModel).toBe(MedicalNerModel);
  });

  it("refuses licensed names, naming the open equivalent", async () => {
    await expect(MedicalNerModel.pretrained("ner_clinical_large_v2", "en", "clinical/models")).rejects.toThrowError(/use the open equivalent "ner_clinical_open"/);
  });

  it("finds PROBLEM/TEST/TREATMENT chunks in the model card note whose text is the slice of their offsets", async () => {
    const result = await (await light()).fullAnnotate(note);
    const chunks = result.ner_chunk!;
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    for (const c of chunks) {
      expect(note.slice(c.begin, c.end + 1)).toBe(c.result);
      expect(["PROBLEM", "TEST", "TREATMENT"]).toContain(c.metadata.entity);
    }
    const found = (text: string, label: string) => chunks.some((c) => c.result.includes(text) && c.metadata.entity === label);
    expect(found("chest pain", "PROBLEM")).toBe(true);
    expect(found("stress test", "TEST")).toBe(true);
    expect(found("cardiac catheterization", "TEST")).toBe(true);
    expect(result.ner!).toHaveLength(result.token!.length);
  });

  it("tags every row the same alone or batched, at any batchSize", async () => {
    const together = await (await light()).annotate(notes);
    const alone = await Promise.all(notes.map(async (n) => (await light({ batchSize: 1 })).annotate(n)));
    expect(together.map((r) => r.ner)).toEqual(alone.map((r) => r.ner));
    expect(together[2]!.ner).toEqual([]);
  });

  it("tags a sentence longer than the model window without truncating it", async () => {
    const model = await MedicalNerModel.pretrained();
    const window = model.manifest.window.maxTokens;
    const long = Array.from({ length: Math.ceil((window * 2.5) / 12) }, () => "the patient has chest pain and was given aspirin for it ,").join(" ");
    const result = await (await light()).annotate(long);
    expect(result.token!.length).toBeGreaterThan(window * 2);
    expect(result.ner).toHaveLength(result.token!.length);
    expect(result.ner_chunk!.filter((c) => c === "chest pain").length).toBeGreaterThan(10);
  });

  it("reports confidences as CRF marginals when asked, and cases labels", async () => {
    const plain = (await (await light()).fullAnnotate(notes[1]!)).ner!;
    expect(plain[0]!.metadata).not.toHaveProperty("confidence");
    const withConfidence = (await (await light({ includeConfidence: true })).fullAnnotate(notes[1]!)).ner!;
    for (const a of withConfidence) {
      const c = Number(a.metadata.confidence);
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThanOrEqual(1);
    }
    const all = (await (await light({ includeAllConfidenceScores: true })).fullAnnotate(notes[1]!)).ner!;
    for (const a of all) {
      const sum = ["O", "B-PROBLEM", "I-PROBLEM", "B-TEST", "I-TEST", "B-TREATMENT", "I-TREATMENT"].reduce((s, t) => s + Number(a.metadata[t]), 0);
      expect(sum).toBeCloseTo(1, 2);
    }
    const lower = (await (await light({ labelCasing: "lower" })).annotate(notes[1]!)).ner!;
    expect(lower).toEqual(plain.map((a) => a.result.toLowerCase()));
    expect(() => new MedicalNerModel().setMinProba(0.5)).toThrowError(NotSupportedError);
  });

  it("runs ONNX Runtime with intraOpThreads threads, also when set after loading", async () => {
    const create = vi.spyOn(ort.InferenceSession, "create");
    try {
      const model = await MedicalNerModel.pretrained();
      expect(model.getIntraOpThreads()).toBe(1);
      expect(create).toHaveBeenCalledTimes(1);
      expect(create.mock.calls[0]![1]).toMatchObject({ intraOpNumThreads: 1 });
      const pipeline = await cardPipeline({ includeConfidence: true });
      const oneThread = await new LightPipeline(pipeline).fullAnnotate(notes[1]!);
      const ner = pipeline.stages.find((s) => s instanceof MedicalNerModel) as MedicalNerModel;
      ner.setIntraOpThreads(2);
      const twoThreads = await new LightPipeline(pipeline).fullAnnotate(notes[1]!);
      await new LightPipeline(pipeline).fullAnnotate(notes[3]!);
      // pretrained() in this test and in cardPipeline, then one new session for 2 threads (not one per batch).
      expect(create).toHaveBeenCalledTimes(3);
      expect(create.mock.calls[2]![1]).toMatchObject({ intraOpNumThreads: 2 });
      expect(twoThreads.ner).toEqual(oneThread.ner);
    } finally {
      create.mockRestore();
    }
    expect(() => new MedicalNerModel().setIntraOpThreads(-1)).toThrowError(/intraOpThreads.*non-negative integer/);
    // Renamed from numThreads: the old option and setter still work.
    expect(new MedicalNerModel({ numThreads: 3 }).getIntraOpThreads()).toBe(3);
    expect(new MedicalNerModel().setNumThreads(4).getIntraOpThreads()).toBe(4);
  });

  it("runs over an Arrow table and keeps vectors out of the output by default", async () => {
    const table = await (await cardPipeline()).transform(tableFromArrays({ id: Int32Array.from([1, 2, 3, 4]), text: notes }));
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "text", "document", "sentence", "token", "embeddings", "ner", "ner_chunk"]);
    expect(table.schema.fields.find((f) => f.name === "embeddings")!.metadata.get("storageRef")).toBe("embeddings_clinical_open");
  });

  it("saves and loads inside a pipeline with identical output", async () => {
    const model = await cardPipeline({ includeConfidence: true });
    await model.save(join(scratch, "pipeline"));
    const loaded = await PipelineModel.load(join(scratch, "pipeline"));
    expect(await new LightPipeline(loaded).annotate(notes[1]!)).toEqual(await new LightPipeline(model).annotate(notes[1]!));
  });
});

describe("clear failures", () => {
  it("names the path of a missing model", async () => {
    await expect(MedicalNerModel.load(join(scratch, "nope"))).rejects.toThrowError(NerModelError);
    await expect(MedicalNerModel.load(join(scratch, "nope"))).rejects.toThrowError(/nope\/manifest.json: cannot read the model manifest/);
  });

  it("names the path of a corrupt model file", async () => {
    const dir = join(scratch, "corrupt");
    const shipped = resolvePretrained("ner_clinical_open");
    await copyModel(shipped, dir);
    const bytes = await readFile(join(dir, "model.onnx"));
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    await writeFile(join(dir, "model.onnx"), bytes);
    await expect(MedicalNerModel.load(dir)).rejects.toThrowError(/corrupt\/model.onnx: is corrupt: SHA-256 [0-9a-f]{64} does not match/);
    // A file that matches its manifest but is not ONNX at all.
    await writeFile(join(dir, "model.onnx"), "not a model");
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
    delete manifest.files["model.onnx"].sha256;
    await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
    await expect(MedicalNerModel.load(dir)).rejects.toThrowError(/corrupt\/model.onnx: ONNX Runtime cannot load the model/);
  });

  it("rejects embeddings of another storageRef at fit, naming both", async () => {
    const other = new WordEmbeddingsModel({ storageRef: "glove_6B_100", inputCols: ["sentence", "token"] }, new EmbeddingsStorage(["pain"], new Float32Array(100), 100));
    const pipeline = new Pipeline([
      new DocumentAssembler(),
      new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
      new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
      other,
      await MedicalNerModel.pretrained(),
    ]);
    await expect(pipeline.fit()).rejects.toThrowError(PipelineWiringError);
    await expect(pipeline.fit()).rejects.toThrowError(/holds embeddings "glove_6B_100", but this model was trained with "embeddings_clinical_open"/);
  });

  it("rejects vectors of the wrong dimension, naming the row", async () => {
    const model = await MedicalNerModel.pretrained();
    const sentence = makeAnnotation(AnnotatorType.DOCUMENT, 0, 3, "pain", { sentence: "0" });
    const token = makeAnnotation(AnnotatorType.TOKEN, 0, 3, "pain", { sentence: "0" });
    const vector = makeAnnotation(AnnotatorType.WORD_EMBEDDINGS, 0, 3, "pain", {}, new Float32Array(50));
    await expect(model.annotateBatch([[[sentence], [token], [vector]]], 7)).rejects.toThrowError(/row 7: token "pain" has a 50-d vector, but this model takes 100-d "embeddings_clinical_open" vectors/);
  });
});

async function copyModel(from: string, to: string): Promise<void> {
  const { mkdir } = await import("node:fs/promises");
  await mkdir(to, { recursive: true });
  for (const f of ["manifest.json", "model.onnx"]) await copyFile(join(from, f), join(to, f));
}
