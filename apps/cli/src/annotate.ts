import { AnnotationBatch, LightPipeline, type PipelineModel } from "@kindling/core";
import { NoteTable, type InputFormat, type NoteBatch } from "./input.js";
import type { Io } from "./io.js";
import { openSink } from "./output.js";
import { loadPipeline, TEXT_COL, type PipelineName } from "./pipelines.js";
import { NO_PROGRESS, startProgress, wantsProgress } from "./progress.js";
import { RECORDS, type AnnotatedRow } from "./records.js";

export interface AnnotateTextOptions {
  pipeline: PipelineName;
  /** File to write; undefined or "-" for stdout. */
  output?: string;
}

/** One text: one JSON line per chunk (or per sentence for the tokens pipeline). */
export async function annotateText(text: string, options: AnnotateTextOptions, io: Io): Promise<void> {
  const light = new LightPipeline(await loadPipeline(options.pipeline));
  const row = await light.fullAnnotate(text);
  const sink = await openSink(options.output, io.out);
  try {
    await sink.write(RECORDS[options.pipeline].of(row).map((r) => JSON.stringify(r)));
  } finally {
    await sink.close();
  }
}

export interface AnnotateTableOptions extends AnnotateTextOptions {
  input: string;
  inputFormat?: InputFormat;
  idColumn?: string;
  textColumn: string;
  batchSize: number;
  /** --progress / --no-progress; undefined: a bar only when stderr is a terminal. */
  progress?: boolean;
}

export interface AnnotateSummary {
  notes: number;
  records: number;
  seconds: number;
}

/**
 * A table of notes, streamed from DuckDB in batches through PipelineModel.transformBatch; each batch's lines are
 * written before the next is read. Every line is `{ id, ...record }`. Ends with a one-line summary on stderr.
 */
export async function annotateTable(options: AnnotateTableOptions, io: Io): Promise<AnnotateSummary> {
  const started = performance.now();
  const records = RECORDS[options.pipeline];
  // Opening the table first reports a bad file or a missing column before any model is loaded.
  const table = await NoteTable.open({
    path: options.input,
    format: options.inputFormat,
    idColumn: options.idColumn,
    textColumn: options.textColumn,
    batchSize: options.batchSize,
  });
  const summary: AnnotateSummary = { notes: 0, records: 0, seconds: 0 };
  try {
    const model = await loadPipeline(options.pipeline);
    // Counting rows is an extra pass over the file: only a visible progress bar needs the total.
    const total = wantsProgress(options.progress, io.progressStream) ? await table.count() : undefined;
    const sink = await openSink(options.output, io.out);
    const progress = total === undefined ? NO_PROGRESS : startProgress(io.progressStream, total, records.unit);
    try {
      for await (const notes of table.batches()) {
        const lines: string[] = [];
        for (const [i, row] of (await annotateBatch(model, notes, options.input)).entries()) {
          const id = notes.ids[i];
          for (const record of records.of(row)) lines.push(JSON.stringify({ id, ...record }));
        }
        await sink.write(lines);
        summary.notes += notes.texts.length;
        summary.records += lines.length;
        progress.update(summary.notes, summary.records);
      }
    } finally {
      progress.stop();
      await sink.close();
    }
  } finally {
    table.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  io.err(`kindling: annotated ${summary.notes} notes into ${summary.records} ${records.unit} in ${summary.seconds.toFixed(1)} s`);
  return summary;
}

async function annotateBatch(model: PipelineModel, notes: NoteBatch, path: string): Promise<AnnotatedRow[]> {
  // rowOffset makes a stage's error name the row's number in the file, not in the batch.
  const batch = AnnotationBatch.fromColumns({ [TEXT_COL]: notes.texts }, notes.rowOffset);
  try {
    await model.transformBatch(batch);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
  const outputs = batch.outputs();
  return notes.texts.map((_, r) => Object.fromEntries(outputs.map((o) => [o.name, o.rows[r]!])));
}
