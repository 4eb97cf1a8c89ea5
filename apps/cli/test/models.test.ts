// --ner-model / --embeddings / --head: the CLI with a user's own model directory (here the tiny two-head fixture of
// @kindling/medical-ner, with its own vectors and the tags the Python reference gives for each output).
import { bioToChunks } from "@kindling/training";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run, tempDir, writeJsonl } from "./helpers.js";

const FIXTURE = fileURLToPath(new URL("../../../packages/medical-ner/test/fixtures/heads-tiny", import.meta.url));
const SHIPPED_VECTORS = fileURLToPath(new URL("../../../models/embeddings_clinical_open", import.meta.url));
const expected = JSON.parse(readFileSync(join(FIXTURE, "expected.json"), "utf8")) as {
  sentences: { text: string; tokens: string[]; tags: Record<string, string[]> }[];
};

/** The chunks a BIO tag sequence spells over space-separated tokens. */
function chunksOf(tokens: readonly string[], tags: readonly string[]): { chunk: string; ner_label: string }[] {
  return bioToChunks(tags).map((c) => ({ chunk: tokens.slice(c.start, c.end).join(" "), ner_label: c.label }));
}

describe("kindling annotate with a model directory", async () => {
  const dir = await tempDir();

  it("tags with the chosen head of --ner-model, using the model's own vectors", async () => {
    for (const head of ["ncbi", "bc5cdr"]) {
      for (const s of expected.sentences) {
        const { code, out, err } = await run(["annotate", "--ner-model", FIXTURE, "--head", head, "--text", s.text]);
        expect(code, err.join("\n")).toBe(0);
        const lines = out.map((l) => JSON.parse(l));
        expect(lines.map(({ chunk, ner_label }) => ({ chunk, ner_label }))).toEqual(chunksOf(s.tokens, s.tags[head]!));
        for (const line of lines) expect(s.text.slice(line.begin, line.end + 1)).toBe(line.chunk);
      }
    }
  });

  it("runs the same model in worker threads as on the main thread", async () => {
    const input = await writeJsonl(join(dir, "notes.jsonl"), expected.sentences.map((s, i) => ({ id: `n${i}`, text: s.text })));
    const outputs: string[] = [];
    for (const workers of ["1", "2"]) {
      const output = join(dir, `chunks-${workers}.jsonl`);
      const { code, err } = await run(["annotate", input, "--ner-model", FIXTURE, "--head", "ncbi", "--id-column", "id", "--workers", workers, "--output", output, "--no-progress"]);
      expect(code, err.join("\n")).toBe(0);
      outputs.push(readFileSync(output, "utf8"));
    }
    expect(outputs[0]!.split("\n").length).toBeGreaterThan(5);
    expect(outputs[1]).toBe(outputs[0]);
  });

  it("fails clearly on vectors the model was not trained with, on an unknown head, and on --head without ner", async () => {
    const mismatch = await run(["annotate", "--ner-model", FIXTURE, "--embeddings", SHIPPED_VECTORS, "--text", "Fever."]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.err.join("\n")).toMatch(/holds embeddings "embeddings_clinical_open", but this model was trained with "heads_tiny_vectors"/);
    const unknown = await run(["annotate", "--ner-model", FIXTURE, "--head", "chemicals", "--text", "Fever."]);
    expect(unknown.code).toBe(1);
    expect(unknown.err.join("\n")).toMatch(/has no head "chemicals" \(heads: "ncbi", "bc5cdr"/);
    const usage = await run(["annotate", "--pipeline", "tokens", "--head", "ncbi", "--text", "Fever."]);
    expect(usage.code).toBe(2);
    expect(usage.err.join("\n")).toMatch(/--ner-model, --embeddings, --head and --abbreviations apply to --pipeline ner/);
    const missing = await run(["annotate", "--ner-model", join(dir, "nope"), "--text", "Fever."]);
    expect(missing.code).toBe(1);
    expect(missing.err.join("\n")).toMatch(/nope\/manifest.json: cannot read the model manifest/);
  });
});
