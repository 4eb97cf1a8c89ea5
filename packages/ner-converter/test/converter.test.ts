import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { AnnotationBatch, NotSupportedError, ParamError, PipelineModel, StageRowError } from "@kindling/core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeIob, decodeSchemaless, formatConfidence, NerConverter, NerConverterInternal, tokenConfidence, type ChunkConverter, type NerConverterParams } from "../src/index.js";
import { row, sentence, tagged, tokensOf } from "./fixtures.js";

type Summary = [result: string, entity: string];

function convert(converter: ChunkConverter<NerConverterParams>, text: string, tags: readonly string[], confidences?: readonly (number | undefined)[]): Annotation[] {
  return converter.annotate(row(text, tags, confidences).inputs);
}

const summary = (chunks: readonly Annotation[]): Summary[] => chunks.map((c) => [c.result, c.metadata.entity!]);

describe("tag schemes", () => {
  const text = "chest pain after stress test and ECG";
  // tokens:      chest  pain   after  stress  test   and  ECG
  it("IOB2: B- starts, I- continues", () => {
    expect(summary(convert(new NerConverter(), text, ["B-PROBLEM", "I-PROBLEM", "O", "B-TEST", "I-TEST", "O", "B-TEST"]))).toEqual([
      ["chest pain", "PROBLEM"],
      ["stress test", "TEST"],
      ["ECG", "TEST"],
    ]);
  });

  it("IOB1: I- without B- starts a chunk, B- only separates touching chunks of one label", () => {
    expect(summary(convert(new NerConverter(), text, ["I-PROBLEM", "I-PROBLEM", "O", "I-TEST", "I-TEST", "B-TEST", "I-TEST"]))).toEqual([
      ["chest pain", "PROBLEM"],
      ["stress test", "TEST"],
      ["and ECG", "TEST"],
    ]);
  });

  it("BIOES: E- closes, S- is a single token; BILOU's L- and U- read the same", () => {
    const bioes = ["B-PROBLEM", "E-PROBLEM", "O", "S-TEST", "S-TEST", "O", "S-TEST"];
    const bilou = ["B-PROBLEM", "L-PROBLEM", "O", "U-TEST", "U-TEST", "O", "U-TEST"];
    const expected: Summary[] = [
      ["chest pain", "PROBLEM"],
      ["stress", "TEST"],
      ["test", "TEST"],
      ["ECG", "TEST"],
    ];
    expect(summary(convert(new NerConverter(), text, bioes))).toEqual(expected);
    expect(summary(convert(new NerConverter(), text, bilou))).toEqual(expected);
  });

  it("a token after E- starts a new chunk even with I- of the same label", () => {
    expect(decodeIob(["B-X", "E-X", "I-X", "E-X"])).toEqual([
      { first: 0, last: 1, label: "X" },
      { first: 2, last: 3, label: "X" },
    ]);
  });

  it("B- right after I- of the same label starts a new chunk", () => {
    expect(summary(convert(new NerConverter(), "chest pain fever", ["B-PROBLEM", "I-PROBLEM", "B-PROBLEM"]))).toEqual([
      ["chest pain", "PROBLEM"],
      ["fever", "PROBLEM"],
    ]);
  });

  it("a label change closes the chunk (Spark's NerConverter would keep the first label)", () => {
    expect(summary(convert(new NerConverter(), "stress test pain", ["B-TEST", "I-TEST", "I-PROBLEM"]))).toEqual([
      ["stress test", "TEST"],
      ["pain", "PROBLEM"],
    ]);
    expect(decodeIob(["I-A", "E-B", "I-B"])).toEqual([
      { first: 0, last: 0, label: "A" },
      { first: 1, last: 1, label: "B" },
      { first: 2, last: 2, label: "B" },
    ]);
  });

  it("tags without a known prefix are labels of their own; O and empty tags are outside", () => {
    expect(decodeIob(["PROBLEM", "PROBLEM", "", "B-", "B-", "O", "X-Y"])).toEqual([
      { first: 0, last: 1, label: "PROBLEM" },
      { first: 3, last: 4, label: "B-" },
      { first: 6, last: 6, label: "X-Y" },
    ]);
  });

  it("chunks never cross a sentence boundary", () => {
    const chunks = convert(new NerConverter(), "severe chest | pain today", ["B-PROBLEM", "I-PROBLEM", "I-PROBLEM", "O"]);
    expect(chunks.map((c) => [c.result, c.metadata.sentence, c.metadata.chunk])).toEqual([
      ["severe chest", "0", "0"],
      ["pain", "1", "1"],
    ]);
  });
});

