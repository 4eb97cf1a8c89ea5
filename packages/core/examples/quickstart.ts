import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { AnnotatorModel, param, type RowInputs, type StageParams } from "@kindling/core";

interface UpperParams extends StageParams {
  minLength: number;
}

/** An annotator in ten lines: declared params with defaults, typed input and output, a pure `annotate`. */
class CapitalWords extends AnnotatorModel<UpperParams> {
  readonly inputAnnotatorTypes = [AnnotatorType.DOCUMENT];
  readonly outputAnnotatorType = AnnotatorType.CHUNK;
  constructor(options?: Partial<UpperParams>) {
    super({ inputCols: param(["document"], "input"), outputCol: param("capitals", "output"), minLength: param(2, "shortest word kept") }, options);
  }
  get stageName() { return "CapitalWords"; }
  get packageName() { return "example"; }
  annotate([documents]: RowInputs): Annotation[] {
    const doc = documents![0];
    if (!doc) return [];
    return [...doc.result.matchAll(/\b[A-Z]{2,}\b/g)]
      .filter((m) => m[0].length >= this.get("minLength"))
      .map((m) => makeAnnotation(AnnotatorType.CHUNK, doc.begin + m.index, doc.begin + m.index + m[0].length - 1, m[0]));
  }
}

const text = "EKG and CBC were normal; BP stable.";
const document = makeAnnotation(AnnotatorType.DOCUMENT, 0, text.length - 1, text);
const capitals = new CapitalWords().setInputCols(["document"]).setOutputCol("capitals");
console.log(capitals.annotate([[document]]).map((a) => `${a.result} ${a.begin}-${a.end}`).join(", "));
console.log(capitals.explainParams());
