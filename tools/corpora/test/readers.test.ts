import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAciNotes, readChia, readMaccrobat, readNeuroTrialNer, readPubtator, type RawDocument } from "../src/index.js";
import { countBy, NER } from "./helpers.js";

/** `text[begin:end]` against the annotated string; segments of a discontinuous mention are joined by a space (brat). */
function offsetCheck(docs: readonly RawDocument[]): { match: number; mismatch: number } {
  let match = 0;
  let mismatch = 0;
  for (const d of docs) {
    for (const m of d.mentions) {
      if (m.segments.map(([b, e]) => d.text.slice(b, e)).join(" ") === m.text) match++;
      else mismatch++;
    }
  }
  return { match, mismatch };
}

const mentionsBy = (docs: readonly RawDocument[], key: (d: RawDocument, type: string) => string) => countBy(docs.flatMap((d) => d.mentions.map((m) => key(d, m.type))), (k) => k);

describe("aci-train and aci-dev (notes.jsonl)", () => {
  it("aci-train: 127 notes, PROBLEM 3,540 / TEST 1,079 / TREATMENT 1,152, every offset exact", async () => {
    const docs = await readAciNotes(join(NER, "aci-train", "notes.jsonl"), "train");
    expect(docs).toHaveLength(127);
    expect(docs.every((d) => d.split === "train")).toBe(true);
    expect(mentionsBy(docs, (_, t) => t)).toEqual({ PROBLEM: 3540, TEST: 1079, TREATMENT: 1152 });
    expect(offsetCheck(docs)).toEqual({ match: 5771, mismatch: 0 });
    expect(docs.reduce((n, d) => n + d.text.length, 0)).toBe(335_111);
  });

  it("aci-dev: 40 notes, PROBLEM 1,129 / TEST 332 / TREATMENT 404, split dev", async () => {
    const docs = await readAciNotes(join(NER, "aci-dev", "notes.jsonl"), "dev");
    expect(docs).toHaveLength(40);
    expect(docs.every((d) => d.split === "dev")).toBe(true);
    expect(mentionsBy(docs, (_, t) => t)).toEqual({ PROBLEM: 1129, TEST: 332, TREATMENT: 404 });
    expect(offsetCheck(docs)).toEqual({ match: 1865, mismatch: 0 });
  });
});

describe("MACCROBAT2020 (brat)", () => {
  it("200 documents split 160/20/20 by the id lists, 25,189 T mentions, all offsets exact", async () => {
    const docs = await readMaccrobat(join(NER, "maccrobat2020"));
    expect(countBy(docs, (d) => d.split)).toEqual({ train: 160, dev: 20, test: 20 });
    const bySplit = mentionsBy(docs, (d) => d.split);
    expect(bySplit).toEqual({ train: 20370, dev: 2656, test: 2163 });
    expect(offsetCheck(docs)).toEqual({ match: 25189, mismatch: 0 });
    const byType = mentionsBy(docs, (d, t) => `${t}/${d.split}`);
    expect([byType["Diagnostic_procedure/train"], byType["Sign_symptom/dev"], byType["Medication/test"], byType["Lab_value/train"]]).toEqual([3785, 347, 67, 2330]);
    expect(docs.flatMap((d) => d.mentions).filter((m) => m.segments.length > 1)).toHaveLength(44);
  });
});

describe("Chia (brat, CRLF kept)", () => {
  it("2,000 documents, 44,616 T mentions, 44,602 offsets exact on the raw text", async () => {
    const docs = await readChia(join(NER, "chia", "chia_without_scope"));
    expect(docs).toHaveLength(2000);
    expect(docs.flatMap((d) => d.mentions)).toHaveLength(44616);
    expect(offsetCheck(docs)).toEqual({ match: 44602, mismatch: 14 });
    // 1,603 files use CRLF and their offsets count the "\r": reading must not normalise newlines.
    expect(docs.filter((d) => d.text.includes("\r\n"))).toHaveLength(1603);
    expect(docs.flatMap((d) => d.mentions).filter((m) => m.segments.length > 1)).toHaveLength(1796);
    const types = mentionsBy(docs, (_, t) => t);
    expect([types.Condition, types.Drug, types.Measurement, types.Procedure]).toEqual([12039, 3801, 3305, 3595]);
    const inc = mentionsBy(docs, (d) => d.docId.slice(-3));
    expect(inc).toEqual({ inc: 16593, exc: 28023 });
  });
});

