// Small real annotators used to exercise the core API without depending on the annotator packages.
import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import {
  AnnotationBatch,
  AnnotatorApproach,
  AnnotatorModel,
  check,
  param,
  registerStage,
  Transformer,
  type ColumnSchema,
  type OutputParams,
  type ParamSpecs,
  type RowInputs,
  type StageParams,
} from "../src/index.js";

interface TextParams extends OutputParams {
  inputCol: string;
}

/** Minimal document assembler: one document annotation per non-empty string. */
export class TextToDocument extends Transformer<TextParams> {
  constructor(options?: Partial<TextParams>) {
    super({ inputCol: param("text", "text column"), outputCol: param("document", "output column") }, options);
  }
  get stageName() {
    return "TextToDocument";
  }
  get packageName() {
    return "@kindling/core (test)";
  }
  override valueInputCols(): string[] {
    return [this.get("inputCol")];
  }
  transformSchema(schema: ColumnSchema): ColumnSchema {
    if (!schema.has(this.get("inputCol"))) throw this.wiringError(`input column "${this.get("inputCol")}" does not exist`);
    return this.addOutput(schema, AnnotatorType.DOCUMENT);
  }
  transformBatch(batch: AnnotationBatch): void {
    const values = batch.values(this.get("inputCol"));
    batch.setAnnotations(
      this.get("outputCol"),
      AnnotatorType.DOCUMENT,
      values.map((v) => (typeof v === "string" && v.length > 0 ? [makeAnnotation(AnnotatorType.DOCUMENT, 0, v.length - 1, v, { sentence: "0" })] : [])),
    );
  }
}

export interface SplitParams extends StageParams {
  lowercase: boolean;
  minLength: number;
}

const SPLIT_SPECS: ParamSpecs<SplitParams> = {
  inputCols: param<string[]>(["document"], "input columns"),
  outputCol: param("token", "output column"),
  lowercase: param(false, "lower-case the token results"),
  minLength: param(1, "drop tokens shorter than this", check.nonNegativeInt),
};

/** Whitespace tokenizer model. */
export class WhitespaceTokenizer extends AnnotatorModel<SplitParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT];
  readonly outputAnnotatorType = AnnotatorType.TOKEN;
  constructor(options?: Partial<SplitParams>) {
    super(SPLIT_SPECS, options, { targetPattern: "use the Tokenizer package" });
  }
  get stageName() {
    return "WhitespaceTokenizer";
  }
  get packageName() {
    return "@kindling/core (test)";
  }
  setLowercase(v: boolean) {
    return this.set("lowercase", v);
  }
  setTargetPattern(_v: string): never {
    return this.unsupported("targetPattern");
  }
  annotate([documents]: RowInputs): Annotation[] {
    const out: Annotation[] = [];
    for (const doc of documents!) {
      if (doc.result.includes("\u0000")) throw new Error("NUL byte in text");
      for (const m of doc.result.matchAll(/\S+/g)) {
        if (m[0].length < this.get("minLength")) continue;
        const begin = doc.begin + m.index;
        out.push(makeAnnotation(AnnotatorType.TOKEN, begin, begin + m[0].length - 1, this.get("lowercase") ? m[0].toLowerCase() : m[0], { sentence: doc.metadata.sentence ?? "0" }));
      }
    }
    return out;
  }
}

/** An approach that learns the most frequent token length and sets minLength to it. */
export class LearnedLengthTokenizer extends AnnotatorApproach<SplitParams, WhitespaceTokenizer> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT];
  readonly outputAnnotatorType = AnnotatorType.TOKEN;
  constructor(options?: Partial<SplitParams>) {
    super(SPLIT_SPECS, options);
  }
  get stageName() {
    return "LearnedLengthTokenizer";
  }
  get packageName() {
    return "@kindling/core (test)";
  }
  fit(dataset: AnnotationBatch): WhitespaceTokenizer {
    const counts = new Map<number, number>();
    for (const row of dataset.annotations(this.get("inputCols")[0]!)) {
      for (const doc of row) for (const w of doc.result.split(/\s+/).filter(Boolean)) counts.set(w.length, (counts.get(w.length) ?? 0) + 1);
    }
    const best = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 1;
    return new WhitespaceTokenizer({ ...this.paramValues(), minLength: best });
  }
}

/** Needs tokens and documents: emits one chunk per capitalised token. */
export class CapitalChunker extends AnnotatorModel<StageParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT, AnnotatorType.TOKEN];
  readonly outputAnnotatorType = AnnotatorType.CHUNK;
  constructor(options?: Partial<StageParams>) {
    super({ inputCols: param<string[]>(["document", "token"], "input columns"), outputCol: param("chunk", "output column") }, options);
  }
  get stageName() {
    return "CapitalChunker";
  }
  get packageName() {
    return "@kindling/core (test)";
  }
  annotate([, tokens]: RowInputs): Annotation[] {
    return tokens!.filter((t) => /^[A-Z]/.test(t.result)).map((t) => makeAnnotation(AnnotatorType.CHUNK, t.begin, t.end, t.result, { entity: "CAP" }));
  }
}

registerStage("TextToDocument", { packageName: "@kindling/core (test)", load: (p) => new TextToDocument(p) });
registerStage("WhitespaceTokenizer", { packageName: "@kindling/core (test)", load: (p) => new WhitespaceTokenizer(p) });
registerStage("CapitalChunker", { packageName: "@kindling/core (test)", load: (p) => new CapitalChunker(p) });
