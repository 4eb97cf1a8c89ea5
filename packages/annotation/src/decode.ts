import { DataType, type Data, type Field, type Utf8, type Vector } from "apache-arrow";
import { makeAnnotation, NO_EMBEDDINGS, type Annotation } from "./annotation.js";
import { AnnotationColumnError } from "./errors.js";
import { declaredAnnotatorType } from "./schema.js";
import { readUtf8 } from "./utf8.js";

const REQUIRED = ["annotatorType", "begin", "end", "result"] as const;

/**
 * Reads an annotation column back into rows, validating as it goes. It accepts Kindling's own layout and the
 * close variants other engines write (plain Utf8 instead of a dictionary, 64-bit offsets, float64 embeddings,
 * no metadata or embeddings field); anything else fails with an error naming the column and row.
 */
export function decodeAnnotations(column: Vector, field: Field): Annotation[][] {
  const name = field.name;
  if (!DataType.isList(column.type) || !DataType.isStruct(column.type.valueType)) {
    throw new AnnotationColumnError(name, undefined, `expected List<Struct<annotatorType, begin, end, result, metadata, embeddings>>, found ${column.type}`);
  }
  const structFields = column.type.valueType.children as Field[];
  const index = new Map(structFields.map((f, i) => [f.name, i]));
  for (const required of REQUIRED) {
    if (!index.has(required)) throw new AnnotationColumnError(name, undefined, `annotation struct lacks the field "${required}"`);
  }
  const expectedType = declaredAnnotatorType(field);
  const rows: Annotation[][] = [];
  let rowBase = 0;
  for (const chunk of column.data as Data[]) {
    decodeChunk(chunk, name, index, expectedType, rowBase, rows);
    rowBase += chunk.length;
  }
  return rows;
}

function decodeChunk(list: Data, column: string, index: Map<string, number>, expectedType: string | undefined, rowBase: number, out: Annotation[][]): void {
  const struct = list.children[0]!;
  const child = (fieldName: string): Data | undefined => {
    const i = index.get(fieldName);
    return i === undefined ? undefined : struct.children[i];
  };
  const fail = (row: number, detail: string): never => {
    throw new AnnotationColumnError(column, rowBase + row, detail);
  };
  const readType = stringReader(child("annotatorType")!, column, "annotatorType");
  const readBegin = intReader(child("begin")!, column, "begin");
  const readEnd = intReader(child("end")!, column, "end");
  const readResult = stringReader(child("result")!, column, "result");
  const readMetadata = metadataReader(child("metadata"), column);
  const readEmbeddings = embeddingsReader(child("embeddings"), column);
  const offsets = list.valueOffsets as Int32Array;

  for (let r = 0; r < list.length; r++) {
    if (!list.getValid(r)) {
      out.push([]);
      continue;
    }
    const from = Number(offsets[r]);
    const to = Number(offsets[r + 1]);
    const row: Annotation[] = new Array(to - from);
    for (let j = from; j < to; j++) {
      // Struct-level nulls count as a null annotation.
      if (!struct.getValid(j)) fail(r, `annotation ${j - from} is null`);
      const type = readType(j);
      const begin = readBegin(j);
      const end = readEnd(j);
      const result = readResult(j);
      if (type === null || begin === null || end === null || result === null) {
        fail(r, `annotation ${j - from} has a null annotatorType, begin, end or result`);
      }
      if (expectedType !== undefined && type !== expectedType) {
        fail(r, `annotation ${j - from} has annotatorType "${type}" but the column declares "${expectedType}"`);
      }
      if (begin! < 0 || end! < begin! - 1) fail(r, `annotation ${j - from} has invalid offsets begin=${begin} end=${end}`);
      row[j - from] = makeAnnotation(type!, begin!, end!, result!, readMetadata(j), readEmbeddings(j));
    }
    out.push(row);
  }
}

type Reader<T> = (j: number) => T;

function stringReader(data: Data, column: string, fieldName: string): Reader<string | null> {
  if (DataType.isDictionary(data.type) && DataType.isUtf8(data.type.dictionary)) {
    const dictionary = data.dictionary!;
    const cache = new Map<number, string>();
    const indices = data.values as ArrayLike<number>;
    return (j) => {
      if (!data.getValid(j)) return null;
      const k = Number(indices[j]);
      let s = cache.get(k);
      if (s === undefined) {
        s = dictionary.get(k) as string;
        cache.set(k, s);
      }
      return s;
    };
  }
  if (DataType.isUtf8(data.type) || DataType.isLargeUtf8(data.type)) {
    return (j) => (data.getValid(j) ? readUtf8(data as Data<Utf8>, j) : null);
  }
  throw new AnnotationColumnError(column, undefined, `field "${fieldName}" must be Utf8 or Dictionary<Utf8>, found ${data.type}`);
}

function intReader(data: Data, column: string, fieldName: string): Reader<number | null> {
  if (!DataType.isInt(data.type)) {
    throw new AnnotationColumnError(column, undefined, `field "${fieldName}" must be an integer, found ${data.type}`);
  }
  const values = data.values as ArrayLike<number | bigint>;
  return (j) => (data.getValid(j) ? Number(values[j]) : null);
}

function metadataReader(data: Data | undefined, column: string): Reader<Record<string, string>> {
  if (data === undefined) return () => ({});
  if (!DataType.isMap(data.type)) {
    throw new AnnotationColumnError(column, undefined, `field "metadata" must be Map<Utf8, Utf8>, found ${data.type}`);
  }
  const entries = data.children[0]!;
  const readKey = stringReader(entries.children[0]!, column, "metadata.key");
  const readValue = stringReader(entries.children[1]!, column, "metadata.value");
  const offsets = data.valueOffsets as Int32Array;
  return (j) => {
    const meta: Record<string, string> = {};
    if (!data.getValid(j)) return meta;
    const to = offsets[j + 1]!;
    for (let e = offsets[j]!; e < to; e++) {
      const key = readKey(e);
      if (key !== null) meta[key] = readValue(e) ?? "";
    }
    return meta;
  };
}

function embeddingsReader(data: Data | undefined, column: string): Reader<Float32Array> {
  if (data === undefined) return () => NO_EMBEDDINGS;
  if (!DataType.isList(data.type) || !DataType.isFloat(data.type.valueType)) {
    throw new AnnotationColumnError(column, undefined, `field "embeddings" must be List<Float32>, found ${data.type}`);
  }
  const values = data.children[0]!;
  const floats = values.values as Float32Array | Float64Array;
  const offsets = data.valueOffsets as Int32Array;
  return (j) => {
    if (!data.getValid(j)) return NO_EMBEDDINGS;
    const from = offsets[j]!;
    const to = offsets[j + 1]!;
    if (from === to) return NO_EMBEDDINGS;
    // Copy: a view would pin the whole Arrow buffer for as long as one annotation lives.
    return Float32Array.from(floats.subarray(from, to));
  };
}
