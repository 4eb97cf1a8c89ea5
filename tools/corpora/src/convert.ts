import { writeConll, type ConllWriteDocument } from "@kindling/training";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { assignBio, countChunks, emptyAlignmentCounts, type AlignmentCounts } from "./bio.js";
import { loadSource, type SourceDefinition } from "./sources.js";
import type { SpanPolicyCounts } from "./span-policy.js";
import type { KindlingTokenizer } from "./tokenize.js";
import { CORPUS_LABELS, SPLITS, type CorpusLabel, type Split } from "./types.js";

export interface SplitCounts {
  file: string;
  documents: number;
  sentences: number;
  tokens: number;
  /** Spans after the span policy, per label. */
  spans: Record<CorpusLabel, number>;
  /** Chunks written (`B-` tags) per label: more than spans when a span crosses a sentence boundary. */
  chunks: Record<CorpusLabel, number>;
  /** Tokens with whitespace inside (written with U+00A0 in its place). */
  tokensWithSpaces: number;
}

export interface SourceReport {
  name: string;
  annotatedLabels: readonly CorpusLabel[];
  /** The source whose documents this auxiliary source labels again (see SourceDefinition). */
  auxiliaryOf?: string;
  splits: Partial<Record<Split, SplitCounts>>;
  spanPolicy: SpanPolicyCounts;
  alignment: AlignmentCounts;
}

const perLabel = () => Object.fromEntries(CORPUS_LABELS.map((l) => [l, 0])) as Record<CorpusLabel, number>;

/** The CoNLL file name of one source and split: `<source>.<split>.conll`. */
export function conllFileName(source: string, split: Split): string {
  return `${source}.${split}.conll`;
}

/**
 * Reads, normalises, tokenises and tags one source, and writes one CoNLL file per split it has into `outDir`.
 * Documents keep their corpus order; a document that yields no tokens is still written (as an empty document)
 * so document indices match the corpus.
 */
export async function convertSource(source: SourceDefinition, nerDir: string, outDir: string, tokenizer: KindlingTokenizer): Promise<SourceReport> {
  const { documents, policy } = await loadSource(source, nerDir);
  const alignment = emptyAlignmentCounts();
  const report: SourceReport = { name: source.name, annotatedLabels: source.annotatedLabels, ...(source.auxiliaryOf ? { auxiliaryOf: source.auxiliaryOf } : {}), splits: {}, spanPolicy: policy, alignment };
  await mkdir(outDir, { recursive: true });
  for (const split of SPLITS) {
    const docs = documents.filter((d) => d.split === split);
    if (docs.length === 0) continue;
    const tokenized = await tokenizer.tokenize(docs.map((d) => d.text));
    const counts: SplitCounts = { file: conllFileName(source.name, split), documents: docs.length, sentences: 0, tokens: 0, spans: perLabel(), chunks: perLabel(), tokensWithSpaces: 0 };
    const conllDocs: ConllWriteDocument[] = docs.map((doc, i) => {
      const sentences = tokenized[i]!;
      const tags = assignBio(sentences, doc.spans, alignment);
      for (const span of doc.spans) counts.spans[span.label]++;
      countChunks(tags, counts.chunks);
      counts.sentences += sentences.length;
      return {
        sentences: sentences.map((s, k) => {
          counts.tokens += s.tokens.length;
          for (const t of s.tokens) if (/\s/u.test(t.text)) counts.tokensWithSpaces++;
          return { tokens: s.tokens.map((t) => t.text), tags: tags[k]! };
        }),
      };
    });
    await writeConll(join(outDir, counts.file), conllDocs);
    report.splits[split] = counts;
  }
  return report;
}
