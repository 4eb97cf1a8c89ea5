import { describe, expect, it } from "vitest";
import { tokenize, TokenizerModel } from "../src/index.js";
import { tokensOf } from "./helpers.js";

describe("default tokenisation of clinical text", () => {
  it.each([
    ["hyphenated words stay whole", "severe mid-LAD lesion, a 60-year-old, mild-to-moderate disease", ["severe", "mid-LAD", "lesion", ",", "a", "60-year-old", ",", "mild-to-moderate", "disease"]],
    ["a final period is split off", "chest pain.", ["chest", "pain", "."]],
    ["parentheses are split off", "distal right (PDA) artery", ["distal", "right", "(", "PDA", ")", "artery"]],
    ["trailing context chars form one token, as in Spark", "(see PDA).", ["(", "see", "PDA", ")."]],
    ["percent stays on the number; the comma is split off (Spark default)", "disease of 30%, a lesion", ["disease", "of", "30%", ",", "a", "lesion"]],
    ["decimals and times stay whole", "K 3.5 at 10:30, then 4.0.", ["K", "3.5", "at", "10:30", ",", "then", "4.0", "."]],
    ["dosing abbreviations keep their periods", "Lasix 40 mg p.o. b.i.d., q.i.d. or t.i.d.", ["Lasix", "40", "mg", "p.o.", "b.i.d.", ",", "q.i.d.", "or", "t.i.d."]],
    ["e.g. and i.e. stay whole inside punctuation", "(e.g., aspirin; i.e. ASA)", ["(", "e.g.", ",", "aspirin", ";", "i.e.", "ASA", ")"]],
    ["titles keep their period", "Mr. ABC saw Dr. Smith and Mrs. Jones.", ["Mr.", "ABC", "saw", "Dr.", "Smith", "and", "Mrs.", "Jones", "."]],
    ["abbreviations are case-sensitive: ms (milliseconds) still splits", "QRS 90 ms.", ["QRS", "90", "ms", "."]],
    ["a single initial is not an abbreviation (Spark splits it)", "vitamin A.", ["vitamin", "A", "."]],
    ["contractions and possessives stay whole (Spark default)", "He didn't take the patient's pills; I'd ask.", ["He", "didn't", "take", "the", "patient's", "pills", ";", "I'd", "ask", "."]],
    ["quotes are peeled", '"no pain"', ['"', "no", "pain", '"']],
    ["a candidate made only of context chars stays whole", "pain -- none ...", ["pain", "--", "none", "..."]],
    ["CRLF, tabs and no-break spaces separate tokens", "BP\t120/80\r\nHR\u00a072", ["BP", "120/80", "HR", "72"]],
    ["non-ASCII letters and emoji are kept", "naïve café 😀 pain", ["naïve", "café", "😀", "pain"]],
  ])("%s", (_name, text, expected) => {
    expect(tokensOf(text)).toEqual(expected);
  });

  it.each([
    ["[** Name **]", "Seen by [** Name **], MD.", ["Seen", "by", "[** Name **]", ",", "MD", "."]],
    ["[**2019-01-01**]", "admitted [**2019-01-01**].", ["admitted", "[**2019-01-01**]", "."]],
    ["a MIMIC placeholder with parentheses", "[**First Name8 (NamePattern2) 1234**] was seen", ["[**First Name8 (NamePattern2) 1234**]", "was", "seen"]],
    ["[NAME]", "patient [NAME] reports", ["patient", "[NAME]", "reports"]],
    ["an upper-case tag with a space", "([PATIENT NAME]) reports", ["(", "[PATIENT NAME]", ")", "reports"]],
  ])("keeps the de-identification placeholder %s as one token", (_name, text, expected) => {
    expect(tokensOf(text)).toEqual(expected);
  });

  it("does not treat a placeholder glued to a word as a token boundary", () => {
    expect(tokensOf("x[** A **]y")).toEqual(["x[", "**", "A", "**", "]y"]);
  });

  it("gives every token original-document offsets", () => {
    const text = "  Mr. ABC: [** Name **],\tBP 120/80.  ";
    for (const t of tokenize(text)) expect(text.slice(t.begin, t.end + 1)).toBe(t.result);
  });
});

describe("tokenize (the plain function)", () => {
  const text = "Pain. Seen by Dr. Smith (PDA).";

  it("tokenises a range of a text with offsets into the text", () => {
    const tokens = tokenize(text, 6, 22);
    expect(tokens.map((t) => t.result)).toEqual(["Seen", "by", "Dr.", "Smith"]);
    expect(tokens[0]).toEqual({ result: "Seen", begin: 6, end: 9 });
    for (const t of tokens) expect(text.slice(t.begin, t.end + 1)).toBe(t.result);
  });

  it("defaults to the whole text and the default model", () => {
    expect(tokenize(text).map((t) => t.result)).toEqual(["Pain", ".", "Seen", "by", "Dr.", "Smith", "(", "PDA", ")."]);
    expect(tokenize("")).toEqual([]);
  });

  it("uses the rules of the model given", () => {
    const model = new TokenizerModel().setSplitChars(["-"]);
    expect(tokenize("mid-LAD", 0, 6, model).map((t) => t.result)).toEqual(["mid", "LAD"]);
  });

  it("matches TokenizerModel.annotate on the same range", () => {
    const model = new TokenizerModel();
    const sentence = { annotatorType: "document", begin: 6, end: 29, result: text.slice(6, 30), metadata: {}, embeddings: new Float32Array(0) };
    const annotated = model.annotate([[sentence]]).map((a) => ({ result: a.result, begin: a.begin, end: a.end }));
    expect(tokenize(text, 6, 29, model)).toEqual(annotated);
  });

  it.each([
    [-1, 3],
    [0, 99],
    [5, 2],
    [1.5, 3],
  ])("rejects the range begin=%s end=%s", (begin, end) => {
    expect(() => tokenize(text, begin, end)).toThrow(/invalid range/);
  });
});
