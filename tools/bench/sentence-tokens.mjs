// The PyTorch peer's input: every note's sentences as Kindling tokenises them, one JSON line per note, grouped into
// sentences exactly as MedicalNerModel groups them and written as the strings the model looks up (conllSafeToken).
import { conllSafeToken } from "@kindling/annotation";
import { AnnotationBatch, Pipeline } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { createWriteStream } from "node:fs";
import { once } from "node:events";

/**
 * A row's tokens per sentence, as MedicalNerModel.sentenceJobs forms them: a sentence owns the tokens that begin at
 * or before its end; sentences without tokens are skipped; tokens after the last sentence form one more.
 */
export function sentenceTokens(sentences, tokens) {
  const out = [];
  let t = 0;
  for (let s = 0; s < sentences.length && t < tokens.length; s++) {
    const from = t;
    while (t < tokens.length && tokens[t].begin <= sentences[s].end) t++;
    if (t > from) out.push(tokens.slice(from, t).map((tok) => conllSafeToken(tok.result)));
  }
  if (t < tokens.length) out.push(tokens.slice(t).map((tok) => conllSafeToken(tok.result)));
  return out;
}

/** Writes `path` (JSONL, one note per line); returns the number of sentences and tokens written. */
export async function writeSentenceTokens(notes, path, batchRows = 512) {
  const pipeline = await new Pipeline([
    new DocumentAssembler().setInputCol("text").setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  ]).fit();
  const file = createWriteStream(path, "utf8");
  let sentences = 0;
  let tokens = 0;
  for (let i = 0; i < notes.length; i += batchRows) {
    const batch = await pipeline.transformBatch(AnnotationBatch.fromColumns({ text: notes.slice(i, i + batchRows) }));
    const sentenceRows = batch.annotations("sentence");
    const tokenRows = batch.annotations("token");
    let lines = "";
    for (let r = 0; r < batch.numRows; r++) {
      const grouped = sentenceTokens(sentenceRows[r], tokenRows[r]);
      sentences += grouped.length;
      for (const s of grouped) tokens += s.length;
      lines += JSON.stringify(grouped) + "\n";
    }
    if (!file.write(lines)) await once(file, "drain");
  }
  file.end();
  await once(file, "finish");
  return { sentences, tokens };
}
