import type { SourceReport } from "./convert.js";
import { CORPUS_LABELS } from "./types.js";

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? c.toLocaleString("en-US") : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => r.map((c, i) => (i === 0 || i === 1 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** Documents, sentences, tokens and spans per source, split and label; then what the span policy and BIO lost. */
export function formatReport(reports: readonly SourceReport[]): string {
  const rows: (string | number)[][] = [];
  for (const r of reports) {
    for (const [split, c] of Object.entries(r.splits)) {
      rows.push([r.name, split, c.documents, c.sentences, c.tokens, ...CORPUS_LABELS.map((l) => c.spans[l])]);
    }
  }
  const counts = table(["source", "split", "docs", "sentences", "tokens", ...CORPUS_LABELS], rows);
  const losses = table(
    ["source", "annotated", "mentions", "unmapped", "discont.", "overlap", "dup.", "kept", "trimmed", "misaligned", "no tokens", "lost", "x-sentence"],
    reports.map((r) => [
      r.name,
      r.annotatedLabels.join("+") || "-",
      r.spanPolicy.mentions,
      r.spanPolicy.unmapped,
      r.spanPolicy.discontinuous,
      r.spanPolicy.overlapping,
      r.spanPolicy.duplicate,
      r.spanPolicy.kept,
      r.spanPolicy.trimmed,
      r.alignment.misaligned,
      r.alignment.noTokens,
      r.alignment.lost,
      r.alignment.crossSentence,
    ]),
  );
  return `${counts}\n\n${losses}`;
}
