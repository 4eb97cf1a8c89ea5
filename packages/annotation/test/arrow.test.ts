import { type Data, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, vectorFromArray, Field, List, Int32, Utf8 } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  annotationField,
  AnnotationColumnError,
  annotationToJSON,
  AnnotatorType,
  decodeAnnotations,
  encodeAnnotationData,
  makeAnnotation,
  type Annotation,
  type AnnotationStruct,
} from "../src/index.js";

const rows: Annotation[][] = [
  [
    makeAnnotation(AnnotatorType.TOKEN, 0, 2, "Mr.", { sentence: "0" }),
    makeAnnotation(AnnotatorType.TOKEN, 4, 6, "ABC", { sentence: "0", note: "naïve – ünïcødé 🙂" }),
  ],
  [],
  [makeAnnotation(AnnotatorType.TOKEN, 0, 4, "chest", { isOOV: "false" }, Float32Array.from([0.5, -1.25, 3]))],
];

/** A one-column table whose field carries the annotator type, as the pipeline writes it. */
function annotationTable(name: string, type: string, data: Annotation[][]): Table {
  const column = encodeAnnotationData(data);
  const fields = [annotationField(name, type, column.type)];
  const struct = makeData({ type: new Struct(fields), length: data.length, nullCount: 0, children: [column] });
  return new Table([new RecordBatch(new Schema(fields), struct)]);
}

const json = (data: Annotation[][]) => data.map((r) => r.map(annotationToJSON));

function roundTrip(table: Table, name: string): Annotation[][] {
  const field = table.schema.fields.find((f) => f.name === name)!;
  return decodeAnnotations(table.getChild(name)!, field);
}

describe("annotation column", () => {
  it("round-trips rows through Arrow losslessly", () => {
    expect(json(roundTrip(annotationTable("token", AnnotatorType.TOKEN, rows), "token"))).toEqual(json(rows));
  });

  it("has the documented Arrow type and records the annotator type in the field metadata", () => {
    const table = annotationTable("token", AnnotatorType.TOKEN, rows);
    const field = table.schema.fields[0]!;
    expect(field.metadata.get("annotatorType")).toBe("token");
    expect(String(field.type)).toBe(
      "List<Struct<{annotatorType:Dictionary<Int32, Utf8>, begin:Int32, end:Int32, result:Utf8, metadata:Map<{key:Utf8, value:Utf8}>, embeddings:List<Float32>}>>",
    );
  });

  it("survives an Arrow IPC stream (what other engines read)", () => {
    const table = annotationTable("token", AnnotatorType.TOKEN, rows);
    const back = tableFromIPC(tableToIPC(table, "stream"));
    expect(back.schema.fields[0]!.metadata.get("annotatorType")).toBe("token");
    expect(json(roundTrip(back, "token"))).toEqual(json(rows));
  });

  it("reads sliced columns with the right rows", () => {
    const table = annotationTable("token", AnnotatorType.TOKEN, rows).slice(2, 3);
    expect(json(roundTrip(table, "token"))).toEqual(json(rows.slice(2)));
  });

  it("round-trips arbitrary annotations (property)", () => {
    const annotation = fc.record({
      begin: fc.integer({ min: 0, max: 1_000_000 }),
      length: fc.integer({ min: 0, max: 50 }),
      result: fc.string({ unit: "binary", maxLength: 30 }),
      metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: "grapheme", maxLength: 12 }), { maxKeys: 4 }),
      embeddings: fc.float32Array({ maxLength: 5, noDefaultInfinity: true, noNaN: true }),
      type: fc.constantFrom(AnnotatorType.TOKEN, AnnotatorType.CHUNK),
    });
    fc.assert(
      fc.property(fc.array(fc.array(annotation, { maxLength: 6 }), { maxLength: 8 }), (generated) => {
        const data = generated.map((r) => r.map((a) => makeAnnotation(a.type, a.begin, a.begin + a.length - 1, a.result, a.metadata, a.embeddings)));
        const back = decodeAnnotations(annotationTable("c", "x", data).getChild("c")!, new Field("c", new Int32()));
        expect(json(back)).toEqual(json(data));
      }),
    );
  });
});

describe("validation on read", () => {
  it("names the column when the type is not an annotation list", () => {
    const vector = vectorFromArray(["a", "b"]);
    expect(() => decodeAnnotations(vector, new Field("text", new Utf8()))).toThrowError(/column "text": expected List<Struct/);
  });

  it("names the column when a required struct field is missing", () => {
    const fields = [new Field("begin", new Int32()), new Field("end", new Int32())];
    const struct = makeData({ type: new Struct(fields), length: 0, children: fields.map((f) => makeData({ type: f.type as Int32, length: 0 })) });
    const list = makeData({ type: new List(new Field("element", struct.type)), length: 1, valueOffsets: new Int32Array([0, 0]), child: struct });
    const table = new Table([new RecordBatch(new Schema([new Field("bad", list.type)]), makeData({ type: new Struct([new Field("bad", list.type)]), length: 1, children: [list] }))]);
    expect(() => roundTrip(table, "bad")).toThrowError(/column "bad": annotation struct lacks the field "annotatorType"/);
  });

  it("names the row when an annotation disagrees with the column's declared type", () => {
    const table = annotationTable("token", AnnotatorType.CHUNK, rows);
    try {
      roundTrip(table, "token");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AnnotationColumnError);
      expect((e as AnnotationColumnError).row).toBe(0);
      expect((e as Error).message).toMatch(/column "token", row 0: annotation 0 has annotatorType "token" but the column declares "chunk"/);
    }
  });

  it("names the row of invalid offsets", () => {
    const bad = [[], [makeAnnotation("token", 5, 2, "x")]];
    expect(() => roundTrip(annotationTable("t", "token", bad), "t")).toThrowError(/column "t", row 1: annotation 0 has invalid offsets begin=5 end=2/);
  });

  it("reads a null row as an empty list", () => {
    const column = encodeAnnotationData(rows);
    const field = annotationField("token", "token", column.type);
    const withNulls = (validity: number) =>
      makeData({ type: column.type, length: 3, nullCount: 1, nullBitmap: Uint8Array.from([validity]) as Uint8Array<ArrayBufferLike>, valueOffsets: Int32Array.from(column.valueOffsets), child: column.children[0]! as Data<AnnotationStruct> });
    const tableOf = (validity: number) =>
      new Table([new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: 3, children: [withNulls(validity)] }))]);
    expect(roundTrip(tableOf(0b101), "token").map((r) => r.length)).toEqual([2, 0, 1]);
    expect(roundTrip(tableOf(0b110), "token").map((r) => r.length)).toEqual([0, 0, 1]);
  });
});