describe("inputs", () => {
  const converter = new NerConverter();

  it("empty rows, rows without tags and tags without tokens give no chunks", () => {
    const { inputs } = row("chest pain", ["B-PROBLEM", "I-PROBLEM"]);
    expect(converter.annotate([[], [], []])).toEqual([]);
    expect(converter.annotate([inputs[0]!, inputs[1]!, []])).toEqual([]);
    expect(converter.annotate([inputs[0]!, [], inputs[2]!])).toEqual([]);
    expect(converter.annotate([[], inputs[1]!, inputs[2]!])).toEqual([]);
  });

  it("a token without a named_entity annotation counts as O", () => {
    const { inputs } = row("chest pain now", ["B-PROBLEM", "I-PROBLEM", "O"]);
    const withoutMiddle = inputs[2]!.filter((a) => a.result !== "I-PROBLEM");
    expect(summary(converter.annotate([inputs[0]!, inputs[1]!, withoutMiddle]))).toEqual([["chest", "PROBLEM"]]);
  });

  it("tokens may arrive in any order; tokens outside every sentence are ignored", () => {
    const text = "chest pain. fever";
    const sentences = [sentence(text, 0, 10, 0)];
    const tokens = tokensOf(text, [sentence(text, 0, 16, 0)]);
    const tags = tagged(tokens, ["B-PROBLEM", "I-PROBLEM", "O", "B-PROBLEM"]);
    expect(summary(converter.annotate([sentences, [...tokens].reverse(), tags]))).toEqual([["chest pain", "PROBLEM"]]);
  });

  it("uses the sentence's own index from its metadata, or its position when it has none", () => {
    const text = "pain";
    const tokens = tokensOf(text, [sentence(text, 0, 3, 0)]);
    const tags = tagged(tokens, ["B-PROBLEM"]);
    const numbered = makeAnnotation(AnnotatorType.DOCUMENT, 0, 3, "pain", { sentence: "7" });
    const bare = makeAnnotation(AnnotatorType.DOCUMENT, 0, 3, "pain");
    expect(converter.annotate([[numbered], tokens, tags])[0]!.metadata.sentence).toBe("7");
    expect(converter.annotate([[bare], tokens, tags])[0]!.metadata.sentence).toBe("0");
  });

  it("offsets are document offsets and the result comes from the sentence's text", () => {
    const text = "Hx: none. | Now severe chest pain.";
    const chunks = convert(converter, text, ["O", "O", "O", "O", "O", "B-PROBLEM", "I-PROBLEM", "I-PROBLEM", "O"]);
    const begin = text.indexOf("severe");
    expect(chunks).toEqual([
      makeAnnotation("chunk", begin, begin + "severe chest pain".length - 1, "severe chest pain", { entity: "PROBLEM", sentence: "1", chunk: "0" }),
    ]);
  });

  it("a sentence whose result is shorter than its span is an error naming the row", async () => {
    const text = "chest pain";
    const truncated = makeAnnotation(AnnotatorType.DOCUMENT, 0, 9, "chest", { sentence: "0" });
    const tokens = tokensOf(text, [sentence(text, 0, 9, 0)]);
    const rows = [[truncated], tokens, tagged(tokens, ["B-PROBLEM", "I-PROBLEM"])];
    await expect(converter.annotateBatch([rows], 40)).rejects.toThrow(StageRowError);
    await expect(converter.annotateBatch([rows], 40)).rejects.toThrow(/failed on row 40: chunk 0-9 \("PROBLEM"\) runs past the text of sentence 0 \(0-9, 5 characters\)/);
  });
});

