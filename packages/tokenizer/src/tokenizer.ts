import { AnnotatorType } from "@kindling/annotation";
import { AnnotatorApproach, defineAccessors, NotSupportedError, ParamError, registerStage, type Accessors, type AnnotationBatch, type StageParams } from "@kindling/core";
import { readFile } from "node:fs/promises";
import { PACKAGE_NAME, TokenizerModel } from "./model.js";
import { APPROACH_SPECS, APPROACH_UNSUPPORTED, type TokenizerModelParams, type TokenizerParams } from "./params.js";

/**
 * Spark NLP's Tokenizer: an AnnotatorApproach whose `fit` builds the rules (prefix/infix/suffix from the
 * context characters or the patterns given) and returns a {@link TokenizerModel}. Fitting reads no data.
 */
/** Spark-style `setX`/`getX` for every param (installed below); `setExceptionsPath` and the `add*` helpers are its own. */
export interface Tokenizer extends Accessors<Omit<TokenizerParams, keyof StageParams>, Tokenizer, "setExceptionsPath" | "setLazyAnnotator"> {}

export class Tokenizer extends AnnotatorApproach<TokenizerParams, TokenizerModel> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT] as const;
  readonly outputAnnotatorType = AnnotatorType.TOKEN;

  constructor(options?: Partial<TokenizerParams>) {
    super(APPROACH_SPECS, options, APPROACH_UNSUPPORTED);
  }

  /**
   * A Tokenizer without Kindling's additions (placeholders, abbreviations, initialisms), which then tokenises
   * exactly as Spark NLP's defaults do.
   */
  static sparkCompatible(options?: Partial<TokenizerParams>): Tokenizer {
    return new Tokenizer({ placeholderPatterns: [], abbreviations: [], keepInitialismPeriods: false, ...options });
  }

  get stageName(): string {
    return "Tokenizer";
  }

  get packageName(): string {
    return PACKAGE_NAME;
  }

  /** Builds the model: merges exceptionsPath into exceptions and compiles the rules once, so bad params fail here. */
  async fit(_dataset?: AnnotationBatch): Promise<TokenizerModel> {
    const { exceptionsPath, ...params } = this.paramValues();
    const fromFile = exceptionsPath === null ? [] : await readExceptions(exceptionsPath, this.stageName);
    const modelParams: TokenizerModelParams = { ...params, exceptions: [...fromFile, ...params.exceptions] };
    let model: TokenizerModel;
    try {
      model = new TokenizerModel(modelParams);
    } catch (e) {
      if (fromFile.length > 0 && e instanceof ParamError) throw new ParamError(this.stageName, "exceptionsPath", `(${exceptionsPath}) has a bad line: ${e.message}`);
      throw e;
    }
    void model.compiled;
    return model;
  }

  addContextChars(value: string): this {
    return this.set("contextChars", [...this.get("contextChars"), value]);
  }
  /**
   * Puts a pattern in front of the infix rules. As in Spark NLP, when no infix patterns were set the list
   * becomes just this pattern: the default infix (which splits "pain." into "pain" ".") is then no longer used.
   */
  addInfixPattern(value: string): this {
    return this.set("infixPatterns", [value, ...this.get("infixPatterns")]);
  }
  addSplitChars(value: string): this {
    return this.set("splitChars", [...this.get("splitChars"), value]);
  }
  addException(value: string): this {
    return this.set("exceptions", [...this.get("exceptions"), value]);
  }
  /** Spark's ReadAs.TEXT only: one exception per line. */
  setExceptionsPath(path: string, readAs: "TEXT" | "SPARK" = "TEXT"): this {
    if (readAs !== "TEXT") throw new NotSupportedError(this.stageName, "exceptionsPath", "only readAs TEXT (a local text file) is supported");
    return this.set("exceptionsPath", path);
  }
  // Spark NLP params Kindling does not implement.
  setLazyAnnotator(_value: boolean): never {
    return this.unsupported("lazyAnnotator");
  }
}

defineAccessors(Tokenizer, Object.keys(APPROACH_SPECS));

async function readExceptions(path: string, stage: string): Promise<string[]> {
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch (e) {
    throw new ParamError(stage, "exceptionsPath", `cannot be read: ${(e as Error).message}`);
  }
  return content.split(/\r?\n/).filter((line) => line.length > 0);
}

registerStage("Tokenizer", { packageName: PACKAGE_NAME, load: (params) => new Tokenizer(params as Partial<TokenizerParams>) });
