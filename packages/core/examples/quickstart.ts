import { AnnotatorType, makeAnnotation, type Annotation } from "@kindling/annotation";
import { AnnotatorModel, LightPipeline, Pipeline, param, type RowInputs, type StageParams } from "@kindling/core";
import { DocumentAssembler } from "@kindling/document";

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

const model = await new Pipeline([new DocumentAssembler(), new CapitalWords({ minLength: 3 })]).fit();
const light = new LightPipeline(model);
console.log(JSON.stringify(await light.annotate("EKG and CBC were normal; BP stable.")));
