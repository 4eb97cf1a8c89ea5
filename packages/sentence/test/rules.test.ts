import { describe, expect, it } from "vitest";
import { detectSentences } from "../src/index.js";
import { sentences } from "./helpers.js";

type Case = readonly [what: string, text: string, expected: readonly string[]];

function table(cases: readonly Case[]): void {
  it.each(cases)("%s", (_what, text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });
}

describe("abbreviations", () => {
  table([
    ["titles never end a sentence", "Mr. Smith and Mrs. Jones met Dr. Brown and Prof. Green at St. Mary's. They talked.", ["Mr. Smith and Mrs. Jones met Dr. Brown and Prof. Green at St. Mary's.", "They talked."]],
    ["vs., e.g. and i.e. never end a sentence", "Aspirin vs. Placebo, e.g. Aspirin, i.e. Bayer. Next.", ["Aspirin vs. Placebo, e.g. Aspirin, i.e. Bayer.", "Next."]],
    ["etc. continues before a lower-case word", "Pens, paper, etc. and ink were given. Done.", ["Pens, paper, etc. and ink were given.", "Done."]],
    ["etc. ends the sentence before a capital", "Bring food, water, etc. The trip starts now.", ["Bring food, water, etc.", "The trip starts now."]],
    [
      "dotted clinical abbreviations continue before lower case",
      "Aspirin 81 mg p.o. q.d. and metoprolol 25 mg p.o. b.i.d. for rate control. Tylenol 650 mg p.o. q.i.d. p.r.n. pain.",
      ["Aspirin 81 mg p.o. q.d. and metoprolol 25 mg p.o. b.i.d. for rate control.", "Tylenol 650 mg p.o. q.i.d. p.r.n. pain."],
    ],
    ["dotted clinical abbreviations end before a capital", "Lasix 40 mg t.i.d. He was discharged.", ["Lasix 40 mg t.i.d.", "He was discharged."]],
    ["a.m. and p.m.", "Seen at 9 a.m. and again at 5 p.m. Then discharged.", ["Seen at 9 a.m. and again at 5 p.m.", "Then discharged."]],
    ["No., Fig. and approx. before numbers", "Lesion No. 3 was approx. 5 mm (Fig. 2). It grew.", ["Lesion No. 3 was approx. 5 mm (Fig. 2).", "It grew."]],
    ["dotless clinical abbreviations", "Metoprolol 25 mg po. daily and prn. for pain. Continue.", ["Metoprolol 25 mg po. daily and prn. for pain.", "Continue."]],
    ["a lone lower-case letter", "See p. 55 for the 45 y. old man. Next.", ["See p. 55 for the 45 y. old man.", "Next."]],
    ["initials", "Seen by J. Smith and K. L. Jones. Follow up.", ["Seen by J. Smith and K. L. Jones.", "Follow up."]],
    ["a capital closing a word is not an initial", "History of hepatitis C. She denies alcohol.", ["History of hepatitis C.", "She denies alcohol."]],
    ["a capital after a number is a unit", "Temp 98.6 F. He is afebrile.", ["Temp 98.6 F.", "He is afebrile."]],
    ["an upper-case MR. in mixed case is an acronym", "Echo showed severe MR. Surgery was advised.", ["Echo showed severe MR.", "Surgery was advised."]],
    ["an upper-case MR. in upper-case text is a title", "SEEN BY MR. SMITH TODAY.", ["SEEN BY MR. SMITH TODAY."]],
    ["taxonomic abbreviations", "Cryptococcus neoformans var. grubii grew. Treated.", ["Cryptococcus neoformans var. grubii grew.", "Treated."]],
  ]);
});

describe("numbers", () => {
  table([
    ["decimals", "Hemoglobin 13.5 g/dL, temperature 98.6, dose .5 mg. Stable.", ["Hemoglobin 13.5 g/dL, temperature 98.6, dose .5 mg.", "Stable."]],
    ["a number ending a sentence", "He scored 2. Then he left.", ["He scored 2.", "Then he left."]],
    ["version-like and glued periods", "Uses v1.2.3 and Fig.2 today. Done.", ["Uses v1.2.3 and Fig.2 today.", "Done."]],
  ]);
});

describe("lists", () => {
  table([
    ["numbered lines", "1. Aspirin 81 mg\n2. Metoprolol 25 mg", ["1. Aspirin 81 mg", "2. Metoprolol 25 mg"]],
    ["an inline numbered list after a colon", "Plan: 1. aspirin 2. statin 3. follow up. Done.", ["Plan:", "1. aspirin", "2. statin", "3. follow up.", "Done."]],
    ["an inline numbered list at a sentence start", "Stable. 1. Aspirin daily 2. Statin nightly", ["Stable.", "1. Aspirin daily", "2. Statin nightly"]],
    ["a parenthesised enumeration inside a sentence", "Two types: (1) small cells, (2) large cells. Next.", ["Two types: (1) small cells, (2) large cells.", "Next."]],
    ["parenthesised and lettered markers at line starts", "(a) fever\n(b) cough\nc) rash", ["(a) fever", "(b) cough", "c) rash"]],
    ["bullets", "- aspirin\n* metoprolol\n• lisinopril\n– warfarin", ["- aspirin", "* metoprolol", "• lisinopril", "– warfarin"]],
    ["inline bullet glyphs", "Meds: • aspirin • statin", ["Meds:", "• aspirin", "• statin"]],
    [
      "a wrapped bullet continues on a lower-case line",
      "- aspirin 81 mg daily for secondary prevention of coronary disease and\n  stroke\n- metoprolol",
      ["- aspirin 81 mg daily for secondary prevention of coronary disease and\n  stroke", "- metoprolol"],
    ],
    ["a hyphen that is not a bullet", "-5 degrees\nwas cold", ["-5 degrees", "was cold"]],
  ]);
});

