import { AnnotatorType } from "@kindling/annotation";
import { AnnotatorApproach, NotSupportedError, ParamError, registerStage, type AnnotationBatch } from "@kindling/core";
import { readFile } from "node:fs/promises";
import { PACKAGE_NAME, TokenizerModel } from "./model.js";
import { APPROACH_SPECS, APPROACH_UNSUPPORTED, type TokenizerModelParams, type TokenizerParams } from "./params.js";

/**
 * Spark NLP's Tokenizer: an AnnotatorApproach whose `fit` builds the rules (prefix/infix/suffix from the
 * context characters or the patterns given) and returns a {@link TokenizerModel}. Fitting reads no data.
 */
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

  setTargetPattern(value: string): this {
    return this.set("targetPattern", value);
  }
  getTargetPattern(): string {
    return this.get("targetPattern");
  }
  setContextChars(value: string[]): this {
    return this.set("contextChars", value);
  }
  addContextChars(value: string): this {
    return this.set("contextChars", [...this.get("contextChars"), value]);
  }
  getContextChars(): string[] {
    return this.get("contextChars");
  }
  setPrefixPattern(value: string): this {
    return this.set("prefixPattern", value);
  }
  getPrefixPattern(): string | null {
    return this.get("prefixPattern");
  }
  setSuffixPattern(value: string): this {
    return this.set("suffixPattern", value);
  }
  getSuffixPattern(): string | null {
    return this.get("suffixPattern");
  }
  setInfixPatterns(value: string[]): this {
    return this.set("infixPatterns", value);
  }
  /**
   * Puts a pattern in front of the infix rules. As in Spark NLP, when no infix patterns were set the list
   * becomes just this pattern: the default infix (which splits "pain." into "pain" ".") is then no longer used.
   */
  addInfixPattern(value: string): this {
    return this.set("infixPatterns", [value, ...this.get("infixPatterns")]);
  }
  getInfixPatterns(): string[] {
    return this.get("infixPatterns");
  }
  setSplitPattern(value: string): this {
    return this.set("splitPattern", value);
  }
  getSplitPattern(): string | null {
    return this.get("splitPattern");
  }
  setSplitChars(value: string[]): this {
    return this.set("splitChars", value);
  }
  addSplitChars(value: string): this {
    return this.set("splitChars", [...this.get("splitChars"), value]);
  }
  getSplitChars(): string[] {
    return this.get("splitChars");
  }
  setExceptions(value: string[]): this {
    return this.set("exceptions", value);
  }
  addException(value: string): this {
    return this.set("exceptions", [...this.get("exceptions"), value]);
  }
  getExceptions(): string[] {
    return this.get("exceptions");
  }
  /** Spark's ReadAs.TEXT only: one exception per line. */
  setExceptionsPath(path: string, readAs: "TEXT" | "SPARK" = "TEXT"): this {
    if (readAs !== "TEXT") throw new NotSupportedError(this.stageName, "exceptionsPath", "only readAs TEXT (a local text file) is supported");
    return this.set("exceptionsPath", path);
  }
  getExceptionsPath(): string | null {
    return this.get("exceptionsPath");
  }
  setCaseSensitiveExceptions(value: boolean): this {
    return this.set("caseSensitiveExceptions", value);
  }
  getCaseSensitiveExceptions(): boolean {
    return this.get("caseSensitiveExceptions");
  }
  setMinLength(value: number): this {
    return this.set("minLength", value);
  }
  getMinLength(): number {
    return this.get("minLength");
  }
  setMaxLength(value: number): this {
    return this.set("maxLength", value);
  }
  getMaxLength(): number {
    return this.get("maxLength");
  }
  // Kindling additions.
  setPlaceholderPatterns(value: string[]): this {
    return this.set("placeholderPatterns", value);
  }
  getPlaceholderPatterns(): string[] {
    return this.get("placeholderPatterns");
  }
  setAbbreviations(value: string[]): this {
    return this.set("abbreviations", value);
  }
  getAbbreviations(): string[] {
    return this.get("abbreviations");
  }
  setKeepInitialismPeriods(value: boolean): this {
    return this.set("keepInitialismPeriods", value);
  }
  getKeepInitialismPeriods(): boolean {
    return this.get("keepInitialismPeriods");
  }
  // Spark NLP params Kindling does not implement.
  setLazyAnnotator(_value: boolean): never {
    return this.unsupported("lazyAnnotator");
  }
}

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
