import type { Annotation } from "@kindling/annotation";
import { AnnotationBatch, Pipeline, type PipelineModel } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";

/** A token as Kindling produces it: `begin`/`end` index the document text, `end` INCLUSIVE (annotation convention). */
export interface Token {
  readonly text: string;
  readonly begin: number;
  readonly end: number;
}

export interface TokenizedSentence {
  readonly begin: number;
  readonly end: number;
  readonly tokens: readonly Token[];
}

/** Rows per `transformBatch` call: large enough to amortise per-batch work, small enough to keep memory flat. */
export const BATCH_SIZE = 256;

export interface TokenizerOptions {
  /**
   * The Tokenizer's `splitPattern`: split tokens further from the inside. Unset for the shipped clinical model. The
   * published BiLSTM-CRF results on the PubMed corpora were measured on text split at every punctuation mark
   * ("morphine - induced"); a zero-width pattern such as `(?<=[-/])|(?=[-/])` keeps the marks as tokens of their own.
   */
  readonly splitPattern?: string;
}

/**
 * Kindling's own front end, exactly as the pretrained pipeline runs it: DocumentAssembler → SentenceDetector →
 * Tokenizer, default params unless `options` say otherwise (then a model trained on the output must run with the
 * same Tokenizer params). Training tokens must be the tokens inference sees.
 */
export class KindlingTokenizer {
  private constructor(
    private readonly model: PipelineModel,
    /** How the tokens were made, for manifest.json and counts.json. */
    readonly description: string,
  ) {}

  static async create(options: TokenizerOptions = {}): Promise<KindlingTokenizer> {
    const tokenizer = new Tokenizer();
    if (options.splitPattern !== undefined) tokenizer.setSplitPattern(options.splitPattern);
    const pipeline = new Pipeline([new DocumentAssembler(), new SentenceDetector(), tokenizer]);
    const params = options.splitPattern === undefined ? "default params" : `splitPattern ${JSON.stringify(options.splitPattern)}`;
    return new KindlingTokenizer(await pipeline.fit(), `Kindling DocumentAssembler → SentenceDetector → Tokenizer, ${params}`);
  }

  /** Sentences with their tokens, per text, in input order. Sentences without tokens are left out. */
  async tokenize(texts: readonly string[]): Promise<TokenizedSentence[][]> {
    const out: TokenizedSentence[][] = [];
    for (let from = 0; from < texts.length; from += BATCH_SIZE) {
      const batch = AnnotationBatch.fromColumns({ text: texts.slice(from, from + BATCH_SIZE) });
      await this.model.transformBatch(batch);
      const sentences = batch.annotations("sentence");
      const tokens = batch.annotations("token");
      for (let r = 0; r < batch.numRows; r++) out.push(groupBySentence(sentences[r]!, tokens[r]!));
    }
    return out;
  }
}

/**
 * Puts each token in the sentence whose range contains it, by offsets (both lists are in text order), rather than
 * trusting token metadata. A token outside every sentence would be silently lost from training, so it throws.
 */
export function groupBySentence(sentences: readonly Annotation[], tokens: readonly Annotation[]): TokenizedSentence[] {
  const out: TokenizedSentence[] = [];
  let t = 0;
  for (const s of sentences) {
    if (t < tokens.length && tokens[t]!.begin < s.begin) throw orphan(tokens[t]!);
    const inside: Token[] = [];
    while (t < tokens.length && tokens[t]!.end <= s.end) {
      const tok = tokens[t++]!;
      inside.push({ text: tok.result, begin: tok.begin, end: tok.end });
    }
    if (inside.length > 0) out.push({ begin: s.begin, end: s.end, tokens: inside });
  }
  if (t < tokens.length) throw orphan(tokens[t]!);
  return out;
}

function orphan(token: Annotation): Error {
  return new Error(`token ${JSON.stringify(token.result)} at ${token.begin}-${token.end} lies outside every sentence`);
}
