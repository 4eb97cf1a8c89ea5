import { AnnotatorType, type Annotation } from "@kindling/annotation";
import { type Accessors, AnnotatorModel, check, defineAccessors, param, type ParamSpecs, registerStage, type RowInputs, type StageParams } from "@kindling/core";
import { decodeIob, formatConfidence, tagSentences, type TaggedSentence } from "@kindling/ner-converter";
import { findDefinitions, type ShortFormLimits } from "./definitions.js";

export const PACKAGE_NAME = "@kindling/abbreviations";

export interface AbbreviationPropagatorParams extends StageParams {
  /** Shortest short form, in characters. */
  minShortFormLength: number;
  /** Longest short form, in characters. */
  maxShortFormLength: number;
  /** Only long forms with these labels pass theirs on (no IOB prefix); empty: every label. */
  labels: string[];
}

const SPECS: ParamSpecs<AbbreviationPropagatorParams> = {
  inputCols: param<string[]>(["sentence", "token", "ner"], "a document (sentence), a token and a named_entity column, in any order", check.stringList),
  outputCol: param<string>("ner_abbreviations", "column that receives the named_entity annotations, one per input tag"),
  minShortFormLength: param(2, "shortest short form (characters)", check.positiveInt),
  maxShortFormLength: param(10, "longest short form (characters)", check.positiveInt),
  labels: param<string[]>([], "labels a long form passes on to its short form (no IOB prefix); empty: every label", check.stringList),
};

/** The chunk the tagger gave a long form. */
interface LongForm {
  readonly label: string;
  readonly text: string;
  readonly confidence: number | undefined;
}

/** Why a tag changed, in the changed annotation's metadata. */
export const ABBREVIATION_OF = "abbreviationOf";

/**
 * A sentence-level tagger cannot see that "AKI", three sentences on, was defined as "acute kidney injury (AKI)".
 * This stage finds the document's definitions ("long form ( SF )", Schwartz & Hearst's matching) and, where the
 * tagger gave a chunk ending the long form a label, tags every untagged token equal to the short form with it:
 * `B-<label>`, metadata `abbreviationOf` (the long form's chunk) and `confidence` (that chunk's mean confidence,
 * when the tags carry confidences). The first definition of a short form in the document wins. Its output is a
 * `named_entity` column like the model's, one annotation per input tag, for NerConverter.
 *
 * On PubMed abstracts it recovers abbreviations defined elsewhere in the abstract (BC5CDR-disease +0.5 to +0.8 strict
 * F1 points on the final models); clinical visit notes rarely define abbreviations, and aci-dev is unchanged.
 */
/** Spark-style `setX`/`getX` for every param, installed by `defineAccessors` below the class. */
export interface AbbreviationPropagator extends Accessors<Omit<AbbreviationPropagatorParams, keyof StageParams>, AbbreviationPropagator, "setLabels"> {}

export class AbbreviationPropagator extends AnnotatorModel<AbbreviationPropagatorParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT, AnnotatorType.TOKEN, AnnotatorType.NAMED_ENTITY] as const;
  readonly outputAnnotatorType = AnnotatorType.NAMED_ENTITY;

  constructor(options?: Partial<AbbreviationPropagatorParams>) {
    super(SPECS, options);
  }

  get stageName(): string {
    return "AbbreviationPropagator";
  }

  get packageName(): string {
    return PACKAGE_NAME;
  }

  setLabels(labels: readonly string[] | string, ...more: string[]): this {
    return this.set("labels", typeof labels === "string" ? [labels, ...more] : [...labels, ...more]);
  }

  annotate([sentences, tokens, entities]: RowInputs): Annotation[] {
    const tagged = tagSentences(sentences!, tokens!, entities!);
    const longForms = this.longForms(tagged);
    if (longForms.size === 0) return [...entities!];
    // New tags by token begin: the short forms' own, and a B- for a chunk the new tag would otherwise swallow.
    const changed = new Map<number, { tag: string; metadata?: Record<string, string> }>();
    for (const sentence of tagged) {
      const tags = sentence.tokens.map((t) => t.tag);
      sentence.tokens.forEach((t, i) => {
        const longForm = longForms.get(t.token.result);
        if (!longForm || tags[i] !== "O") return;
        tags[i] = `B-${longForm.label}`;
        const metadata: Record<string, string> = { [ABBREVIATION_OF]: longForm.text };
        if (longForm.confidence !== undefined) metadata.confidence = formatConfidence(longForm.confidence);
        changed.set(t.token.begin, { tag: tags[i], metadata });
        const next = tags[i + 1];
        if (next?.startsWith("I-")) {
          tags[i + 1] = `B-${next.slice(2)}`;
          changed.set(sentence.tokens[i + 1]!.token.begin, { tag: tags[i + 1]! });
        }
      });
    }
    return entities!.map((e) => {
      const change = changed.get(e.begin);
      return change ? { ...e, result: change.tag, metadata: { ...e.metadata, ...change.metadata } } : e;
    });
  }

  /** Short form → the label, text and confidence of its long form's chunk, first definition first. */
  private longForms(tagged: readonly TaggedSentence[]): Map<string, LongForm> {
    const limits: ShortFormLimits = { minLength: this.get("minShortFormLength"), maxLength: this.get("maxShortFormLength") };
    const labels = new Set(this.get("labels"));
    const out = new Map<string, LongForm>();
    for (const sentence of tagged) {
      const words = sentence.tokens.map((t) => t.token.result);
      const definitions = findDefinitions(words, limits);
      if (definitions.length === 0) continue;
      const chunks = decodeIob(sentence.tokens.map((t) => t.tag));
      for (const d of definitions) {
        if (out.has(d.shortForm)) continue;
        const chunk = chunks.find((c) => c.last === d.longFormLast && c.first >= d.longFormFirst);
        if (!chunk || (labels.size > 0 && !labels.has(chunk.label))) continue;
        const first = sentence.tokens[chunk.first]!.token;
        const last = sentence.tokens[chunk.last]!.token;
        const text = sentence.sentence.result.slice(first.begin - sentence.sentence.begin, last.end - sentence.sentence.begin + 1);
        const confidences = sentence.tokens.slice(chunk.first, chunk.last + 1).flatMap((t) => (t.confidence === undefined ? [] : [t.confidence]));
        const confidence = confidences.length > 0 ? confidences.reduce((a, b) => a + b, 0) / confidences.length : undefined;
        out.set(d.shortForm, { label: chunk.label, text, confidence });
      }
    }
    return out;
  }
}

defineAccessors(AbbreviationPropagator, Object.keys(SPECS));

registerStage("AbbreviationPropagator", { packageName: PACKAGE_NAME, load: (params) => new AbbreviationPropagator(params as Partial<AbbreviationPropagatorParams>) });
