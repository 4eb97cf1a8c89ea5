import { conllSafeToken } from "@kindling/training";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { once } from "node:events";
import { gunzipSync, createGzip } from "node:zlib";
import type { KindlingTokenizer } from "./tokenize.js";

/** The embedding-training corpora: every `*.txt.gz` directly in the text folder. MTSamples (benchmark only, in its own folder) never. */
export async function listTextCorpora(textDir: string): Promise<string[]> {
  const names = (await readdir(textDir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith(".txt.gz") && !e.name.toLowerCase().includes("mtsamples"))
    .map((e) => e.name)
    .sort();
  return names.map((n) => join(textDir, n));
}

export interface TokenCorpusCounts {
  files: { file: string; documents: number; sentences: number; tokens: number }[];
  sentences: number;
  tokens: number;
}

/** One output line: a sentence's tokens separated by single spaces, inner whitespace of a token as U+00A0. */
export function sentenceLine(tokens: readonly { text: string }[]): string {
  return tokens.map((t) => conllSafeToken(t.text)).join(" ");
}

const LINES_PER_CHUNK = 2048;

/** The JSON written beside a token corpus (`tokens.txt.gz` → `tokens.txt.gz.json`): its tokeniser and counts. */
export function tokenCorpusInfoPath(corpusPath: string): string {
  return `${corpusPath}.json`;
}

/**
 * Tokenises the plain-text corpora (one document per line) with Kindling's pipeline and writes one sentence per
 * line to a gzip file: the input of the word-vector trainer, so its vocabulary holds exactly the runtime's tokens.
 */
export async function writeTokenCorpus(files: readonly string[], outPath: string, tokenizer: KindlingTokenizer): Promise<TokenCorpusCounts> {
  await mkdir(dirname(outPath), { recursive: true });
  const gzip = createGzip({ level: 6 });
  const sink = createWriteStream(outPath);
  gzip.pipe(sink);
  const finished = once(sink, "close");
  const counts: TokenCorpusCounts = { files: [], sentences: 0, tokens: 0 };
  for (const file of files) {
    const documents = gunzipSync(await readFile(file)).toString("utf8").split("\n").filter((l) => l.length > 0);
    const perFile = { file, documents: documents.length, sentences: 0, tokens: 0 };
    for (let from = 0; from < documents.length; from += LINES_PER_CHUNK) {
      const tokenized = await tokenizer.tokenize(documents.slice(from, from + LINES_PER_CHUNK));
      let chunk = "";
      for (const sentences of tokenized) {
        for (const s of sentences) {
          chunk += sentenceLine(s.tokens) + "\n";
          perFile.sentences++;
          perFile.tokens += s.tokens.length;
        }
      }
      if (!gzip.write(chunk)) await once(gzip, "drain");
    }
    counts.files.push(perFile);
    counts.sentences += perFile.sentences;
    counts.tokens += perFile.tokens;
  }
  gzip.end();
  await finished;
  return counts;
}
