import type { Annotation } from "@kindling/annotation";
import { AnnotationBatch } from "./batch.js";
import { PipelineWiringError } from "./errors.js";
import type { PipelineModel } from "./pipeline.js";

/**
 * Spark NLP's LightPipeline: runs a fitted pipeline on plain strings in memory, skipping Arrow entirely.
 * Results are keyed by output column: `(await light.annotate(text)).token` is the list of token strings.
 */
export class LightPipeline {
  private readonly textCol: string;

  constructor(
    readonly model: PipelineModel,
    /** Keep the `embeddings` of annotations in `fullAnnotate` results (Spark's parseEmbeddings). */
    readonly parseEmbeddings = false,
  ) {
    const col = model.stages.flatMap((s) => s.valueInputCols())[0];
    if (!col) throw new PipelineWiringError("LightPipeline needs a pipeline whose first stage reads a text column (a DocumentAssembler)");
    this.textCol = col;
    // Same wiring check as a table transform, once, instead of per call.
    model.transformSchema(new Map([[col, { kind: "values", type: "Utf8" }]]));
  }

  annotate(text: string): Promise<Record<string, string[]>>;
  annotate(texts: readonly string[]): Promise<Record<string, string[]>[]>;
  async annotate(input: string | readonly string[]): Promise<Record<string, string[]> | Record<string, string[]>[]> {
    const full = await this.run(typeof input === "string" ? [input] : input);
    const results = full.map((row) => Object.fromEntries(Object.entries(row).map(([col, anns]) => [col, anns.map((a) => a.result)])));
    return typeof input === "string" ? results[0]! : results;
  }

  fullAnnotate(text: string): Promise<Record<string, Annotation[]>>;
  fullAnnotate(texts: readonly string[]): Promise<Record<string, Annotation[]>[]>;
  async fullAnnotate(input: string | readonly string[]): Promise<Record<string, Annotation[]> | Record<string, Annotation[]>[]> {
    const full = await this.run(typeof input === "string" ? [input] : input);
    return typeof input === "string" ? full[0]! : full;
  }

  private async run(texts: readonly string[]): Promise<Record<string, Annotation[]>[]> {
    const batch = AnnotationBatch.fromColumns({ [this.textCol]: texts });
    await this.model.transformBatch(batch);
    const outputs = batch.outputs();
    return texts.map((_, r) => {
      const row: Record<string, Annotation[]> = {};
      for (const o of outputs) row[o.name] = this.parseEmbeddings ? o.rows[r]! : o.rows[r]!.map(stripEmbeddings);
      return row;
    });
  }
}

function stripEmbeddings(a: Annotation): Annotation {
  return a.embeddings.length === 0 ? a : { ...a, embeddings: new Float32Array(0) };
}
