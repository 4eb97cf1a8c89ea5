import { AnnotatorType, makeAnnotation } from "@kindling/annotation";
import { LightPipeline, NotSupportedError, Pipeline, PipelineModel, registerStage, Transformer, type AnnotationBatch, type ColumnSchema, type OutputParams, param } from "@kindling/core";
import { decodeAnnotations } from "@kindling/annotation";
import { tableFromArrays } from "apache-arrow";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EmbeddingsFormatError,
  EmbeddingsStorage,
  overallCoverage,
  readKindlingEmbeddings,
  readTextVectors,
  readWord2VecBinary,
  WordEmbeddings,
  WordEmbeddingsModel,
  writeKindlingEmbeddings,
} from "../src/index.js";

const words = ["pain", "chest", "Aspirin", "CT", "naïve"];
const vectors = words.map((_, i) => [i + 0.5, -i, i * 0.25]);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kindling-embeddings-"));
  const text = words.map((w, i) => `${w} ${vectors[i]!.join(" ")}`).join("\n") + "\n";
  await writeFile(join(dir, "glove.txt"), text);
  await writeFile(join(dir, "w2v.txt"), `${words.length} 3\n${text}`);
  const parts: Buffer[] = [Buffer.from(`${words.length} 3\n`)];
  for (let i = 0; i < words.length; i++) {
    parts.push(Buffer.from(`${words[i]} `));
    parts.push(Buffer.from(Float32Array.from(vectors[i]!).buffer));
    parts.push(Buffer.from("\n"));
  }
  await writeFile(join(dir, "w2v.bin"), Buffer.concat(parts));
  await writeFile(join(dir, "bad.txt"), "pain 1 2 3\nchest 1 2\n");
  await writeFile(join(dir, "truncated.bin"), Buffer.concat(parts).subarray(0, 35));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Tokens as a row of (sentence, token) inputs. */
function row(text: string) {
  const tokens = [...text.matchAll(/\S+/g)].map((m) => makeAnnotation(AnnotatorType.TOKEN, m.index, m.index + m[0].length - 1, m[0], { sentence: "0" }));
  return [[makeAnnotation(AnnotatorType.DOCUMENT, 0, text.length - 1, text, { sentence: "0" })], tokens];
}

describe("vector file readers", () => {
  it("reads GloVe text, word2vec text and word2vec binary to the same matrix", async () => {
    const glove = await readTextVectors(join(dir, "glove.txt"));
    const text = await readTextVectors(join(dir, "w2v.txt"));
    const binary = await readWord2VecBinary(join(dir, "w2v.bin"));
    for (const s of [glove, text, binary]) {
      expect(s.words).toEqual(words);
      expect(s.dimension).toBe(3);
      expect(Array.from(s.vector(s.row("CT")))).toEqual([3.5, -3, 0.75]);
    }
  });

  it("honours maxWords", async () => {
    expect((await readWord2VecBinary(join(dir, "w2v.bin"), { maxWords: 2 })).words).toEqual(["pain", "chest"]);
    expect((await readTextVectors(join(dir, "glove.txt"), { maxWords: 2 })).size).toBe(2);
  });

  it("names the file and line of a malformed or truncated file", async () => {
    await expect(readTextVectors(join(dir, "bad.txt"))).rejects.toThrowError(/bad.txt: line 2 has 2 values, expected 3/);
    await expect(readWord2VecBinary(join(dir, "truncated.bin"))).rejects.toThrowError(EmbeddingsFormatError);
    await expect(readWord2VecBinary(join(dir, "truncated.bin"))).rejects.toThrowError(/truncated.bin: truncated in the vector of word 2/);
    await expect(readTextVectors(join(dir, "missing.txt"))).rejects.toThrowError(/missing.txt: cannot read vectors/);
  });

  it("round-trips Kindling's format and checks its sizes", async () => {
    const storage = await readTextVectors(join(dir, "glove.txt"));
    const out = join(dir, "kindling");
    await writeKindlingEmbeddings(out, storage, { storageRef: "test_ref", caseSensitive: true });
    const back = await readKindlingEmbeddings(out);
    expect(back.meta).toMatchObject({ storageRef: "test_ref", dimension: 3, count: 5, dtype: "float32", caseSensitive: true });
    expect(Array.from(back.storage.matrix)).toEqual(Array.from(storage.matrix));
    await writeFile(join(out, "vectors.bin"), Buffer.alloc(7));
    await expect(readKindlingEmbeddings(out)).rejects.toThrowError(/vectors.bin: has 7 bytes, expected 60 \(5 × 3 float32\)/);
  });
});