describe("ellipses and repeated punctuation", () => {
  table([
    ["an ellipsis before a capital", "He paused... Then he spoke.", ["He paused...", "Then he spoke."]],
    ["an ellipsis before lower case", "He paused... and then spoke.", ["He paused... and then spoke."]],
    ["the ellipsis character", "Wait… Now. Four dots.... Next", ["Wait…", "Now.", "Four dots....", "Next"]],
    ["?! runs", "Really?! Yes!! No?? OK.", ["Really?!", "Yes!!", "No??", "OK."]],
    ["! before lower case", "Wow! really good.", ["Wow! really good."]],
    ["? before lower case", "Any pain? no.", ["Any pain?", "no."]],
    ["a query mark", "CXR: ? pneumonia. Repeat in 2 days.", ["CXR: ? pneumonia.", "Repeat in 2 days."]],
  ]);
});

describe("quotes and brackets", () => {
  table([
    ["a period inside a closing quote", 'He said "stop." Then he left.', ['He said "stop."', "Then he left."]],
    ["a period inside closing brackets", "(See above.) Next. [Checked.] Done.", ["(See above.)", "Next.", "[Checked.]", "Done."]],
    ["curly quotes", "She said “no.” He agreed.", ["She said “no.”", "He agreed."]],
    ["a quoted question inside a sentence", 'She asked "why?" and left.', ['She asked "why?" and left.']],
    ["a bracketed phrase inside a sentence", "The dose (10 mg.) was low.", ["The dose (10 mg.) was low."]],
    ["a citation after the period", "As shown before.[3, 4] The rest followed.", ["As shown before.[3, 4]", "The rest followed."]],
  ]);
});

describe("clinical layout", () => {
  table([
    ["an upper-case header line", "HISTORY OF PRESENT ILLNESS\nThe patient is a 45-year-old man with chest pain radiating to the left arm", ["HISTORY OF PRESENT ILLNESS", "The patient is a 45-year-old man with chest pain radiating to the left arm"]],
    ["a header line with a colon", "PHYSICAL EXAM:\nGeneral: no acute distress, alert and oriented", ["PHYSICAL EXAM:", "General: no acute distress, alert and oriented"]],
    [
      "a header after an unfinished long line",
      "No complaints were reported by the patient or the family at the visit\nASSESSMENT AND PLAN\nContinue aspirin.",
      ["No complaints were reported by the patient or the family at the visit", "ASSESSMENT AND PLAN", "Continue aspirin."],
    ],
    ["a title-case label with a colon", "Past Medical History:\nhypertension", ["Past Medical History:", "hypertension"]],
    ["an inline header stays with its text", "CHIEF COMPLAINT: Chest pain. HPI: Started today.", ["CHIEF COMPLAINT: Chest pain.", "HPI: Started today."]],
    ["short lines", "BP 120/80\nHR 72\nRR 16", ["BP 120/80", "HR 72", "RR 16"]],
    [
      "a long line wraps",
      "The patient is a 45-year-old man who presented to the emergency department\nwith two days of chest pain.",
      ["The patient is a 45-year-old man who presented to the emergency department\nwith two days of chest pain."],
    ],
    ["a short line ending in a function word wraps", "He is a 45-year-old man with\nchest pain.", ["He is a 45-year-old man with\nchest pain."]],
    ["a line ending in a comma wraps", "aspirin,\nmetoprolol", ["aspirin,\nmetoprolol"]],
    ["a long line ending in a colon ends", "The patient was discharged home on the following medications:\naspirin 81 mg daily", ["The patient was discharged home on the following medications:", "aspirin 81 mg daily"]],
    [
      "a blank line always ends a sentence",
      "The patient was seen in clinic today and reports no new symptoms at all\n\nand this starts a paragraph",
      ["The patient was seen in clinic today and reports no new symptoms at all", "and this starts a paragraph"],
    ],
    ["an upper-case sentence line is not a header", "PATIENT IS A 45 YEAR OLD MALE WITH CHEST PAIN AND\nSHORTNESS OF BREATH.", ["PATIENT IS A 45 YEAR OLD MALE WITH CHEST PAIN AND\nSHORTNESS OF BREATH."]],
  ]);

  it("handles CRLF, lone CR and tabs with exact offsets", () => {
    const text = "BP 120/80\r\nHR 72\r\n\r\n\tPlan: rest.\rDone";
    expect(sentences(text)).toEqual(["BP 120/80", "HR 72", "Plan: rest.", "Done"]);
    expect(detectSentences(text)[2]).toEqual({ begin: 21, end: 31 });
  });

  it("returns nothing for empty and blank text", () => {
    expect(detectSentences("")).toEqual([]);
    expect(detectSentences(" \n\t\r\n ")).toEqual([]);
  });

  it("keeps emoji and other scripts intact", () => {
    expect(sentences("Pain 😀 resolved. Ça va bien. Ёлка стоит.")).toEqual(["Pain 😀 resolved.", "Ça va bien.", "Ёлка стоит."]);
  });

  it("rejects a text that is not a string", () => {
    expect(() => detectSentences(null as unknown as string)).toThrow(/text must be a string, got null/);
  });
});
