import { annotationField, AnnotatorType, encodeAnnotationData, makeAnnotation, utf8Data, type Annotation } from "@kindling/annotation";
import { ParamError } from "@kindling/core";
import { Field, makeData, RecordBatch, Schema, Struct, Table, Utf8, type Data } from "apache-arrow";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseLine, splitLines, type LineLayout } from "./lines.js";

/** Options of Spark NLP's `CoNLL(...)` case class, same names and defaults. */
export interface CoNLLOptions {
  documentCol: string;
  sentenceCol: string;
  tokenCol: string;
  posCol: string;
  /** Field index of the NER tag on a token line (Spark default 3: `token -X- -X- TAG`). */
  conllLabelIndex: number;
  /** Field index of the POS tag on a token line (Spark default 1). */
  conllPosIndex: number;
  /** Name of the document-id column, present only with `includeDocId`. */
  conllDocIdCol: string;
  conllTextCol: string;
  labelCol: string;
  /** One row per sentence (Spark's default) instead of one row per `-DOCSTART-` document. */
  explodeSentences: boolean;
  /** Separates the fields of a line, and joins the tokens of a sentence in the rebuilt text. */
  delimiter: string;
  /** Read the document id from the third field of the `-DOCSTART-` line ("X" when absent). */
  includeDocId: boolean;
}

export const DEFAULT_CONLL_OPTIONS: Readonly<CoNLLOptions> = Object.freeze({
  documentCol: "document",
  sentenceCol: "sentence",
  tokenCol: "token",
  posCol: "pos",
  conllLabelIndex: 3,
  conllPosIndex: 1,
  conllDocIdCol: "doc_id",
  conllTextCol: "text",
  labelCol: "label",
  explodeSentences: true,
  delimiter: " ",
  includeDocId: false,
});

/** Between the sentences of one document when `explodeSentences` is false: Spark's `System.lineSeparator * 2` (on Linux). */
export const SENTENCE_SEPARATOR = "\n\n";

/** A token of a read document with its offsets (end inclusive) into the rebuilt text. */
export interface TaggedWord {
  readonly word: string;
  readonly tag: string;
  readonly pos: string;
  readonly begin: number;
  readonly end: number;
}

/** One row of the dataset: the rebuilt text and its sentences of tagged words. */
export interface CoNLLDocument {
  readonly text: string;
  readonly sentences: readonly (readonly TaggedWord[])[];
  /** The raw third field of the `-DOCSTART-` line, when there was one. */
  readonly docId: string | undefined;
}

const ROWS_PER_BATCH = 4096;
const STAGE = "CoNLL";

/**
 * Spark NLP's `CoNLL` training-data reader: `new CoNLL().readDataset(path)` returns an Arrow Table with the
 * columns text, document, sentence, token, pos and label (plus doc_id with `includeDocId`), the annotation
 * columns in Kindling's Arrow layout, so a training table looks like the output of a Kindling pipeline.
 *
 * The text is rebuilt from the tokens exactly as Spark does: tokens joined by the delimiter (a single space by
 * default); with `explodeSentences: false` the sentences of a document are joined by "\n\n", and a sentence
 * followed by a blank line leaves that "\n\n" at the end of the text. Offsets satisfy
 * `text.slice(begin, end + 1) === result` for every document, sentence, token, pos and label annotation.
 */
export class CoNLL {
  readonly options: Readonly<CoNLLOptions>;

