import { join } from "node:path";
import { readAciNotes } from "./readers/aci.js";
import { readChia } from "./readers/chia.js";
import { readMaccrobat } from "./readers/maccrobat.js";
import { readNeuroTrialNer } from "./readers/neurotrialner.js";
import { readPubtator } from "./readers/pubtator.js";
import { applySpanPolicy, emptyPolicyCounts, type LabelMapping, type SpanPolicyCounts } from "./span-policy.js";
import { TARGET_LABELS, type CorpusDocument, type CorpusLabel, type RawDocument, type TargetLabel } from "./types.js";

/** One corpus: where it lives under `data/ner`, how its types map, which labels it annotates fully, how to read it. */
export interface SourceDefinition {
  readonly name: string;
  readonly folder: string;
  readonly mapping: LabelMapping;
  /** From shared/data/ner/README.md, "Which labels each corpus annotates fully": partial or "mostly" is left out. */
  readonly annotatedLabels: readonly CorpusLabel[];
  /**
   * The source whose documents this one labels again, with labels outside the target set (AUXILIARY_LABELS). Such a
   * source only trains a multi-task head: its manifest entry names that source (`auxiliaryOf`), and tools/train keeps
   * it out of the main output, out of the vectors' text (which would count the documents twice), and keeps a head on
   * it to the train split when that source selects the model.
   */
  readonly auxiliaryOf?: string;
  read(dir: string): Promise<RawDocument[]>;
}

const ALL: readonly TargetLabel[] = TARGET_LABELS;
const IDENTITY: LabelMapping = { PROBLEM: "PROBLEM", TEST: "TEST", TREATMENT: "TREATMENT" };

/** BC5CDR's official splits: read by `bc5cdr` (Disease) and `bc5cdr-chemical` (Chemical). */
async function readBc5cdr(dir: string): Promise<RawDocument[]> {
  return [
    ...(await readPubtator(join(dir, "CDR_TrainingSet.PubTator.txt"), "train")),
    ...(await readPubtator(join(dir, "CDR_DevelopmentSet.PubTator.txt"), "dev")),
    ...(await readPubtator(join(dir, "CDR_TestSet.PubTator.txt"), "test")),
  ];
}

export const SOURCES: readonly SourceDefinition[] = [
  { name: "aci-train", folder: "aci-train", mapping: IDENTITY, annotatedLabels: ALL, read: (dir) => readAciNotes(join(dir, "notes.jsonl"), "train") },
  // Evaluation only: its one split is "dev", so it can never be read as training data.
  { name: "aci-dev", folder: "aci-dev", mapping: IDENTITY, annotatedLabels: ALL, read: (dir) => readAciNotes(join(dir, "notes.jsonl"), "dev") },
  {
    name: "maccrobat2020",
    folder: "maccrobat2020",
    // Lab_value is the result, not the test: left unmapped (O).
    mapping: {
      Disease_disorder: "PROBLEM",
      Sign_symptom: "PROBLEM",
      Diagnostic_procedure: "TEST",
      Medication: "TREATMENT",
      Therapeutic_procedure: "TREATMENT",
    },
    annotatedLabels: ALL,
    read: readMaccrobat,
  },
  {
    name: "chia",
    folder: "chia",
    // Procedure mixes diagnostic and therapeutic procedures: unmapped, so TEST and TREATMENT are only partial.
    mapping: { Condition: "PROBLEM", Measurement: "TEST", Drug: "TREATMENT" },
    annotatedLabels: ["PROBLEM"],
    read: (dir) => readChia(join(dir, "chia_without_scope")),
  },
  {
    name: "ncbi-disease",
    folder: "ncbi-disease",
    mapping: { SpecificDisease: "PROBLEM", DiseaseClass: "PROBLEM", CompositeMention: "PROBLEM", Modifier: "PROBLEM" },
    // Symptoms are not annotated, so even PROBLEM is partial.
    annotatedLabels: [],
    read: async (dir) => [
      ...(await readPubtator(join(dir, "NCBItrainset_corpus.txt"), "train")),
      ...(await readPubtator(join(dir, "NCBIdevelopset_corpus.txt"), "dev")),
      ...(await readPubtator(join(dir, "NCBItestset_corpus.txt"), "test")),
    ],
  },
  {
    name: "bc5cdr",
    folder: "bc5cdr",
    // Chemical is not TREATMENT (adverse-event agents, toxins, analytes): unmapped.
    mapping: { Disease: "PROBLEM" },
    annotatedLabels: ["PROBLEM"],
    read: readBc5cdr,
  },
  {
    // The same abstracts' Chemical mentions, for a multi-task head of the disease models: chemicals are what BC5CDR's
    // diseases are induced by, and telling them apart is most of the corpus's difficulty.
    name: "bc5cdr-chemical",
    folder: "bc5cdr",
    mapping: { Chemical: "CHEMICAL" },
    annotatedLabels: ["CHEMICAL"],
    auxiliaryOf: "bc5cdr",
    read: readBc5cdr,
  },
  {
    name: "neurotrialner",
    folder: "neurotrialner",
    mapping: {
      CONDITION: "PROBLEM",
      DRUG: "TREATMENT",
      CONTROL: "TREATMENT",
      PHYSICAL: "TREATMENT",
      BEHAVIOURAL: "TREATMENT",
      SURGICAL: "TREATMENT",
      RADIOTHERAPY: "TREATMENT",
      OTHER: "TREATMENT",
    },
    // "Mostly" annotated (the trial's own conditions and interventions): not fully.
    annotatedLabels: [],
    read: readNeuroTrialNer,
  },
];

export function sourceByName(name: string): SourceDefinition {
  const source = SOURCES.find((s) => s.name === name);
  if (!source) throw new RangeError(`unknown source "${name}"; known sources: ${SOURCES.map((s) => s.name).join(", ")}`);
  return source;
}

export interface LoadedSource {
  readonly documents: CorpusDocument[];
  readonly policy: SpanPolicyCounts;
}

/** Reads a source from `<nerDir>/<folder>` and normalises it: label mapping and span policy applied. */
export async function loadSource(source: SourceDefinition, nerDir: string): Promise<LoadedSource> {
  const raw = await source.read(join(nerDir, source.folder));
  const policy = emptyPolicyCounts();
  const documents = raw.map((d) => ({
    source: source.name,
    split: d.split,
    docId: d.docId,
    text: d.text,
    spans: applySpanPolicy(d.text, d.mentions, source.mapping, policy),
    annotatedLabels: source.annotatedLabels,
  }));
  return { documents, policy };
}
