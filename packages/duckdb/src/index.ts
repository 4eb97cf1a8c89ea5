export {
  annotateTable,
  DEFAULT_BATCH_ROWS,
  DEFAULT_MAX_TEXT_LENGTH,
  type AnnotateProgress,
  type AnnotateSummary,
  type AnnotateTableOptions,
  type OutputTables,
} from "./annotate-table.js";
export { annotationColumnNames, annotationListValue, annotationsOf, countAnnotations } from "./annotation-values.js";
export { OutputError, SourceError, TooManyErrors } from "./errors.js";
export { csvSource, jsonSource, parquetSource, type CsvSourceOptions } from "./files.js";
export { annotateNotes, textBatch, type AnnotatedNotes, type BatchModel } from "./notes.js";
export { chunkRecord, type ChunkRecord } from "./records.js";
export { installSliceMacro, SLICE_MACRO_BODY, sliceMacroSql, type SliceMacroOptions } from "./slice.js";
export { describeSource, limitErrors, NoteReader, type MalformedRows, type NoteBatch, type NoteReaderOptions, type NoteSource, type QuerySource, type RejectedRow, type RowError, type TableSource } from "./source.js";
export { sqlIdentifier, sqlString, type ColumnInfo } from "./sql.js";
export { ANNOTATION_LIST_SQL, ANNOTATION_STRUCT_SQL, chunkColumns, errorColumns, stagingName, type IfExists } from "./tables.js";
