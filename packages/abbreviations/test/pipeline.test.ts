import { AnnotationBatch, LightPipeline, Pipeline, PipelineModel } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";
import { WordEmbeddingsModel } from "@kindling/embeddings";
import { modelCardNote, sharedPath } from "@kindling/fixtures";
import { MedicalNerModel } from "@kindling/medical-ner";
import { NerConverter } from "@kindling/ner-converter";
import { SentenceDetector } from "@kindling/sentence";
import { Tokenizer } from "@kindling/tokenizer";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ABBREVIATION_OF, AbbreviationPropagator, findDefinitions } from "../src/index.js";

/** Titles + abstracts of the BC5CDR test split, read in place from ../shared (PubTator: "<pmid>|t|..." and "|a|"). */
async function bc5cdrAbstracts(limit: number): Promise<string[]> {
  const lines = (await readFile(sharedPath("data", "ner", "bc5cdr", "CDR_TestSet.PubTator.txt"), "utf8")).split("\n");
  const titles = lines.filter((l) => /^\d+\|t\|/.test(l)).map((l) => l.split("|").slice(2).join("|"));
  const abstracts = lines.filter((l) => /^\d+\|a\|/.test(l)).map((l) => l.split("|").slice(2).join("|"));
  return titles.slice(0, limit).map((t, i) => `${t} ${abstracts[i]}`);
}

describe("AbbreviationPropagator in the model card's pipeline (shipped model, real abstracts)", () => {
  let model: PipelineModel;
  let texts: string[];
  beforeAll(async () => {
    model = await new Pipeline([
      new DocumentAssembler().setInputCol("text").setOutputCol("document"),
      new SentenceDetector().setInputCols(["document"]).setOutputCol("sentence"),
      new Tokenizer().setInputCols(["sentence"]).setOutputCol("token"),
      (await WordEmbeddingsModel.pretrained("embeddings_clinical_open", "en", "clinical/models")).setInputCols(["sentence", "token"]).setOutputCol("embeddings"),
      (await MedicalNerModel.pretrained("ner_clinical_open", "en", "clinical/models")).setIncludeConfidence(true).setInputCols(["sentence", "token", "embeddings"]).setOutputCol("ner"),
      new AbbreviationPropagator().setInputCols(["sentence", "token", "ner"]).setOutputCol("ner_abbr"),
      new NerConverter().setInputCols(["sentence", "token", "ner_abbr"]).setOutputCol("ner_chunk"),
    ]).fit();
    texts = await bc5cdrAbstracts(120);
  });

  it("adds chunks only for defined short forms, with offsets into the text, and changes no tagged token", async () => {
    const batch = AnnotationBatch.fromColumns({ text: texts });
    await model.transformBatch(batch);
    const [tokens, ner, abbr, chunks] = [batch.annotations("token"), batch.annotations("ner"), batch.annotations("ner_abbr"), batch.annotations("ner_chunk")];
    let added = 0;
    texts.forEach((text, r) => {
      expect(abbr[r]!.map((a) => [a.begin, a.end])).toEqual(ner[r]!.map((a) => [a.begin, a.end]));
      const defined = new Set(findDefinitions(tokens[r]!.map((t) => t.result)).map((d) => d.shortForm));
      abbr[r]!.forEach((a, k) => {
        const before = ner[r]![k]!.result;
        if (a.result === before) return;
        if (a.metadata[ABBREVIATION_OF]) {
          expect(before).toBe("O");
          expect(defined.has(a.metadata.word!)).toBe(true);
          added++;
        } else {
          expect([before.slice(0, 2), a.result]).toEqual(["I-", `B-${before.slice(2)}`]);
        }
      });
      for (const c of chunks[r]!) expect(text.slice(c.begin, c.end + 1)).toBe(c.result);
    });
    // The clinical model tags many long forms in these 120 abstracts but not all of their short forms on its own.
    expect(added).toBeGreaterThan(50); // 117 when written
  });

  it("leaves the model card's note as the tagger tagged it (it defines no abbreviation)", async () => {
    const row = await new LightPipeline(model).fullAnnotate(modelCardNote());
    expect(row.ner_abbr!.map((a) => a.result)).toEqual(row.ner!.map((a) => a.result));
    expect(row.ner_chunk!.length).toBeGreaterThan(5);
  });

  it("saves and loads with its params, and gives the same chunks through a LightPipeline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-abbr-"));
    (model.stages[5] as AbbreviationPropagator).setLabels("PROBLEM").setMaxShortFormLength(8);
    await model.save(dir);
    const loaded = await PipelineModel.load(dir);
    const stage = loaded.stages[5] as AbbreviationPropagator;
    expect(stage).toBeInstanceOf(AbbreviationPropagator);
    expect([stage.getLabels(), stage.getMaxShortFormLength(), stage.uid]).toEqual([["PROBLEM"], 8, model.stages[5]!.uid]);
    const [a, b] = await Promise.all([new LightPipeline(model).annotate(texts.slice(0, 20)), new LightPipeline(loaded).annotate(texts.slice(0, 20))]);
    expect(b.map((r) => r.ner_chunk)).toEqual(a.map((r) => r.ner_chunk));
  });
});
