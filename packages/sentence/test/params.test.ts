import { describe, expect, it } from "vitest";
import { NotSupportedError, ParamError } from "@kindling/core";
import { compileSentenceSplitter, detectSentences, SentenceDetector, SentenceOptionError } from "../src/index.js";
import { documentOf, runDetector, sentences } from "./helpers.js";

describe("useAbbreviations", () => {
  it("defaults to true; false ignores the dictionaries but keeps decimals, dotted words and initials", () => {
    const text = "Dr. Smith gave approx. 5 mg at 9 a.m. to J. Doe on 3.5 days.";
    expect(sentences(text)).toEqual([text]);
    expect(sentences(text, { useAbbreviations: false })).toEqual(["Dr.", "Smith gave approx.", "5 mg at 9 a.m. to J. Doe on 3.5 days."]);
  });
});

describe("detectLists", () => {
  it("defaults to true; false treats markers as plain text", () => {
    expect(sentences("Plan: 1. aspirin 2. statin")).toEqual(["Plan:", "1. aspirin", "2. statin"]);
    expect(sentences("Plan: 1. aspirin 2. statin", { detectLists: false })).toEqual(["Plan: 1.", "aspirin 2.", "statin"]);
    const bullets = "- aspirin 81 mg daily for secondary prevention of coronary disease\n- metoprolol";
    expect(sentences(bullets)).toEqual(["- aspirin 81 mg daily for secondary prevention of coronary disease", "- metoprolol"]);
    expect(sentences(bullets, { detectLists: false })).toEqual([bullets]);
  });
});

describe("customBounds and customBoundsStrategy", () => {
  const text = "Dr. Smith. He left|Then Mrs. Jones came";
  it("split at every match of any bound, on top of the rules", () => {
    expect(sentences(text, { customBounds: ["\\|"] })).toEqual(["Dr. Smith.", "He left", "Then Mrs. Jones came"]);
    expect(sentences("a;b--c", { customBounds: [";", "--"] })).toEqual(["a", "b", "c"]);
  });
  it("drop the bound (none), start the next sentence with it (prepend) or end the previous one (append)", () => {
    const run = (customBoundsStrategy: "none" | "prepend" | "append") => sentences("one | two | three", { customBounds: ["\\| "], customBoundsStrategy });
    expect(run("none")).toEqual(["one", "two", "three"]);
    expect(run("prepend")).toEqual(["one", "| two", "| three"]);
    expect(run("append")).toEqual(["one |", "two |", "three"]);
  });
  it("allow zero-width bounds such as a lookahead", () => {
    expect(sentences("Pain noted Assessment: stable Plan: rest", { customBounds: ["(?=Assessment:|Plan:)"] })).toEqual(["Pain noted", "Assessment: stable", "Plan: rest"]);
  });
  it("keep offsets exact for bounds that match a newline pair", () => {
    const note = "first part\n\nsecond part";
    expect(detectSentences(note, { customBounds: ["\\n\\n"], useCustomBoundsOnly: true })).toEqual([
      { begin: 0, end: 9 },
      { begin: 12, end: 22 },
    ]);
  });
  it("reject invalid expressions and strategies, naming the option", () => {
    expect(() => detectSentences("x", { customBounds: ["("] })).toThrow(SentenceOptionError);
    expect(() => detectSentences("x", { customBounds: ["("] })).toThrow(/"customBounds" entry "\(" is not a valid regular expression/);
    expect(() => detectSentences("x", { customBoundsStrategy: "middle" as never })).toThrow(/"customBoundsStrategy" must be one of none, prepend, append/);
  });
});

describe("useCustomBoundsOnly", () => {
  it("splits only at the custom bounds", () => {
    const text = "Dr. Smith. He left.|Then Mrs. Jones came. Done.";
    expect(sentences(text, { customBounds: ["\\|"], useCustomBoundsOnly: true })).toEqual(["Dr. Smith. He left.", "Then Mrs. Jones came. Done."]);
  });
  it("is ignored without custom bounds, as in Spark", () => {
    expect(sentences("One. Two.", { useCustomBoundsOnly: true })).toEqual(["One.", "Two."]);
  });
});