describe("confidence", () => {
  it("is the mean of the chunk's tokens' confidence metadata, printed like Java's Float.toString", () => {
    const [chunk] = convert(new NerConverter(), "chest pain", ["B-PROBLEM", "I-PROBLEM"], [0.9, 0.8]);
    expect(chunk!.metadata).toEqual({ entity: "PROBLEM", sentence: "0", chunk: "0", confidence: "0.85" });
    expect(Object.keys(chunk!.metadata)).toEqual(["entity", "sentence", "chunk", "confidence"]);
  });

  it("averages only the tokens that have one, and is absent when none has", () => {
    const chunks = convert(new NerConverter(), "chest pain now", ["B-PROBLEM", "I-PROBLEM", "B-TEST"], [0.6, undefined, undefined]);
    expect(chunks[0]!.metadata.confidence).toBe("0.6");
    expect(chunks[1]!.metadata).not.toHaveProperty("confidence");
  });

  it("falls back to the per-tag score that includeAllConfidenceScores writes", () => {
    const score = (tag: string, scores: Record<string, string>) => makeAnnotation(AnnotatorType.NAMED_ENTITY, 0, 3, tag, { word: "pain", ...scores });
    expect(tokenConfidence(score("B-PROBLEM", { "B-PROBLEM": "0.7", "I-PROBLEM": "0.2", O: "0.1" }))).toBe(0.7);
    expect(tokenConfidence(score("B-PROBLEM", { confidence: "0.9", "B-PROBLEM": "0.7" }))).toBe(0.9);
    expect(tokenConfidence(score("B-PROBLEM", { confidence: "high" }))).toBeUndefined();
    expect(tokenConfidence(score("B-PROBLEM", { confidence: " " }))).toBeUndefined();
    expect(tokenConfidence(undefined)).toBeUndefined();
  });

  it("formatConfidence prints the shortest decimal of the 32-bit float", () => {
    expect(formatConfidence((0.9 + 0.8) / 2)).toBe("0.85");
    expect(formatConfidence(1 / 3)).toBe("0.33333334");
    expect(formatConfidence(1)).toBe("1");
    expect(formatConfidence(0.9987)).toBe("0.9987");
  });
});

