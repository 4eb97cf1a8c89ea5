import { type Accessors, defineAccessors, param, type ParamSpecs, registerStage, type StageParams } from "@kindling/core";
import { mergeChunks, type Chunk } from "./chunks.js";
import { ChunkConverter, NER_CONVERTER_SPECS, PACKAGE_NAME, type NerConverterParams } from "./ner-converter.js";
import { isBoolean, isFiniteNumber, isLabelMap, isStringList } from "./validate.js";

export interface NerConverterInternalParams extends NerConverterParams {
  /** Merge chunks of the same label on contiguous tokens, ignoring the B- that would split them. */
  greedyMode: boolean;
  /** Drop chunks whose mean token confidence is below this; chunks without confidence are kept. */
  threshold: number;
  /** Tokens that may sit between two chunks of the same label without splitting them: the chunks merge. */
  ignoreStopWords: string[];
  /** Label renames applied to every chunk before merging and filtering: `{ "PER": "PERSON" }`. */
  replaceLabels: Record<string, string>;
}

const SPECS: ParamSpecs<NerConverterInternalParams> = {
  ...NER_CONVERTER_SPECS,
  greedyMode: param(false, "merge adjacent chunks of the same label (ignore B- tags between them)", isBoolean),
  threshold: param(0, "drop chunks whose confidence (mean of their tokens') is below this", isFiniteNumber),
  ignoreStopWords: param<string[]>([], "tokens (exact text) that may separate two chunks of the same label, which then merge", isStringList),
  replaceLabels: param<Record<string, string>>({}, "map from NER label to the label the chunk gets", isLabelMap),
};

const UNSUPPORTED = {
  replaceDictResource: "read the CSV yourself and pass the pairs to setReplaceLabels",
  doExceptionHandling: "Kindling always fails with an error naming the row",
  allPossibleFieldsToStandard: "source-tracking metadata is not written",
  includeOutputColumn: "source-tracking metadata is not written",
  outputColumnKey: "source-tracking metadata is not written",
  includeStandardField: "source-tracking metadata is not written",
  standardFieldKey: "source-tracking metadata is not written",
};

/**
 * Spark NLP for Healthcare's NerConverterInternal: NerConverter plus label replacement, greedy merging of
 * adjacent same-label chunks, merging across stop words, and a confidence threshold. Steps, in order:
 * decode tags → replaceLabels → greedyMode / ignoreStopWords merges → whiteList / blackList → threshold →
 * number the chunks.
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface NerConverterInternal extends Accessors<Omit<NerConverterInternalParams, keyof StageParams>, NerConverterInternal, "setAllPossibleFieldsToStandard" | "setBlackList" | "setDoExceptionHandling" | "setIgnoreStopWords" | "setIncludeOutputColumn" | "setIncludeStandardField" | "setOutputColumnKey" | "setReplaceDictResource" | "setReplaceLabels" | "setStandardFieldKey" | "setWhiteList"> {}

export class NerConverterInternal extends ChunkConverter<NerConverterInternalParams> {
  constructor(options?: Partial<NerConverterInternalParams>) {
    super(SPECS, options, UNSUPPORTED);
  }

  get stageName(): string {
    return "NerConverterInternal";
  }

  setIgnoreStopWords(words: readonly string[]): this {
    return this.set("ignoreStopWords", [...words]);
  }
  setReplaceLabels(labels: Readonly<Record<string, string>> | ReadonlyMap<string, string>): this {
    return this.set("replaceLabels", labels instanceof Map ? Object.fromEntries(labels) : { ...labels });
  }
  setReplaceDictResource(..._args: unknown[]): never {
    return this.unsupported("replaceDictResource");
  }
  setDoExceptionHandling(_value: boolean): never {
    return this.unsupported("doExceptionHandling");
  }
  setAllPossibleFieldsToStandard(_value: boolean): never {
    return this.unsupported("allPossibleFieldsToStandard");
  }
  setIncludeOutputColumn(_value: boolean): never {
    return this.unsupported("includeOutputColumn");
  }
  setOutputColumnKey(_value: string): never {
    return this.unsupported("outputColumnKey");
  }
  setIncludeStandardField(_value: boolean): never {
    return this.unsupported("includeStandardField");
  }
  setStandardFieldKey(_value: string): never {
    return this.unsupported("standardFieldKey");
  }

  protected override refine(chunks: Chunk[]): Chunk[] {
    const replacements = this.get("replaceLabels");
    const relabelled = chunks.map((c) => (Object.hasOwn(replacements, c.label) ? { ...c, label: replacements[c.label]! } : c));
    const greedy = this.get("greedyMode");
    const stopWords = new Set(this.get("ignoreStopWords"));
    if (!greedy && stopWords.size === 0) return relabelled;
    return mergeChunks(relabelled, (gap) => (gap.length === 0 ? greedy : gap.every((t) => stopWords.has(t.token.result))));
  }

  protected override meetsThreshold(confidence: number | undefined): boolean {
    return confidence === undefined || confidence >= this.get("threshold");
  }
}

defineAccessors(NerConverterInternal, Object.keys(SPECS));

registerStage("NerConverterInternal", { packageName: PACKAGE_NAME, load: (params) => new NerConverterInternal(params as Partial<NerConverterInternalParams>) });
