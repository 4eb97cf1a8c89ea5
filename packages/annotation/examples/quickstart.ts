import { AnnotatorType, annotationField, annotationToJSON, decodeAnnotations, encodeAnnotations, makeAnnotation } from "@kindling/annotation";

const text = "He denies chest pain.";
const rows = [[makeAnnotation(AnnotatorType.CHUNK, 10, 19, text.slice(10, 20), { entity: "PROBLEM", sentence: "0" })], []];

const column = encodeAnnotations(rows); // built column-wise from typed arrays
console.log(String(column.type));
const back = decodeAnnotations(column, annotationField("ner_chunk", AnnotatorType.CHUNK, column.type));
console.log(JSON.stringify(annotationToJSON(back[0]![0]!)), back[1]!.length);
