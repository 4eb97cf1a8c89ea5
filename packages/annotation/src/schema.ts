import { Dictionary, Field, Float32, Int32, List, Map_, Struct, Utf8 } from "apache-arrow";

/** Field-metadata key that carries a column's annotator type, so readers need not look inside rows. */
export const ANNOTATOR_TYPE_KEY = "annotatorType";

export type AnnotationStruct = Struct<{
  annotatorType: Dictionary<Utf8, Int32>;
  begin: Int32;
  end: Int32;
  result: Utf8;
  metadata: Map_<Utf8, Utf8>;
  embeddings: List<Float32>;
}>;

export type AnnotationListType = List<AnnotationStruct>;

function metadataType(): Map_<Utf8, Utf8> {
  const entries = new Struct<{ key: Utf8; value: Utf8 }>([
    new Field("key", new Utf8(), false),
    new Field("value", new Utf8(), true),
  ]);
  return new Map_(new Field("entries", entries, false), false);
}

/** The struct of one annotation. A fresh Dictionary id per call keeps columns independent in IPC streams. */
export function annotationStructType(): AnnotationStruct {
  return new Struct([
    new Field("annotatorType", new Dictionary(new Utf8(), new Int32()), false),
    new Field("begin", new Int32(), false),
    new Field("end", new Int32(), false),
    new Field("result", new Utf8(), false),
    new Field("metadata", metadataType(), false),
    new Field("embeddings", new List(new Field("element", new Float32(), false)), false),
  ]) as AnnotationStruct;
}

export function annotationListType(): AnnotationListType {
  return new List(new Field("element", annotationStructType(), false));
}

/** The Arrow field of an annotation column; the annotator type is also recorded in the field metadata. */
export function annotationField(
  name: string,
  annotatorType: string,
  type: AnnotationListType = annotationListType(),
  metadata: Readonly<Record<string, string>> = {},
): Field<AnnotationListType> {
  return new Field(name, type, true, new Map([...Object.entries(metadata), [ANNOTATOR_TYPE_KEY, annotatorType]]));
}

/** The annotator type a field declares in its metadata, if any. */
export function declaredAnnotatorType(field: Field): string | undefined {
  return field.metadata.get(ANNOTATOR_TYPE_KEY);
}
