import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { type Accessors, AnnotatorModel, type ColumnSchema, defineAccessors, param, ParamError, type ParamSpecs, registerStage, type RowInputs, type StageParams } from "@kindling/core";
import type { CustomBoundsStrategy } from "./custom-bounds.js";
import { compileSentenceSplitter, SentenceOptionError, type SentenceSplitter } from "./detect.js";
import { DEFAULT_SENTENCE_OPTIONS, OPTION_CHECKS, type SentenceOptions } from "./options.js";

export interface SentenceDetectorParams extends StageParams, SentenceOptions {
  /** Spark: one output row per sentence. Only `false` is supported (see UNSUPPORTED). */
  explodeSentences: boolean;
}

const PACKAGE = "@kindling/sentence";
const D = DEFAULT_SENTENCE_OPTIONS;

const SPECS: ParamSpecs<SentenceDetectorParams> = {
  inputCols: param<string[]>(["document"], "input columns: one column of document annotations"),
  outputCol: param("sentence", "output column of sentence annotations (annotator type document)"),
  useAbbreviations: param(D.useAbbreviations, "consult the abbreviation dictionaries (titles, Latin, clinical, units)", OPTION_CHECKS.useAbbreviations),
  detectLists: param(D.detectLists, "bullets, numbered and lettered items start sentences", OPTION_CHECKS.detectLists),
  customBounds: param<string[]>([...D.customBounds], "regular expressions whose matches split sentences", OPTION_CHECKS.customBounds),
  useCustomBoundsOnly: param(D.useCustomBoundsOnly, "split only at customBounds (ignored while customBounds is empty)", OPTION_CHECKS.useCustomBoundsOnly),
  customBoundsStrategy: param<CustomBoundsStrategy>(D.customBoundsStrategy, "none: drop the matched bound; prepend: it starts the next sentence; append: it ends the previous one", OPTION_CHECKS.customBoundsStrategy),
  splitLength: param<number | null>(D.splitLength, "cut sentences longer than this at whitespace (null: never)", OPTION_CHECKS.splitLength),
  minLength: param(D.minLength, "drop sentences shorter than this", OPTION_CHECKS.minLength),
  maxLength: param(D.maxLength, "drop sentences longer than this (after splitLength)", OPTION_CHECKS.maxLength),
  explodeSentences: param(false, "Spark: one output row per sentence; Kindling supports only false", (v) => (typeof v === "boolean" ? undefined : `must be a boolean, got ${JSON.stringify(v)}`)),
};

const EXPLODE_HINT =
  "a Kindling stage adds one column and cannot change the number of rows; every sentence of a document stays in its row, with metadata.sentence giving its index";

const UNSUPPORTED: Readonly<Record<string, string>> = {
  explodeSentences: EXPLODE_HINT,
  lazyAnnotator: "Kindling runs every stage eagerly",
};

/**
 * Spark NLP's SentenceDetector: rule-based (pragmatic) sentence boundaries, with rules for clinical notes
 * (section headers, bullet and numbered lists, short lines, clinical abbreviations). Reads document annotations
 * and writes one annotation per sentence, of annotator type "document" as in Spark, with offsets into the
 * original text and metadata `{ ...document metadata, sentence: "<index in the row>" }`.
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface SentenceDetector extends Accessors<Omit<SentenceDetectorParams, keyof StageParams>, SentenceDetector, "setLazyAnnotator"> {}

export class SentenceDetector extends AnnotatorModel<SentenceDetectorParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT] as const;
  readonly outputAnnotatorType = AnnotatorType.DOCUMENT;
  private compiled: SentenceSplitter | undefined;

  constructor(options?: Partial<SentenceDetectorParams>) {
    super(SPECS, options, UNSUPPORTED);
  }

  get stageName(): string {
    return "SentenceDetector";
  }

  get packageName(): string {
    return PACKAGE;
  }

  override set<K extends keyof SentenceDetectorParams>(name: K, value: SentenceDetectorParams[K]): this {
    if (name === "explodeSentences" && value === true) this.unsupported("explodeSentences");
    this.compiled = undefined;
    return super.set(name, value);
  }

  /** The splitter for the current params, compiled once; also checks the params that depend on each other. */
  splitter(): SentenceSplitter {
    if (!this.compiled) {
      const { inputCols: _inputs, outputCol: _output, explodeSentences: _explode, ...options } = this.paramValues();
      try {
        this.compiled = compileSentenceSplitter(options);
      } catch (e) {
        if (e instanceof SentenceOptionError) throw new ParamError(this.stageName, e.option, e.problem);
        throw e;
      }
    }
    return this.compiled;
  }

  override transformSchema(schema: ColumnSchema): ColumnSchema {
    this.splitter();
    return super.transformSchema(schema);
  }

  annotate([documents]: RowInputs): Annotation[] {
    const split = this.splitter();
    const out: Annotation[] = [];
    for (const doc of documents!) {
      const text = doc.result;
      for (const span of split(text)) {
        out.push(
          makeAnnotation(AnnotatorType.DOCUMENT, doc.begin + span.begin, doc.begin + span.end, text.slice(span.begin, span.end + 1), {
            ...doc.metadata,
            sentence: String(out.length),
          }),
        );
      }
    }
    return out;
  }

  setLazyAnnotator(_value: boolean): never {
    return this.unsupported("lazyAnnotator");
  }
}

defineAccessors(SentenceDetector, Object.keys(SPECS));

registerStage("SentenceDetector", { packageName: PACKAGE, load: (params) => new SentenceDetector(params) });
