import type { DuckDBValue } from "@duckdb/node-api";
import { RecordBatch, Table, Utf8, vectorFromArray } from "apache-arrow";
import type { NoteBatch } from "./source.js";

/**
 * What annotates the notes: anything that streams Arrow record batches through a pipeline and yields the
 * annotated batches in order, one output row per input row. `PipelineModel` from `@kindling/core` is one; a pool
 * of worker threads with the same method is another.
 */
export interface BatchModel {
  /** `outputCols`: the annotation columns the caller reads; a PipelineModel then skips encoding the others. */
  transformBatches(batches: AsyncIterable<RecordBatch>, options?: { outputCols?: readonly string[] }): AsyncIterable<RecordBatch>;
}

/** An annotated batch with the ids and source row numbers of its rows, which never went through the model. */
export interface AnnotatedNotes {
  readonly rows: readonly number[];
  readonly ids: readonly DuckDBValue[];
  /** The model's output: the text column plus every annotation column. */
  readonly batch: RecordBatch;
}

/** A record batch with one Utf8 column, the notes' texts, as the pipeline's first stage reads it. */
export function textBatch(texts: readonly (string | null)[], column: string): RecordBatch {
  const table = new Table({ [column]: vectorFromArray(texts as (string | null)[], new Utf8()) });
  return table.batches[0]!;
}

/**
 * Runs note batches through `model`, keeping ids and row numbers aside and pairing them back up with the output
 * by position: the model may cut or merge batches (PipelineModel slices large ones), but keeps rows in order.
 */
export async function* annotateNotes(
  model: BatchModel,
  notes: AsyncIterable<NoteBatch>,
  textColumn: string,
  outputCols?: readonly string[],
): AsyncGenerator<AnnotatedNotes> {
  const pending = new PendingRows();
  async function* texts(): AsyncGenerator<RecordBatch> {
    for await (const batch of notes) {
      if (batch.texts.length === 0) continue;
      pending.push(batch);
      yield textBatch(batch.texts, textColumn);
    }
  }
  for await (const batch of model.transformBatches(texts(), outputCols ? { outputCols } : {})) {
    yield { ...pending.take(batch.numRows), batch };
  }
  if (pending.size > 0) throw new Error(`the model returned ${pending.size} fewer rows than it was given`);
}

/** Rows handed to the model and not yet returned by it, oldest first. */
class PendingRows {
  private readonly queue: NoteBatch[] = [];
  /** Rows of queue[0] already taken. */
  private taken = 0;
  size = 0;

  push(batch: NoteBatch): void {
    this.queue.push(batch);
    this.size += batch.texts.length;
  }

  take(count: number): { rows: number[]; ids: DuckDBValue[] } {
    if (count > this.size) throw new Error(`the model returned ${count - this.size} more rows than it was given`);
    const rows: number[] = [];
    const ids: DuckDBValue[] = [];
    while (rows.length < count) {
      const head = this.queue[0]!;
      const end = Math.min(head.texts.length, this.taken + count - rows.length);
      rows.push(...head.rows.slice(this.taken, end));
      ids.push(...head.ids.slice(this.taken, end));
      this.taken = end;
      if (this.taken === head.texts.length) {
        this.queue.shift();
        this.taken = 0;
      }
    }
    this.size -= count;
    return { rows, ids };
  }
}
