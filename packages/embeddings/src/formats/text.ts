import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { EmbeddingsFormatError } from "../errors.js";
import { EmbeddingsStorage } from "../storage.js";

export interface TextVectorsOptions {
  /** Keep only the first N words (files are usually sorted by frequency). */
  maxWords?: number;
}

/**
 * Reads word2vec's text format (a "count dimension" header line) or GloVe's (no header): one word per line
 * followed by its values, separated by single spaces. Streams the file, so large files need no more memory than
 * the matrix itself.
 */
export async function readTextVectors(path: string, options: TextVectorsOptions = {}): Promise<EmbeddingsStorage> {
  const maxWords = options.maxWords ?? Infinity;
  const words: string[] = [];
  let dimension = 0;
  let values = new Float32Array(0);
  let lineNo = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trimEnd();
      if (line.length === 0) continue;
      const parts = line.split(" ");
      if (lineNo === 1 && parts.length === 2 && /^\d+$/.test(parts[0]!) && /^\d+$/.test(parts[1]!)) {
        // word2vec header: size the matrix once.
        dimension = Number(parts[1]);
        values = new Float32Array(Math.min(Number(parts[0]), maxWords) * dimension);
        continue;
      }
      if (dimension === 0) dimension = parts.length - 1;
      if (parts.length - 1 !== dimension) {
        throw new EmbeddingsFormatError(path, `line ${lineNo} has ${parts.length - 1} values, expected ${dimension}`);
      }
      if ((words.length + 1) * dimension > values.length) {
        const grown = new Float32Array(Math.max(1024 * dimension, values.length * 2));
        grown.set(values);
        values = grown;
      }
      const base = words.length * dimension;
      for (let k = 0; k < dimension; k++) {
        const v = Number(parts[k + 1]);
        if (Number.isNaN(v)) throw new EmbeddingsFormatError(path, `line ${lineNo}: value ${k + 1} ("${parts[k + 1]}") is not a number`);
        values[base + k] = v;
      }
      words.push(parts[0]!);
      if (words.length >= maxWords) break;
    }
  } catch (e) {
    if (e instanceof EmbeddingsFormatError) throw e;
    throw new EmbeddingsFormatError(path, `cannot read vectors: ${(e as Error).message}`);
  } finally {
    lines.close();
  }
  if (words.length === 0) throw new EmbeddingsFormatError(path, "holds no vectors");
  return new EmbeddingsStorage(words, values.slice(0, words.length * dimension), dimension);
}
