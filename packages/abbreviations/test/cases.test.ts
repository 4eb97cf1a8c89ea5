import type { Annotation } from "@kindling/annotation";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ABBREVIATION_OF, AbbreviationPropagator, findDefinitions } from "../src/index.js";
import { row } from "./helpers.js";

/** Shared with tools/train/tests/test_abbreviations.py: the scorer and the stage must agree. */
const CASES = JSON.parse(readFileSync(new URL("./fixtures/cases.json", import.meta.url), "utf8")) as {
  definitions: { tokens: string[]; found: [string, number, number, number][] }[];
  propagation: { about: string; sentences: string[][]; tags: string[][]; expected: string[][] }[];
};

const regroup = (sentences: readonly string[][], flat: readonly Annotation[]) => {
  let k = 0;
  return sentences.map((words) => words.map(() => flat[k++]!.result));
};

describe("AbbreviationPropagator on the shared cases", () => {
  it.each(CASES.definitions.map((c) => [c.tokens.join(" "), c] as const))("definitions in %s", (_, c) => {
    expect(findDefinitions(c.tokens).map((d) => [d.shortForm, d.longFormFirst, d.longFormLast, d.shortFormIndex])).toEqual(c.found);
  });

  it.each(CASES.propagation.map((c) => [c.about, c] as const))("propagation: %s", (_, c) => {
    const { inputs } = row(c.sentences, c.tags);
    expect(regroup(c.sentences, new AbbreviationPropagator().annotate(inputs))).toEqual(c.expected);
  });
});

describe("AbbreviationPropagator", () => {
  const sentences = [
    ["Acute", "kidney", "injury", "(", "AKI", ")", "and", "a", "CT", "scan", "(", "CT", ")"],
    ["AKI", "resolved", "after", "CT", "."],
  ];
  const tags = [
    ["B-PROBLEM", "I-PROBLEM", "I-PROBLEM", "O", "O", "O", "O", "O", "B-TEST", "I-TEST", "O", "O", "O"],
    ["O", "O", "O", "O", "O"],
  ];

  it("says which long form a new tag comes from, with that chunk's confidence, and changes nothing else", () => {
    const { inputs } = row(sentences, tags, (s, i) => (s === 0 && i < 3 ? [0.9, 0.8, 0.7][i]! : 0.99));
    const out = new AbbreviationPropagator().annotate(inputs);
    expect(out).toHaveLength(inputs[2]!.length);
    const changed = out.filter((a, k) => a !== inputs[2]![k]);
    expect(changed.map((a) => [a.result, a.metadata.word, a.metadata[ABBREVIATION_OF], a.metadata.confidence])).toEqual([
      ["B-PROBLEM", "AKI", "Acute kidney injury", "0.8"],
      ["B-TEST", "CT", "CT scan", "0.99"],
      ["B-PROBLEM", "AKI", "Acute kidney injury", "0.8"],
      ["B-TEST", "CT", "CT scan", "0.99"],
    ]);
    out.forEach((a, k) => expect([a.begin, a.end, a.annotatorType]).toEqual([inputs[2]![k]!.begin, inputs[2]![k]!.end, "named_entity"]));
  });

  it("passes on only the labels asked for, and returns its input when no definition has a tagged long form", () => {
    const { inputs } = row(sentences, tags);
    const onlyProblem = new AbbreviationPropagator().setLabels("PROBLEM").annotate(inputs);
    expect(onlyProblem.filter((a) => a.metadata[ABBREVIATION_OF]).map((a) => a.result)).toEqual(["B-PROBLEM", "B-PROBLEM"]);
    const untagged = row(sentences, tags.map((t) => t.map(() => "O"))).inputs;
    expect(new AbbreviationPropagator().annotate(untagged)).toEqual(untagged[2]);
  });

  it("honours the short-form length limits and rejects bad params naming them", () => {
    const { inputs } = row(sentences, tags);
    const out = new AbbreviationPropagator().setMinShortFormLength(3).annotate(inputs);
    expect(out.filter((a) => a.metadata[ABBREVIATION_OF]).map((a) => a.metadata.word)).toEqual(["AKI", "AKI"]);
    expect(() => new AbbreviationPropagator().setMaxShortFormLength(0)).toThrow(/maxShortFormLength/);
  });
});