describe("NerConverter params", () => {
  const text = "chest pain after stress test";
  const tags = ["B-PROBLEM", "I-PROBLEM", "O", "B-TEST", "I-TEST"];

  it("whiteList keeps only the listed labels and numbers the kept chunks", () => {
    const chunks = convert(new NerConverter().setWhiteList("TEST"), text, tags);
    expect(chunks.map((c) => [c.result, c.metadata.chunk])).toEqual([["stress test", "0"]]);
    expect(new NerConverter().setWhiteList(["A", "B"], "C").getWhiteList()).toEqual(["A", "B", "C"]);
  });

  it("blackList drops the listed labels", () => {
    expect(summary(convert(new NerConverter({ blackList: ["TEST"] }), text, tags))).toEqual([["chest pain", "PROBLEM"]]);
    expect(summary(convert(new NerConverter({ whiteList: ["TEST"], blackList: ["TEST"] }), text, tags))).toEqual([]);
  });

  it("preservePosition=false joins the tokens' own results with single spaces", () => {
    const { inputs } = row("severe mid-LAD  lesion", ["B-PROBLEM", "I-PROBLEM", "I-PROBLEM", "I-PROBLEM", "I-PROBLEM"]);
    const lowered = inputs[1]!.map((t) => ({ ...t, result: t.result.toLowerCase() }));
    expect(new NerConverter().annotate([inputs[0]!, lowered, inputs[2]!])[0]!.result).toBe("severe mid-LAD  lesion");
    const joined = new NerConverter().setPreservePosition(false).annotate([inputs[0]!, lowered, inputs[2]!])[0]!;
    expect(joined).toMatchObject({ begin: 0, end: 21, result: "severe mid - lad lesion" });
  });

  it("nerHasNoSchema reads every tag as a label: runs of the same tag are one chunk", () => {
    const plain = ["PROBLEM", "PROBLEM", "O", "TEST", "TEST"];
    expect(summary(convert(new NerConverter({ nerHasNoSchema: true }), text, plain))).toEqual([
      ["chest pain", "PROBLEM"],
      ["stress test", "TEST"],
    ]);
    const prefixed = ["B-PROBLEM", "B-PROBLEM", "O", "B-TEST", "I-TEST"];
    expect(summary(convert(new NerConverter().setNerHasNoSchema(true), text, prefixed))).toEqual([
      ["chest pain", "B-PROBLEM"],
      ["stress", "B-TEST"],
      ["test", "I-TEST"],
    ]);
    expect(decodeSchemaless(["A", "", "A", "O", "B", "B"])).toEqual([
      { first: 0, last: 0, label: "A" },
      { first: 2, last: 2, label: "A" },
      { first: 4, last: 5, label: "B" },
    ]);
  });

  it("inputCols may be given in any order and outputCol names the column", async () => {
    const { inputs } = row("chest pain", ["B-PROBLEM", "I-PROBLEM"]);
    const oneRow = AnnotationBatch.fromColumns({ id: [1] });
    oneRow.setAnnotations("sentence", "document", [inputs[0]!]);
    oneRow.setAnnotations("token", "token", [inputs[1]!]);
    oneRow.setAnnotations("ner", "named_entity", [inputs[2]!]);
    await new NerConverter().setInputCols("ner", "sentence", "token").setOutputCol("entities").transformBatch(oneRow);
    expect(oneRow.annotations("entities")[0]!.map((c) => c.result)).toEqual(["chest pain"]);
  });

  it("rejects bad values and unknown params", () => {
    expect(() => new NerConverter({ whiteList: "PROBLEM" as never })).toThrow(ParamError);
    expect(() => new NerConverter({ preservePosition: "yes" as never })).toThrow(/preservePosition" must be true or false/);
    expect(() => new NerConverter({ greedyMode: true } as never)).toThrow(/param "greedyMode" is unknown/);
  });
});

describe("NerConverterInternal params", () => {
  it("greedyMode merges touching chunks of the same label", () => {
    const tags = ["B-PROBLEM", "B-PROBLEM", "B-TEST", "S-TEST"];
    expect(summary(convert(new NerConverterInternal(), "chest pain ECG echo", tags))).toHaveLength(4);
    expect(summary(convert(new NerConverterInternal().setGreedyMode(true), "chest pain ECG echo", tags))).toEqual([
      ["chest pain", "PROBLEM"],
      ["ECG echo", "TEST"],
    ]);
  });

  it("threshold drops chunks whose mean confidence is below it, keeps chunks without confidence, renumbers", () => {
    const text = "chest pain after stress test and ECG";
    const tags = ["B-PROBLEM", "I-PROBLEM", "O", "B-TEST", "I-TEST", "O", "B-TEST"];
    const confidences = [0.5, 0.3, 1, 0.9, 0.95, 1, undefined];
    const all = convert(new NerConverterInternal(), text, tags, confidences);
    expect(all.map((c) => c.metadata.confidence)).toEqual(["0.4", "0.925", undefined]);
    const kept = convert(new NerConverterInternal().setThreshold(0.5), text, tags, confidences);
    expect(kept.map((c) => [c.result, c.metadata.chunk])).toEqual([
      ["stress test", "0"],
      ["ECG", "1"],
    ]);
    expect(convert(new NerConverterInternal({ threshold: 0.4 }), text, tags, confidences)).toHaveLength(3);
  });

  it("ignoreStopWords merges same-label chunks separated only by stop words", () => {
    const text = "chest pain , and fever but rash";
    const tags = ["B-PROBLEM", "I-PROBLEM", "O", "O", "B-PROBLEM", "O", "B-PROBLEM"];
    const confidences = [0.9, 0.9, 0.1, 0.1, 0.6, 0.1, 0.5];
    expect(summary(convert(new NerConverterInternal(), text, tags))).toHaveLength(3);
    const merged = convert(new NerConverterInternal().setIgnoreStopWords([",", "and"]), text, tags, confidences);
    expect(summary(merged)).toEqual([
      ["chest pain , and fever", "PROBLEM"],
      ["rash", "PROBLEM"],
    ]);
    // The stop words do not count towards the confidence: mean of 0.9, 0.9, 0.6.
    expect(merged[0]!.metadata.confidence).toBe("0.8");
    expect(merged[0]).toMatchObject({ begin: 0, end: 21 });
    const joined = convert(new NerConverterInternal({ ignoreStopWords: [",", "and"], preservePosition: false }), text, tags);
    expect(joined[0]!.result).toBe("chest pain fever");
  });

  it("ignoreStopWords needs every token in between to be a stop word, and the same label on both sides", () => {
    const text = "pain , and ECG , fever";
    expect(summary(convert(new NerConverterInternal({ ignoreStopWords: [","] }), text, ["B-PROBLEM", "O", "O", "O", "O", "B-PROBLEM"]))).toHaveLength(2);
    expect(summary(convert(new NerConverterInternal({ ignoreStopWords: [","] }), text, ["B-PROBLEM", "O", "O", "B-TEST", "O", "B-PROBLEM"]))).toHaveLength(3);
    expect(summary(convert(new NerConverterInternal({ ignoreStopWords: [","] }), "pain fever", ["B-PROBLEM", "B-PROBLEM"]))).toHaveLength(2);
  });

  it("replaceLabels renames labels before merging and filtering", () => {
    const text = "aspirin and heparin now";
    const tags = ["B-Drug_BrandName", "O", "B-Drug_Ingredient", "O"];
    const replace = { Drug_BrandName: "Drug", Drug_Ingredient: "Drug" };
    expect(summary(convert(new NerConverterInternal().setReplaceLabels(replace), text, tags))).toEqual([
      ["aspirin", "Drug"],
      ["heparin", "Drug"],
    ]);
    const merged = new NerConverterInternal({ replaceLabels: replace, ignoreStopWords: ["and"], whiteList: ["Drug"] });
    expect(summary(convert(merged, text, tags))).toEqual([["aspirin and heparin", "Drug"]]);
    expect(new NerConverterInternal().setReplaceLabels(new Map([["A", "B"]])).getReplaceLabels()).toEqual({ A: "B" });
    // Only the map's own keys count: a label named like an Object.prototype member is left alone.
    expect(summary(convert(new NerConverterInternal({ replaceLabels: { A: "B" } }), "pain", ["B-constructor"]))).toEqual([["pain", "constructor"]]);
  });

  it("Spark params Kindling does not implement fail loudly", () => {
    expect(() => new NerConverterInternal().setReplaceDictResource("replace.csv", "TEXT", { delimiter: "," })).toThrow(NotSupportedError);
    expect(() => new NerConverterInternal({ replaceDictResource: "x.csv" } as never)).toThrow(/"replaceDictResource" is not supported by Kindling \(read the CSV yourself/);
    for (const call of [
      (c: NerConverterInternal) => c.setDoExceptionHandling(true),
      (c: NerConverterInternal) => c.setAllPossibleFieldsToStandard(true),
      (c: NerConverterInternal) => c.setIncludeOutputColumn(true),
      (c: NerConverterInternal) => c.setOutputColumnKey("k"),
      (c: NerConverterInternal) => c.setIncludeStandardField(true),
      (c: NerConverterInternal) => c.setStandardFieldKey("k"),
    ]) {
      expect(() => call(new NerConverterInternal())).toThrow(NotSupportedError);
    }
  });

  it("rejects bad values", () => {
    expect(() => new NerConverterInternal().setThreshold(Number.NaN)).toThrow(/threshold" must be a finite number/);
    expect(() => new NerConverterInternal({ replaceLabels: { A: 1 } as never })).toThrow(/replaceLabels" must map labels/);
    expect(() => new NerConverterInternal({ ignoreStopWords: [1] as never })).toThrow(ParamError);
  });
});

describe("persistence", () => {
  it("both converters save and load with their params", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-ner-converter-"));
    try {
      const open = new NerConverter({ whiteList: ["PROBLEM"], preservePosition: false });
      const internal = new NerConverterInternal({ outputCol: "chunks", threshold: 0.7, greedyMode: true, ignoreStopWords: ["of"], replaceLabels: { A: "B" } });
      await new PipelineModel([open, internal]).save(dir);
      const loaded = await PipelineModel.load(dir);
      expect(loaded.stages[0]).toBeInstanceOf(NerConverter);
      expect(loaded.stages[1]).toBeInstanceOf(NerConverterInternal);
      expect(loaded.stages[0]!.paramValues()).toEqual(open.paramValues());
      expect(loaded.stages[1]!.paramValues()).toEqual(internal.paramValues());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
