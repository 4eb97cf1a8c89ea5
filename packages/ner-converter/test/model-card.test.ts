import { AnnotatorType, decodeAnnotations, type Annotation } from "@kindling/annotation";
import { AnnotatorModel, Pipeline, type RowInputs, type StageParams } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { Tokenizer } from "@kindling/tokenizer";
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { NerConverter, NerConverterInternal } from "../src/index.js";
import { lineSentences, modelCardNote, modelCardResults, tagged, tagsFromChunks, type ResultRow } from "./fixtures.js";

const note = modelCardNote();
const results = modelCardResults();
// Sentences are the note's three lines; tokens come from Kindling's Tokenizer (Spark's default rules).
const sentences = lineSentences(note);
const tokens = (await new Tokenizer().fit()).annotate([sentences]);

function asRows(chunks: readonly Annotation[]): ResultRow[] {
  return chunks.map((c) => ({ chunk: c.result, begin: c.begin, end: c.end, ner_label: c.metadata.entity! }));
}

describe("the model card's Results table", () => {
  it("is read from the card: ten rows over the three-line note", () => {
    expect(results).toHaveLength(10);
    expect(sentences.map((s) => s.result.slice(0, 12))).toEqual(["Mr. ABC is a", "He required ", "The patient "]);
    for (const r of results) expect(note.slice(r.begin, r.end + 1)).toBe(r.chunk);
  });

  it("NerConverter turns the tags it implies into exactly those rows", () => {
    const chunks = new NerConverter().annotate([sentences, tokens, tagged(tokens, tagsFromChunks(tokens, results))]);
    expect(asRows(chunks)).toEqual(results);
    expect(chunks.map((c) => c.metadata.chunk)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(chunks.map((c) => c.metadata.sentence)).toEqual(["0", "0", "0", "0", "0", "2", "2", "2", "2", "2"]);
  });

  it("NerConverterInternal, as the card's second pipeline uses it, gives the same rows", () => {
    const chunks = new NerConverterInternal().annotate([sentences, tokens, tagged(tokens, tagsFromChunks(tokens, results))]);
    expect(asRows(chunks)).toEqual(results);
  });

  it("each chunk's confidence is the mean of its tokens' confidences", () => {
    const confidences = tokens.map((_, i) => 0.5 + (i % 5) / 10);
    const chunks = new NerConverter().annotate([sentences, tokens, tagged(tokens, tagsFromChunks(tokens, results), confidences)]);
    for (const chunk of chunks) {
      const inside = confidences.filter((_, i) => tokens[i]!.begin >= chunk.begin && tokens[i]!.end <= chunk.end);
      const mean = inside.reduce((a, b) => a + b, 0) / inside.length;
      expect(Number(chunk.metadata.confidence)).toBeCloseTo(mean, 6);
    }
    // The Tokenizer keeps "mid-LAD" whole: "severe mid-LAD lesion" is three tokens.
    expect(tokens.filter((t) => t.begin >= chunks[7]!.begin && t.end <= chunks[7]!.end).map((t) => t.result)).toEqual(["severe", "mid-LAD", "lesion"]);
  });
});

/** A test-only stage computing its output from the row's first input, for wiring a pipeline around the converter. */
class Derived extends AnnotatorModel<StageParams> {
  constructor(
    readonly inputAnnotatorTypes: readonly string[],
    readonly outputAnnotatorType: string,
    inputCols: string[],
    outputCol: string,
    private readonly derive: (inputs: RowInputs) => Annotation[],
  ) {
    super({ inputCols: { default: inputCols, doc: "" }, outputCol: { default: outputCol, doc: "" } }, undefined);
  }
  get stageName(): string {
    return `Derived(${this.get("outputCol")})`;
  }
  get packageName(): string {
    return "test";
  }
  annotate(inputs: RowInputs): Annotation[] {
    return this.derive(inputs);
  }
}

describe("the model card pipeline over an Arrow table", () => {
  it("DocumentAssembler → sentences → Tokenizer → tags → NerConverter reproduces the Results table", async () => {
    const sentenceStage = new Derived([AnnotatorType.DOCUMENT], AnnotatorType.DOCUMENT, ["document"], "sentence", ([docs]) => lineSentences(docs![0]!.result));
    const tokenizer = new Tokenizer().setInputCols(["sentence"]).setOutputCol("token");
    const nerStage = new Derived([AnnotatorType.TOKEN], AnnotatorType.NAMED_ENTITY, ["token"], "ner", ([rowTokens]) => tagged(rowTokens!, tagsFromChunks(rowTokens!, results)));
    const converter = new NerConverter().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_chunk");
    const model = await new Pipeline([new DocumentAssembler(), sentenceStage, tokenizer, nerStage, converter]).fit();

    const out = await model.transform(tableFromArrays({ text: [note] }));
    const field = out.schema.fields.find((f) => f.name === "ner_chunk")!;
    expect(field.metadata.get("annotatorType")).toBe("chunk");
    const [chunks] = decodeAnnotations(out.getChild("ner_chunk")!, field);
    expect(asRows(chunks!)).toEqual(results);
  });
});