  constructor(options: Partial<CoNLLOptions> = {}) {
    const merged = { ...DEFAULT_CONLL_OPTIONS };
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (!(key in DEFAULT_CONLL_OPTIONS)) {
        throw new ParamError(STAGE, key, `is unknown; known options: ${Object.keys(DEFAULT_CONLL_OPTIONS).join(", ")}`);
      }
      (merged as Record<string, unknown>)[key] = value;
    }
    validate(merged);
    this.options = Object.freeze(merged);
  }

  /**
   * Reads one CoNLL file, or every file of a directory when the path ends in `*` (Spark's `dir/*` form; files
   * are read in name order).
   */
  async readDataset(path: string): Promise<Table> {
    return this.toTable(await this.readDocs(path));
  }

  /** The documents (rows) of a file or `dir/*`, before packing into Arrow. */
  async readDocs(path: string): Promise<CoNLLDocument[]> {
    if (!path.endsWith("*")) return this.readLines(splitLines(await readFile(path, "utf8")), path);
    const dir = dirname(path);
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
    const docs: CoNLLDocument[] = [];
    for (const name of names) {
      const file = join(dir, name);
      docs.push(...this.readLines(splitLines(await readFile(file, "utf8")), file));
    }
    return docs;
  }

  /** Spark's `readDatasetFromLines`: `source` names the input in error messages. */
  readDatasetFromLines(lines: readonly string[], source = "<lines>"): Table {
    return this.toTable(this.readLines(lines, source));
  }

  /** Groups lines into documents as Spark's `CoNLL.readLines` does; a malformed line throws a ConllFormatError. */
  readLines(lines: readonly string[], source = "<lines>"): CoNLLDocument[] {
    const { explodeSentences, delimiter, conllLabelIndex, conllPosIndex } = this.options;
    const layout: LineLayout = { delimiter, labelIndex: conllLabelIndex, posIndex: conllPosIndex };
    const docs: CoNLLDocument[] = [];
    let text = "";
    let sentences: TaggedWord[][] = [];
    let current: TaggedWord[] = [];
    let docId: string | undefined;

    const closeSentence = () => {
      if (current.length > 0) sentences.push(current);
      current = [];
    };
    const closeDocument = () => {
      if (text.length > 0) docs.push({ text, sentences, docId });
      text = "";
      sentences = [];
    };

    for (let i = 0; i < lines.length; i++) {
      const line = parseLine(lines[i]!, layout, source, i + 1);
      if (line.kind === "docstart") {
        closeSentence();
        closeDocument();
        docId = line.fields[2];
      } else if (line.kind === "blank") {
        if (!explodeSentences && text.length > 0 && !text.endsWith("\n") && current.length > 0) text += SENTENCE_SEPARATOR;
        closeSentence();
        if (explodeSentences) closeDocument();
      } else {
        if (text.length > 0 && !text.endsWith("\n")) text += delimiter;
        const begin = text.length;
        text += line.token;
        current.push({ word: line.token, tag: line.tag, pos: line.pos, begin, end: text.length - 1 });
      }
    }
    closeSentence();
    closeDocument();
    return docs;
  }

  /** Packs documents into an Arrow Table (record batches of 4,096 rows). */
  toTable(docs: readonly CoNLLDocument[]): Table {
    const batches: RecordBatch[] = [];
    for (let from = 0; from < docs.length; from += ROWS_PER_BATCH) batches.push(this.toBatch(docs.slice(from, from + ROWS_PER_BATCH)));
    return batches.length > 0 ? new Table(batches) : new Table(this.toBatch([]).schema);
  }

  private toBatch(docs: readonly CoNLLDocument[]): RecordBatch {
    const o = this.options;
    const fields: Field[] = [];
    const children: Data[] = [];
    const addText = (name: string, values: string[]) => {
      fields.push(new Field(name, new Utf8(), false));
      children.push(utf8Data(values));
    };
    const addAnnotations = (name: string, annotatorType: string, rows: Annotation[][]) => {
      const data = encodeAnnotationData(rows);
      fields.push(annotationField(name, annotatorType, data.type));
      children.push(data);
    };
    if (o.includeDocId) addText(o.conllDocIdCol, docs.map((d) => removeSurroundingHyphens(d.docId ?? "X")));
    addText(o.conllTextCol, docs.map((d) => d.text));
    addAnnotations(o.documentCol, AnnotatorType.DOCUMENT, docs.map(packDocument));
    addAnnotations(o.sentenceCol, AnnotatorType.DOCUMENT, docs.map(packSentences));
    addAnnotations(o.tokenCol, AnnotatorType.TOKEN, docs.map(packTokens));
    addAnnotations(o.posCol, AnnotatorType.POS, docs.map((d) => packTagged(d, AnnotatorType.POS, (w) => w.pos)));
    addAnnotations(o.labelCol, AnnotatorType.NAMED_ENTITY, docs.map((d) => packTagged(d, AnnotatorType.NAMED_ENTITY, (w) => w.tag)));
    const schema = new Schema(fields);
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length: docs.length, nullCount: 0, children }));
  }
}

/** Spark: `DocumentAssembler.assemble(text, Map("training" -> "true"))`. */
function packDocument(doc: CoNLLDocument): Annotation[] {
  return [makeAnnotation(AnnotatorType.DOCUMENT, 0, doc.text.length - 1, doc.text, { training: "true", sentence: "0" })];
}

function packSentences(doc: CoNLLDocument): Annotation[] {
  return doc.sentences.map((words, index) => {
    const begin = words[0]!.begin;
    const end = words[words.length - 1]!.end;
    return makeAnnotation(AnnotatorType.DOCUMENT, begin, end, doc.text.slice(begin, end + 1), { sentence: String(index) });
  });
}

function packTokens(doc: CoNLLDocument): Annotation[] {
  return doc.sentences.flatMap((words, index) => {
    const metadata = { sentence: String(index) };
    return words.map((w) => makeAnnotation(AnnotatorType.TOKEN, w.begin, w.end, w.word, metadata));
  });
}

function packTagged(doc: CoNLLDocument, annotatorType: string, tagOf: (w: TaggedWord) => string): Annotation[] {
  return doc.sentences.flatMap((words, index) =>
    words.map((w) => makeAnnotation(annotatorType, w.begin, w.end, tagOf(w), { word: w.word, sentence: String(index) })),
  );
}

/** Spark strips one pair of surrounding hyphens from the `-DOCSTART-` id field: "-X-" → "X". */
export function removeSurroundingHyphens(id: string): string {
  const m = /-(.+)-/.exec(id);
  return m ? m[1]! : id;
}

function validate(o: CoNLLOptions): void {
  const fail = (key: string, detail: string): never => {
    throw new ParamError(STAGE, key, detail);
  };
  for (const key of ["conllLabelIndex", "conllPosIndex"] as const) {
    const v = o[key];
    if (!Number.isInteger(v) || v < 1) fail(key, `must be an integer >= 1 (field 0 is the token), got ${JSON.stringify(v)}`);
  }
  if (typeof o.delimiter !== "string" || o.delimiter.length === 0) fail("delimiter", `must be a non-empty string, got ${JSON.stringify(o.delimiter)}`);
  if (/[\r\n]/.test(o.delimiter)) fail("delimiter", "must not contain a line break");
  for (const key of ["explodeSentences", "includeDocId"] as const) {
    if (typeof o[key] !== "boolean") fail(key, `must be a boolean, got ${JSON.stringify(o[key])}`);
  }
  const columns = ["documentCol", "sentenceCol", "tokenCol", "posCol", "conllTextCol", "labelCol", ...(o.includeDocId ? ["conllDocIdCol"] : [])] as const;
  const seen = new Map<string, string>();
  for (const key of columns) {
    const name = o[key as keyof CoNLLOptions];
    if (typeof name !== "string" || name.length === 0) fail(key, `must be a non-empty column name, got ${JSON.stringify(name)}`);
    const clash = seen.get(name as string);
    if (clash) fail(key, `names the same column as ${clash} ("${name}")`);
    seen.set(name as string, key);
  }
}
