import { Dictionary, Float32, Int32, List, makeData, type Map_, makeVector, Struct, Utf8, type Data, type Vector } from "apache-arrow";
import type { Annotation } from "./annotation.js";
import { annotationListType, type AnnotationListType } from "./schema.js";
import { utf8Data } from "./utf8.js";

/**
 * Builds one annotation column (one list of annotations per row) column-wise: every child is a typed array
 * filled in a single pass, then assembled with `makeData`. Row-wise builders were measured at ~75k
 * annotations/s, far below what the pipeline produces.
 */
export function encodeAnnotations(rows: readonly (readonly Annotation[])[], options?: EncodeOptions): Vector<AnnotationListType> {
  return makeVector(encodeAnnotationData(rows, options));
}

export interface EncodeOptions {
  /** Write the `embeddings` vectors (default true). Off, every annotation gets an empty list: vectors stay in memory only. */
  includeEmbeddings?: boolean;
  /**
   * The list type to build, shared by every batch of one column: each `annotationListType()` carries a fresh
   * dictionary id, and batches of one table must agree on it.
   */
  type?: AnnotationListType;
}

export function encodeAnnotationData(rows: readonly (readonly Annotation[])[], options: EncodeOptions = {}): Data<AnnotationListType> {
  const includeEmbeddings = options.includeEmbeddings ?? true;
  const listType = options.type ?? annotationListType();
  const structType = listType.valueType;
  const fields = structType.children;

  let total = 0;
  const listOffsets = new Int32Array(rows.length + 1);
  for (let r = 0; r < rows.length; r++) {
    total += rows[r]!.length;
    listOffsets[r + 1] = total;
  }

  const typeIndex = new Int32Array(total);
  const typeNames: string[] = [];
  const typeIds = new Map<string, number>();
  const begins = new Int32Array(total);
  const ends = new Int32Array(total);
  const results: string[] = new Array(total);
  const metaOffsets = new Int32Array(total + 1);
  const metaKeys: string[] = [];
  const metaValues: string[] = [];
  const embOffsets = new Int32Array(total + 1);
  let embTotal = 0;

  let i = 0;
  for (const row of rows) {
    for (const a of row) {
      let id = typeIds.get(a.annotatorType);
      if (id === undefined) {
        id = typeNames.length;
        typeIds.set(a.annotatorType, id);
        typeNames.push(a.annotatorType);
      }
      typeIndex[i] = id;
      begins[i] = a.begin;
      ends[i] = a.end;
      results[i] = a.result;
      for (const key in a.metadata) {
        metaKeys.push(key);
        metaValues.push(a.metadata[key]!);
      }
      metaOffsets[i + 1] = metaKeys.length;
      if (includeEmbeddings) embTotal += a.embeddings.length;
      embOffsets[i + 1] = embTotal;
      i++;
    }
  }

  const embValues = new Float32Array(embTotal);
  if (includeEmbeddings && embTotal > 0) {
    i = 0;
    for (const row of rows) for (const a of row) embValues.set(a.embeddings, embOffsets[i++]!);
  }

  const dictType = fields[0]!.type as Dictionary<Utf8, Int32>;
  const typeData = makeData({
    type: dictType,
    length: total,
    nullCount: 0,
    data: typeIndex,
    dictionary: makeVector(utf8Data(typeNames)),
  });
  const mapType = fields[4]!.type as Map_<Utf8, Utf8>;
  const entriesType = mapType.children[0]!.type as Struct;
  const entries = makeData({
    type: entriesType,
    length: metaKeys.length,
    nullCount: 0,
    children: [utf8Data(metaKeys), utf8Data(metaValues)],
  });
  const metadata = makeData({ type: mapType, length: total, nullCount: 0, valueOffsets: metaOffsets, child: entries });
  const embType = fields[5]!.type as List<Float32>;
  const embeddings = makeData({
    type: embType,
    length: total,
    nullCount: 0,
    valueOffsets: embOffsets,
    child: makeData({ type: embType.valueType, length: embTotal, nullCount: 0, data: embValues }),
  });
  const struct = makeData({
    type: structType,
    length: total,
    nullCount: 0,
    children: [
      typeData,
      makeData({ type: new Int32(), length: total, nullCount: 0, data: begins }),
      makeData({ type: new Int32(), length: total, nullCount: 0, data: ends }),
      utf8Data(results),
      metadata,
      embeddings,
    ],
  });
  return makeData({ type: listType, length: rows.length, nullCount: 0, valueOffsets: listOffsets, child: struct });
}