describe("splitLength", () => {
  it("cuts long sentences at whitespace into pieces no longer than it", () => {
    const text = "one two three four five six. Short.";
    const spans = detectSentences(text, { splitLength: 10 });
    expect(spans.map((s) => text.slice(s.begin, s.end + 1))).toEqual(["one two", "three four", "five six.", "Short."]);
    for (const s of spans) expect(s.end - s.begin + 1).toBeLessThanOrEqual(10);
  });
  it("keeps a word longer than the limit whole, as Spark does", () => {
    expect(sentences("a supercalifragilistic b", { splitLength: 5 })).toEqual(["a", "supercalifragilistic", "b"]);
  });
  it("must be a positive integer or null", () => {
    expect(() => detectSentences("x", { splitLength: 0 })).toThrow(/"splitLength" must be a positive integer or null, got 0/);
  });
});

describe("minLength and maxLength", () => {
  const text = "Hi. This is longer. Ok.";
  it("drop sentences outside the range", () => {
    expect(sentences(text, { minLength: 4 })).toEqual(["This is longer."]);
    expect(sentences(text, { maxLength: 3 })).toEqual(["Hi.", "Ok."]);
  });
  it("apply after splitLength", () => {
    expect(sentences("aaaa bb cccc", { splitLength: 4, minLength: 3 })).toEqual(["aaaa", "cccc"]);
  });
  it("are checked, together too", () => {
    expect(() => detectSentences("x", { minLength: -1 })).toThrow(/"minLength" must be a non-negative integer, got -1/);
    expect(() => detectSentences("x", { minLength: 5, maxLength: 4 })).toThrow(/"maxLength" \(4\) must be at least minLength \(5\)/);
  });
});

describe("detectSentences options", () => {
  it("rejects unknown options", () => {
    expect(() => detectSentences("x", { useAbbrevations: true } as never)).toThrow(/option "useAbbrevations" is unknown/);
  });
  it("caches the compiled splitter per options object", () => {
    const options = { customBounds: ["\\|"] };
    expect(sentences("a|b", options)).toEqual(["a", "b"]);
    options.customBounds = [];
    expect(sentences("a|b", options)).toEqual(["a", "b"]);
    expect(compileSentenceSplitter(options)("a|b")).toEqual([{ begin: 0, end: 2 }]);
  });
});

