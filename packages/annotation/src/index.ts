export { AnnotatorType, annotationToJSON, makeAnnotation, NO_EMBEDDINGS, type Annotation, type KnownAnnotatorType } from "./annotation.js";
export { AnnotationColumnError } from "./errors.js";
export {
  ANNOTATOR_TYPE_KEY,
  annotationField,
  annotationListType,
  annotationStructType,
  declaredAnnotatorType,
  type AnnotationListType,
  type AnnotationStruct,
} from "./schema.js";
export { encodeAnnotationData, encodeAnnotations, type EncodeOptions } from "./encode.js";
export { decodeAnnotations } from "./decode.js";
export { readUtf8, utf8Data } from "./utf8.js";
export { conllSafeToken, TOKEN_SPACE_REPLACEMENT } from "./token-text.js";
