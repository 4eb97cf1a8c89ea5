#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { convertSource, type SourceReport } from "./convert.js";
import { generatedBy, writeManifestAndCounts } from "./manifest.js";
import { DATA_DIR, DEFAULT_CONLL_OUT, DEFAULT_TOKENS_OUT } from "./paths.js";
import { formatReport } from "./report.js";
import { sourceByName, SOURCES, type SourceDefinition } from "./sources.js";
import { listTextCorpora, tokenCorpusInfoPath, writeTokenCorpus } from "./text-tokens.js";
import { KindlingTokenizer, type TokenizerOptions } from "./tokenize.js";

function parseSources(value: string): SourceDefinition[] {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError("give at least one source name");
  try {
    return names.map(sourceByName);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

const seconds = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

async function convertCorpora(sources: readonly SourceDefinition[], dataDir: string, outDir: string, options: TokenizerOptions): Promise<void> {
  const start = performance.now();
  const tokenizer = await KindlingTokenizer.create(options);
  const reports: SourceReport[] = [];
  for (const source of sources) {
    const t0 = performance.now();
    reports.push(await convertSource(source, join(dataDir, "ner"), outDir, tokenizer));
    console.error(`${source.name}: ${seconds(t0)}`);
  }
  await writeManifestAndCounts(outDir, reports, generatedBy(tokenizer.description));
  console.log(formatReport(reports));
  console.log(`\nwrote ${outDir} (manifest.json, counts.json) in ${seconds(start)}`);
}

async function tokensOnly(dataDir: string, outPath: string, options: TokenizerOptions): Promise<void> {
  const start = performance.now();
  const files = await listTextCorpora(join(dataDir, "text"));
  if (files.length === 0) throw new Error(`no *.txt.gz corpora in ${join(dataDir, "text")}`);
  const tokenizer = await KindlingTokenizer.create(options);
  const counts = await writeTokenCorpus(files, outPath, tokenizer);
  // Beside the text, how it was tokenised: tools/train/vectors.py copies it into the vectors' metadata.
  await writeFile(tokenCorpusInfoPath(outPath), JSON.stringify({ generatedBy: generatedBy(tokenizer.description), ...counts }, null, 2) + "\n");
  for (const f of counts.files) console.log(`${f.file}: ${f.documents} documents, ${f.sentences} sentences, ${f.tokens} tokens`);
  console.log(`wrote ${outPath}: ${counts.sentences} sentences, ${counts.tokens} tokens in ${seconds(start)}`);
}

const program = new Command()
  .name("kindling-corpora")
  .description("Convert shared/data/ner corpora to CoNLL training files tokenised by Kindling's own pipeline")
  .option("--out <dir>", "output directory of the CoNLL files, manifest.json and counts.json", DEFAULT_CONLL_OUT)
  .option("--sources <names>", `comma-separated sources (default: all of ${SOURCES.map((s) => s.name).join(", ")})`, parseSources)
  .option("--data <dir>", "the shared data directory (holding ner/ and text/)", DATA_DIR)
  .option("--tokens-only", "instead: tokenise the plain-text corpora (data/text/*.txt.gz, not MTSamples) for word vectors")
  .option("--tokens-out <file>", "output of --tokens-only: one sentence per line, gzip", DEFAULT_TOKENS_OUT)
  .option("--split-pattern <regex>", "the Tokenizer's splitPattern (default: unset, as the shipped model runs); e.g. '(?<=[-/])|(?=[-/])' keeps hyphens and slashes as tokens of their own")
  .action(async (opts: { out: string; sources?: SourceDefinition[]; data: string; tokensOnly?: boolean; tokensOut: string; splitPattern?: string }) => {
    const options: TokenizerOptions = opts.splitPattern === undefined ? {} : { splitPattern: opts.splitPattern };
    if (opts.tokensOnly) await tokensOnly(resolve(opts.data), resolve(opts.tokensOut), options);
    else await convertCorpora(opts.sources ?? SOURCES, resolve(opts.data), resolve(opts.out), options);
  });

program.parseAsync().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