describe("SentenceDetector params", () => {
  it("has Spark's names, defaults, setters and getters", () => {
    const d = new SentenceDetector();
    expect(d.paramValues()).toEqual({
      inputCols: ["document"],
      outputCol: "sentence",
      useAbbreviations: true,
      detectLists: true,
      customBounds: [],
      useCustomBoundsOnly: false,
      customBoundsStrategy: "none",
      splitLength: null,
      minLength: 0,
      maxLength: 99999,
      explodeSentences: false,
    });
    d.setUseAbbreviations(false).setDetectLists(false).setCustomBounds(["\\n"]).setUseCustomBoundsOnly(true).setCustomBoundsStrategy("append");
    d.setSplitLength(50).setMinLength(2).setMaxLength(60).setExplodeSentences(false);
    expect([d.getUseAbbreviations(), d.getDetectLists(), d.getCustomBounds(), d.getUseCustomBoundsOnly(), d.getCustomBoundsStrategy()]).toEqual([false, false, ["\\n"], true, "append"]);
    expect([d.getSplitLength(), d.getMinLength(), d.getMaxLength(), d.getExplodeSentences()]).toEqual([50, 2, 60, false]);
    expect(new SentenceDetector({ minLength: 2, customBounds: ["\\n"] }).getMinLength()).toBe(2);
  });

  it("changes the output when a param changes after a first run", async () => {
    const d = new SentenceDetector();
    const doc = [[documentOf("Dr. Smith arrived. He sat.")]];
    expect((await runDetector(d, doc))[0]!.map((a) => a.result)).toEqual(["Dr. Smith arrived.", "He sat."]);
    d.setUseAbbreviations(false);
    expect((await runDetector(d, doc))[0]!.map((a) => a.result)).toEqual(["Dr.", "Smith arrived.", "He sat."]);
  });

  it("rejects bad values with a ParamError naming the param", () => {
    expect(() => new SentenceDetector().setMinLength(-2)).toThrow(ParamError);
    expect(() => new SentenceDetector().setMinLength(-2)).toThrow(/SentenceDetector: param "minLength" must be a non-negative integer/);
    expect(() => new SentenceDetector().setCustomBoundsStrategy("both" as never)).toThrow(/param "customBoundsStrategy" must be one of none, prepend, append/);
    expect(() => new SentenceDetector({ customBounds: ["[a-"] })).toThrow(/param "customBounds" entry "\[a-" is not a valid regular expression/);
    expect(() => new SentenceDetector({ useAbbrevations: true } as never)).toThrow(/param "useAbbrevations" is unknown/);
  });

  it("checks minLength against maxLength when it is used", async () => {
    const d = new SentenceDetector({ minLength: 10, maxLength: 5 });
    expect(() => d.transformSchema(new Map([["document", { kind: "annotations", annotatorType: "document" }]]))).toThrow(/param "maxLength" \(5\) must be at least minLength \(10\)/);
    await expect(runDetector(d, [[documentOf("x")]])).rejects.toThrow(/row 0: .*maxLength/);
  });

  it("explodeSentences: only false, since a stage cannot add rows", () => {
    expect(new SentenceDetector({ explodeSentences: false }).getExplodeSentences()).toBe(false);
    expect(() => new SentenceDetector().setExplodeSentences(true)).toThrow(NotSupportedError);
    expect(() => new SentenceDetector({ explodeSentences: true })).toThrow(/"explodeSentences" is not supported by Kindling \(a Kindling stage adds one column and cannot change the number of rows/);
  });

  it("lazyAnnotator is not supported", () => {
    expect(() => new SentenceDetector().setLazyAnnotator(true)).toThrow(NotSupportedError);
    expect(() => new SentenceDetector({ lazyAnnotator: true } as never)).toThrow(/"lazyAnnotator" is not supported/);
  });

  it("each option reaches the annotator", async () => {
    const text = "Dr. Smith. 1. aspirin|Then Mrs. Jones came over to see the patient today. Ok.";
    const run = async (options: ConstructorParameters<typeof SentenceDetector>[0]) => (await runDetector(new SentenceDetector(options), [[documentOf(text)]]))[0]!.map((a) => a.result);
    expect(await run({})).toEqual(["Dr. Smith.", "1. aspirin|Then Mrs. Jones came over to see the patient today.", "Ok."]);
    expect(await run({ customBounds: ["\\|"] })).toEqual(["Dr. Smith.", "1. aspirin", "Then Mrs. Jones came over to see the patient today.", "Ok."]);
    expect(await run({ customBounds: ["\\|"], customBoundsStrategy: "prepend" })).toContain("|Then Mrs. Jones came over to see the patient today.");
    expect(await run({ customBounds: ["\\|"], useCustomBoundsOnly: true })).toEqual(["Dr. Smith. 1. aspirin", "Then Mrs. Jones came over to see the patient today. Ok."]);
    expect(await run({ detectLists: false })).toEqual(["Dr. Smith.", "1.", "aspirin|Then Mrs. Jones came over to see the patient today.", "Ok."]);
    expect(await run({ useAbbreviations: false })).toEqual(["Dr.", "Smith.", "1. aspirin|Then Mrs.", "Jones came over to see the patient today.", "Ok."]);
    expect(await run({ minLength: 11 })).toEqual(["1. aspirin|Then Mrs. Jones came over to see the patient today."]);
    expect(await run({ maxLength: 10 })).toEqual(["Dr. Smith.", "Ok."]);
    expect((await run({ splitLength: 30 })).length).toBe(5);
  });
});
