import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHIA_SPLIT_SEED, chiaSplit, chiaTrialId, readChia } from "../src/index.js";
import { countBy, NER } from "./helpers.js";

describe("Chia split by trial", () => {
  it("puts 800/100/100 trials and 1,600/200/200 documents in train/dev/test, inc and exc together", async () => {
    const docs = await readChia(join(NER, "chia", "chia_without_scope"));
    expect(countBy(docs, (d) => d.split)).toEqual({ train: 1600, dev: 200, test: 200 });
    const byTrial = new Map<string, Set<string>>();
    for (const d of docs) {
      const id = chiaTrialId(d.docId);
      byTrial.set(id, (byTrial.get(id) ?? new Set()).add(d.split));
    }
    expect(byTrial.size).toBe(1000);
    expect([...byTrial.values()].every((splits) => splits.size === 1)).toBe(true);
    expect(countBy([...byTrial.values()], (s) => [...s][0]!)).toEqual({ train: 800, dev: 100, test: 100 });
  });

  it("is deterministic and pinned: the same seed gives the same split, another seed another one", async () => {
    const docs = await readChia(join(NER, "chia", "chia_without_scope"));
    const ids = docs.map((d) => chiaTrialId(d.docId));
    const a = chiaSplit(ids);
    expect(chiaSplit([...ids].reverse())).toEqual(a);
    expect(CHIA_SPLIT_SEED).toBe("chia-split-v1");
    // Pinned so a change of recipe cannot pass unnoticed (it would move trials between train and test).
    expect(["NCT02984228", "NCT02765217", "NCT00050349"].map((id) => a.get(id))).toEqual(["dev", "dev", "train"]);
    const b = chiaSplit(ids, "another-seed");
    expect([...a].filter(([id, split]) => b.get(id) !== split).length).toBeGreaterThan(100);
  });

  it("does not depend on input order or duplicates, and keeps the proportions (fast-check)", () => {
    const idsArb = fc.uniqueArray(fc.integer({ min: 0, max: 99_999_999 }).map((n) => `NCT${String(n).padStart(8, "0")}`), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(idsArb, fc.integer(), (ids, seed) => {
        const split = chiaSplit(ids, String(seed));
        const shuffled = [...ids].reverse().concat(ids);
        expect(chiaSplit(shuffled, String(seed))).toEqual(split);
        const counts = countBy([...split.values()], (s) => s);
        expect(counts.train ?? 0).toBe(Math.round(ids.length * 0.8));
        expect(counts.dev ?? 0).toBe(Math.round(ids.length * 0.1));
      }),
    );
  });

  it("refuses a file name that is not NCT…_inc or NCT…_exc", () => {
    expect(chiaTrialId("NCT00050349_inc")).toBe("NCT00050349");
    expect(() => chiaTrialId("annotation")).toThrow(/not a Chia document name/);
  });
});
