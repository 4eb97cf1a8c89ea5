import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The model card Kindling mirrors, read from the shared folder beside the repository (never copied into it). */
export const MODEL_CARD_PATH = fileURLToPath(new URL("../../../../shared/reference/model-card-ner_clinical_large_v2.md", import.meta.url));

/** The card's example note: the first `text = """..."""` string, verbatim (leading newline, trailing spaces). */
export function modelCardNote(): string {
  const card = readFileSync(MODEL_CARD_PATH, "utf8");
  const match = /text = """([\s\S]*?)"""/.exec(card);
  if (!match) throw new Error(`${MODEL_CARD_PATH}: no text = """...""" block`);
  return match[1]!;
}