describe("NCBI-disease and BC5CDR (PubTator)", () => {
  it("NCBI: 593/100/100 documents, 5,145/787/960 mentions, offsets into title + ' ' + abstract", async () => {
    const dir = join(NER, "ncbi-disease");
    const splits = [
      [await readPubtator(join(dir, "NCBItrainset_corpus.txt"), "train"), 593, 5145],
      [await readPubtator(join(dir, "NCBIdevelopset_corpus.txt"), "dev"), 100, 787],
      [await readPubtator(join(dir, "NCBItestset_corpus.txt"), "test"), 100, 960],
    ] as const;
    for (const [docs, nDocs, nMentions] of splits) {
      expect(docs).toHaveLength(nDocs);
      expect(docs.flatMap((d) => d.mentions)).toHaveLength(nMentions);
    }
    const all = splits.flatMap(([docs]) => docs);
    // The one mismatch is upstream's annotated string with two trailing spaces (PMID 10923035, 711-761).
    expect(offsetCheck(all)).toEqual({ match: 6891, mismatch: 1 });
    const odd = all.find((d) => d.docId === "10923035")!.mentions.find((m) => m.segments[0]![0] === 711)!;
    expect(odd.text).toBe('generalized epilepsy and febrile seizures " plus "  ');
    expect(mentionsBy(all, (_, t) => t)).toEqual({ SpecificDisease: 3939, DiseaseClass: 1016, Modifier: 1767, CompositeMention: 170 });
    // PMID 8528200 appears twice in the training file (a known upstream quirk); both blocks are kept.
    expect(all.filter((d) => d.docId === "8528200")).toHaveLength(2);
  });

  it("BC5CDR: 500 documents per split, Chemical and Disease counts as published, CID lines skipped", async () => {
    const dir = join(NER, "bc5cdr");
    const files = { train: "CDR_TrainingSet.PubTator.txt", dev: "CDR_DevelopmentSet.PubTator.txt", test: "CDR_TestSet.PubTator.txt" } as const;
    const expected = { train: [5203, 4182], dev: [5347, 4244], test: [5385, 4424] };
    for (const split of ["train", "dev", "test"] as const) {
      const docs = await readPubtator(join(dir, files[split]), split);
      expect(docs).toHaveLength(500);
      const types = mentionsBy(docs, (_, t) => t);
      expect([types.Chemical, types.Disease]).toEqual(expected[split]);
      expect(offsetCheck(docs).mismatch).toBe(0);
    }
  });
});

describe("NeuroTrialNER (bigbio JSON, stratified split)", () => {
  it("787/153/153 records, 7,081/1,568/1,444 entities, all offsets exact", async () => {
    const docs = await readNeuroTrialNer(join(NER, "neurotrialner"));
    expect(countBy(docs, (d) => d.split)).toEqual({ train: 787, dev: 153, test: 153 });
    expect(mentionsBy(docs, (d) => d.split)).toEqual({ train: 7081, dev: 1568, test: 1444 });
    expect(offsetCheck(docs)).toEqual({ match: 10093, mismatch: 0 });
    const types = mentionsBy(docs, (_, t) => t);
    expect(types).toEqual({ CONDITION: 4960, DRUG: 1624, OTHER: 1807, CONTROL: 546, PHYSICAL: 586, BEHAVIOURAL: 323, SURGICAL: 170, RADIOTHERAPY: 77 });
  });
});
