// Sentence-boundary F1 on MACCROBAT 2020, whose .txt files hold one sentence per line. The lines of a document
// are joined with one space and re-split; predicted sentence ends are compared with the gold ones (a
// document's final end is not counted: every splitter finds it).
//
//   npm run build && node scripts/maccrobat-f1.mjs [--errors N]
//
// test/maccrobat.test.ts imports `scoreMaccrobat` to hold the score above a floor.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const MACCROBAT_DIR = resolve(here, "../../../../shared/data/ner/maccrobat2020/brat");

/** Scores `detect(text) -> [{begin, end}]` (end inclusive) on every document of `dir`. */
export function scoreMaccrobat(detect, dir = MACCROBAT_DIR) {
  let correct = 0;
  let gold = 0;
  let predicted = 0;
  let exactSentences = 0;
  let goldSentences = 0;
  const falsePositives = [];
  const falseNegatives = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".txt")).sort()) {
    const lines = readFileSync(join(dir, file), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const text = lines.join(" ");
    const goldEnds = new Set();
    const goldSpans = new Set();
    let offset = 0;
    for (const line of lines) {
      goldEnds.add(offset + line.length - 1);
      goldSpans.add(`${offset}:${offset + line.length - 1}`);
      offset += line.length + 1;
    }
    goldEnds.delete(text.length - 1);
    const spans = detect(text);
    const predictedEnds = new Set(spans.map((s) => s.end));
    predictedEnds.delete(text.length - 1);
    goldSentences += goldSpans.size;
    for (const s of spans) if (goldSpans.has(`${s.begin}:${s.end}`)) exactSentences++;
    gold += goldEnds.size;
    predicted += predictedEnds.size;
    const context = (end) => `${file}: …${text.slice(Math.max(0, end - 50), end + 1)} ‖ ${text.slice(end + 1, end + 40)}…`;
    for (const end of predictedEnds) {
      if (goldEnds.has(end)) correct++;
      else falsePositives.push(context(end));
    }
    for (const end of goldEnds) if (!predictedEnds.has(end)) falseNegatives.push(context(end));
  }
  const precision = correct / predicted;
  const recall = correct / gold;
  return {
    gold,
    predicted,
    correct,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    exactSentences,
    goldSentences,
    falsePositives,
    falseNegatives,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { detectSentences } = await import("../dist/index.js");
  const errorsArg = process.argv.indexOf("--errors");
  const showErrors = errorsArg > 0 ? Number(process.argv[errorsArg + 1] ?? 20) : 0;
  const s = scoreMaccrobat((text) => detectSentences(text));
  const pct = (x) => (100 * x).toFixed(2);
  console.log(`MACCROBAT 2020 sentence boundaries: gold ${s.gold}, predicted ${s.predicted}, correct ${s.correct}`);
  console.log(`precision ${pct(s.precision)}%  recall ${pct(s.recall)}%  F1 ${pct(s.f1)}%`);
  console.log(`exact sentences ${s.exactSentences}/${s.goldSentences} (${pct(s.exactSentences / s.goldSentences)}%)`);
  if (showErrors > 0) {
    console.log(`\nfalse positives (${s.falsePositives.length}):`);
    for (const e of s.falsePositives.slice(0, showErrors)) console.log("  " + e);
    console.log(`\nfalse negatives (${s.falseNegatives.length}):`);
    for (const e of s.falseNegatives.slice(0, showErrors)) console.log("  " + e);
  }
}
