// Sentence + token throughput of Kindling's rule-based stages against wink-nlp on MTSamples, and sentence
// boundary F1 of both on MACCROBAT. Timings compare within this one run; the machine is recorded with them.
import { AnnotationBatch, Pipeline, StageTimings } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { tableFromArrays } from "apache-arrow";
import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";
import { readMaccrobatSentences, readMtsamples, whitespaceTokens } from "./data.mjs";

const BATCH = 512;

async function kindlingModel() {
  return new Pipeline([
    new DocumentAssembler().setInputCol("text").setOutputCol("document"),
    new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
    new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
  ]).fit();
}

function winkPipeline() {
  // Only sentence boundary detection on top of tokenisation: the same work Kindling's two stages do.
  return winkNLP(model, ["sbd"]);
}

/** Runs `fn` over the notes `rounds` times after a warm-up; returns the best wall time in ms. */
async function best(rounds, fn) {
  await fn();
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

async function kindlingRun(pipeline, notes) {
  let sentences = 0;
  let tokens = 0;
  for (let i = 0; i < notes.length; i += BATCH) {
    const batch = AnnotationBatch.fromColumns({ text: notes.slice(i, i + BATCH) });
    await pipeline.transformBatch(batch);
    for (const row of batch.annotations("sentence")) sentences += row.length;
    for (const row of batch.annotations("token")) tokens += row.length;
  }
  return { sentences, tokens };
}

function winkRun(nlp, notes) {
  let sentences = 0;
  let tokens = 0;
  for (const note of notes) {
    const doc = nlp.readDoc(note);
    sentences += doc.sentences().length();
    tokens += doc.tokens().length();
  }
  return { sentences, tokens };
}

/** Character offsets of wink's sentence ends, rebuilt from token values and their preceding spaces. */
function winkSentenceEnds(nlp, text) {
  const its = nlp.its;
  const doc = nlp.readDoc(text);
  const values = doc.tokens().out(its.value);
  const spaces = doc.tokens().out(its.precedingSpaces);
  const tokenEnd = [];
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    pos += spaces[i].length + values[i].length;
    tokenEnd.push(pos);
  }
  return doc.sentences().out(its.span).map(([, last]) => tokenEnd[last]);
}

/** Boundary F1: a boundary is the end offset of a sentence other than the document's last. */
async function boundaryScores(documents, predictEnds) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const sentences of documents) {
    const text = sentences.join(" ");
    const gold = new Set();
    let pos = 0;
    for (const s of sentences.slice(0, -1)) {
      pos += s.length;
      gold.add(pos);
      pos += 1;
    }
    const predicted = new Set((await predictEnds(text)).filter((e) => e < text.trimEnd().length));
    for (const e of predicted) (gold.has(e) ? tp++ : fp++);
    for (const e of gold) if (!predicted.has(e)) fn++;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall), boundaries: tp + fn };
}

export async function benchTokenization({ rounds = 3 } = {}) {
  const notes = await readMtsamples();
  const wsTokens = whitespaceTokens(notes);
  const pipeline = await kindlingModel();
  const nlp = winkPipeline();

  let kindlingCounts;
  const kindlingMs = await best(rounds, async () => {
    kindlingCounts = await kindlingRun(pipeline, notes);
  });
  let winkCounts;
  const winkMs = await best(rounds, () => {
    winkCounts = winkRun(nlp, notes);
  });

  // Arrow end to end: the same stages over an Arrow table, with the encoding step timed on its own.
  const timings = new StageTimings();
  const table = tableFromArrays({ text: notes });
  const arrowStart = performance.now();
  const out = await pipeline.transform(table, { timings });
  const arrowMs = performance.now() - arrowStart;

  const maccrobat = readMaccrobatSentences();
  const kindlingF1 = await boundaryScores(maccrobat, async (text) => {
    const batch = await pipeline.transformBatch(AnnotationBatch.fromColumns({ text: [text] }));
    return batch.annotations("sentence")[0].map((s) => s.end + 1);
  });
  const winkF1 = await boundaryScores(maccrobat, (text) => winkSentenceEnds(nlp, text));

  return {
    notes: notes.length,
    whitespace_tokens: wsTokens,
    kindling: {
      ms: kindlingMs,
      tokens_per_s: (wsTokens / kindlingMs) * 1000,
      sentences: kindlingCounts.sentences,
      tokens: kindlingCounts.tokens,
    },
    wink: { ms: winkMs, tokens_per_s: (wsTokens / winkMs) * 1000, sentences: winkCounts.sentences, tokens: winkCounts.tokens },
    arrow: { ms: arrowMs, tokens_per_s: (wsTokens / arrowMs) * 1000, rows: out.numRows, stage_ms: timings.toJSON() },
    maccrobat_boundaries: { documents: maccrobat.length, kindling: kindlingF1, wink: winkF1 },
  };
}
