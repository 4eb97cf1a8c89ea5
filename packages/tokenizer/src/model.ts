import { AnnotatorType, NO_EMBEDDINGS, type Annotation } from "@kindling/annotation";
import { AnnotatorModel, defineAccessors, registerStage, type Accessors, type RowInputs, type StageParams } from "@kindling/core";
import { MODEL_SPECS, MODEL_UNSUPPORTED, type TokenizerModelParams } from "./params.js";
import { CompiledTokenizer } from "./rules.js";
import { scanTokens } from "./scan.js";

export const PACKAGE_NAME = "@kindling/tokenizer";

/**
 * Spark NLP's TokenizerModel (what `Tokenizer.fit` returns): splits each input sentence (annotator type
 * "document") into "token" annotations whose offsets point into the original document and whose metadata is
 * `{ sentence }`: the sentence's own `metadata.sentence`, or its index in the row.
 */
/** Spark-style `setX`/`getX` for every param, installed below. */
export interface TokenizerModel extends Accessors<Omit<TokenizerModelParams, keyof StageParams>, TokenizerModel, "setLazyAnnotator"> {}

export class TokenizerModel extends AnnotatorModel<TokenizerModelParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT] as const;
  readonly outputAnnotatorType = AnnotatorType.TOKEN;

  private compiledRules: CompiledTokenizer | undefined;
  /** Reused offset buffer: annotate is synchronous, so one per model is enough. */
  private readonly offsets: number[] = [];

  constructor(options?: Partial<TokenizerModelParams>) {
    super(MODEL_SPECS, options, MODEL_UNSUPPORTED);
  }

  get stageName(): string {
    return "TokenizerModel";
  }

  get packageName(): string {
    return PACKAGE_NAME;
  }

  /** The params compiled into character tables and regexes, built once and rebuilt only after a param changes. */
  get compiled(): CompiledTokenizer {
    this.compiledRules ??= new CompiledTokenizer(this.paramValues(), this.stageName);
    return this.compiledRules;
  }

  override set<K extends keyof TokenizerModelParams>(name: K, value: TokenizerModelParams[K]): this {
    super.set(name, value);
    this.compiledRules = undefined;
    return this;
  }

  annotate(inputs: RowInputs): Annotation[] {
    const sentences = inputs[0] ?? [];
    const rules = this.compiled;
    const offsets = this.offsets;
    const tokens: Annotation[] = [];
    for (let i = 0; i < sentences.length; i++) {
      const sentence = sentences[i]!;
      const text = sentence.result;
      if (typeof text !== "string") throw new TypeError(`sentence ${i} has a non-string result (${typeof text})`);
      if (!Number.isInteger(sentence.begin) || sentence.begin < 0) throw new RangeError(`sentence ${i} has an invalid begin offset ${sentence.begin}`);
      offsets.length = 0;
      scanTokens(text, rules, offsets);
      if (offsets.length === 0) continue;
      const metadata = Object.freeze({ sentence: sentence.metadata.sentence ?? String(i) });
      const base = sentence.begin;
      for (let k = 0; k < offsets.length; k += 2) {
        const start = offsets[k]!;
        const end = offsets[k + 1]!;
        // A literal of makeAnnotation's exact shape rather than a call: V8 decides per allocation site whether to
        // allocate straight into the old generation, and makeAnnotation's site is shared with long-lived
        // sentences, which made token allocation 2.5x slower on MTSamples.
        tokens.push({ annotatorType: AnnotatorType.TOKEN, begin: base + start, end: base + end - 1, result: text.slice(start, end), metadata, embeddings: NO_EMBEDDINGS });
      }
    }
    return tokens;
  }

  addSplitChars(value: string): this {
    return this.set("splitChars", [...this.get("splitChars"), value]);
  }
  // Spark NLP params Kindling does not implement.
  setRules(_ruleFactory: unknown): never {
    return this.unsupported("rules");
  }
  setLazyAnnotator(_value: boolean): never {
    return this.unsupported("lazyAnnotator");
  }
}

defineAccessors(TokenizerModel, Object.keys(MODEL_SPECS));

registerStage("TokenizerModel", { packageName: PACKAGE_NAME, load: (params) => new TokenizerModel(params as Partial<TokenizerModelParams>) });
