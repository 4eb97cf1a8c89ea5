import type { Annotation } from "@kindling/annotation";

/** The card's Results table layout (`|chunk|begin|end|ner_label|`), right-aligned chunk column as published. */
export function resultsTable(chunks: readonly Annotation[]): string {
  const width = Math.max("chunk".length, ...chunks.map((c) => c.result.length));
  const w = (s: string, n: number) => s.padEnd(n);
  const num = Math.max(5, ...chunks.map((c) => String(c.begin).length));
  const lines = [
    `|${w("chunk", width)}|${w("begin", num)}|${w("end", 3)}|ner_label|`,
    `|${"-".repeat(width - 1)}:|:${"-".repeat(num - 1)}|:--|:--------|`,
    ...chunks.map((c) => `|${w(c.result, width)}|${w(String(c.begin), num)}|${w(String(c.end), 3)}|${w(c.metadata.entity ?? "", 9)}|`),
  ];
  return lines.join("\n") + "\n";
}