describe("WordEmbeddingsModel", () => {
  const storage = () => new EmbeddingsStorage(words, Float32Array.from(vectors.flat()), 3);

  it("gives every token its vector, a zero vector and isOOV when unknown", () => {
    const model = new WordEmbeddingsModel({ storageRef: "t" }, storage());
    const out = model.annotate(row("chest pain xyzzy"));
    expect(out.map((a) => a.result)).toEqual(["chest", "pain", "xyzzy"]);
    expect(out.map((a) => a.metadata.isOOV)).toEqual(["false", "false", "true"]);
    expect(Array.from(out[0]!.embeddings)).toEqual([1.5, -1, 0.25]);
    expect(Array.from(out[2]!.embeddings)).toEqual([0, 0, 0]);
    expect(out[1]).toMatchObject({ annotatorType: "word_embeddings", begin: 6, end: 9 });
  });

  it("hands every token of a word the same view into the matrix, without copying it", () => {
    const s = storage();
    const out = new WordEmbeddingsModel({}, s).annotate(row("pain chest pain"));
    expect(out[0]!.embeddings).toBe(out[2]!.embeddings);
    expect(out[0]!.embeddings).toBe(s.vector(s.row("pain")));
    expect(out[1]!.embeddings.buffer).toBe(s.matrix.buffer);
    expect(out[1]!.embeddings.byteOffset).toBe(s.row("chest") * 3 * Float32Array.BYTES_PER_ELEMENT);
    expect(() => s.vector(5)).toThrowError(/row 5 is outside the 5 vectors/);
    expect(() => s.vector(-1)).toThrowError(/row -1 is outside/);
  });

  it("falls back to lower, Capitalised and UPPER case unless caseSensitive", () => {
    const insensitive = new WordEmbeddingsModel({}, storage());
    expect(insensitive.annotate(row("PAIN aspirin ct NAÏVE")).map((a) => a.metadata.isOOV)).toEqual(["false", "false", "false", "false"]);
    const sensitive = new WordEmbeddingsModel({ caseSensitive: true }, storage());
    expect(sensitive.annotate(row("PAIN aspirin ct pain")).map((a) => a.metadata.isOOV)).toEqual(["true", "true", "true", "false"]);
  });

  it("writes vectors to Arrow only with includeEmbeddings", async () => {
    const table = tableFromArrays({ text: ["chest pain"] });
    const run = async (includeEmbeddings: boolean) => {
      const model = await new Pipeline([new Splitter(), new WordEmbeddingsModel({ inputCols: ["document", "token"], includeEmbeddings }, storage())]).fit();
      const out = await model.transform(table);
      const field = out.schema.fields.find((f) => f.name === "embeddings")!;
      return decodeAnnotations(out.getChild("embeddings")!, field)[0]!.map((a) => a.embeddings.length);
    };
    expect(await run(false)).toEqual([0, 0]);
    expect(await run(true)).toEqual([3, 3]);
  });

  it("reports coverage", () => {
    const model = new WordEmbeddingsModel({}, storage());
    expect(overallCoverage([model.annotate(row("chest pain xyzzy")), model.annotate(row("CT"))])).toEqual({ tokens: 4, covered: 3, ratio: 0.75 });
  });

  it("fails clearly without vectors and on unsupported Spark params", () => {
    expect(() => new WordEmbeddingsModel().annotate(row("x"))).toThrowError(/no vectors loaded/);
    expect(() => new WordEmbeddingsModel().setEnableInMemoryStorage(true)).toThrowError(NotSupportedError);
  });

  it("saves and loads inside a pipeline", async () => {
    const model = await new Pipeline([new Splitter(), new WordEmbeddingsModel({ inputCols: ["document", "token"], storageRef: "ref" }, storage())]).fit();
    const out = join(dir, "pipeline");
    await model.save(out);
    const loaded = await PipelineModel.load(out);
    const full = await new LightPipeline(loaded, true).fullAnnotate("aspirin CT");
    expect(full.embeddings!.map((a) => Array.from(a.embeddings))).toEqual([vectors[2], vectors[3]]);
    expect(loaded.stages[1]!.get("storageRef" as never)).toBe("ref");
  });

  it("refuses licensed names, naming the open model", async () => {
    await expect(WordEmbeddingsModel.pretrained("embeddings_clinical", "en", "clinical/models")).rejects.toThrowError(/licensed .* use the open equivalent "embeddings_clinical_open"/);
  });
});

describe("WordEmbeddings approach", () => {
  it("fits a model from a user's word2vec file", async () => {
    const model = await new WordEmbeddings().setStoragePath(join(dir, "w2v.bin"), "BINARY").setStorageRef("mine").fit();
    expect(model.getDimension()).toBe(3);
    expect(model.getStorageRef()).toBe("mine");
    expect(model.annotate(row("chest"))[0]!.metadata.isOOV).toBe("false");
  });

  it("checks a declared dimension against the file", async () => {
    await expect(new WordEmbeddings({ dimension: 200 }).setStoragePath(join(dir, "glove.txt")).fit()).rejects.toThrowError(/dimension is set to 200 but .*glove.txt holds 3-d vectors/);
  });
});

/** A document + whitespace-token stage pair for pipeline tests, kept local so this package needs no tokenizer. */
class Splitter extends Transformer<OutputParams> {
  constructor() {
    super({ outputCol: param("token", "output") }, undefined);
  }
  get stageName() {
    return "Splitter";
  }
  get packageName() {
    return "test";
  }
  override valueInputCols() {
    return ["text"];
  }
  transformSchema(schema: ColumnSchema): ColumnSchema {
    const next = new Map(schema);
    next.set("document", { kind: "annotations", annotatorType: "document" });
    next.set("token", { kind: "annotations", annotatorType: "token" });
    return next;
  }
  transformBatch(batch: AnnotationBatch): void {
    const rows = batch.values("text").map((t) => row(String(t)));
    batch.setAnnotations("document", "document", rows.map((r) => r[0]!));
    batch.setAnnotations("token", "token", rows.map((r) => r[1]!));
  }
}

registerStage("Splitter", { packageName: "test", load: () => new Splitter() });
