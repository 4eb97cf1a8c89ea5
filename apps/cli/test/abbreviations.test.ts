// --abbreviations: AbbreviationPropagator between the tagger and NerConverter, on the main thread and in workers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLines, run, tempDir, writeJsonl } from "./helpers.js";

const NOTE =
  "Two days after the angiogram she developed contrast-induced nephropathy (CIN) and was admitted. " +
  "Her creatinine peaked on day four. CIN resolved with intravenous fluids.";

const cinChunks = (lines: readonly Record<string, unknown>[]) => lines.filter((l) => l.chunk === "CIN").map((l) => [l.begin, l.ner_label, l.sentence]);

describe("kindling annotate --abbreviations", () => {
  it("labels the note's later uses of a defined abbreviation like its long form, and nothing else changes", async () => {
    const plain = parseLines((await run(["annotate", "--text", NOTE])).out);
    const { code, out, err } = await run(["annotate", "--abbreviations", "--text", NOTE]);
    expect(code, err.join("\n")).toBe(0);
    const withAbbreviations = parseLines(out);
    expect(plain.find((l) => l.chunk === "contrast-induced nephropathy")?.ner_label).toBe("PROBLEM");
    expect(cinChunks(plain)).toEqual([]); // the shipped model alone does not tag "CIN" here
    expect(cinChunks(withAbbreviations)).toEqual([[73, "PROBLEM", 0], [131, "PROBLEM", 2]]);
    for (const l of withAbbreviations) expect(NOTE.slice(l.begin as number, (l.end as number) + 1)).toBe(l.chunk);
    expect(withAbbreviations.filter((l) => l.chunk !== "CIN")).toEqual(plain);
  });

  it("gives the same lines in worker threads as on the main thread, and applies to --pipeline ner only", async () => {
    const dir = await tempDir();
    const input = await writeJsonl(join(dir, "notes.jsonl"), [{ id: "a", text: NOTE }, { id: "b", text: "No abbreviations here. Fever." }]);
    const outputs: string[] = [];
    for (const workers of ["1", "2"]) {
      const output = join(dir, `chunks-${workers}.jsonl`);
      const { code, err } = await run(["annotate", input, "--abbreviations", "--id-column", "id", "--workers", workers, "--output", output, "--no-progress"]);
      expect(code, err.join("\n")).toBe(0);
      outputs.push(readFileSync(output, "utf8"));
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[0]!.split("\n").filter((l) => l.includes('"chunk":"CIN"'))).toHaveLength(2);
    const usage = await run(["annotate", "--pipeline", "tokens", "--abbreviations", "--text", "Fever."]);
    expect(usage.code).toBe(2);
    expect(usage.err.join("\n")).toMatch(/--abbreviations apply to --pipeline ner/);
  });
});
