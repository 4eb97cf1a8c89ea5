import { open } from "node:fs/promises";
import { EmbeddingsFormatError } from "../errors.js";
import { EmbeddingsStorage } from "../storage.js";
import type { TextVectorsOptions } from "./text.js";

const CHUNK = 1 << 22;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Reads word2vec's binary format: a "count dimension\n" header, then per word its UTF-8 bytes, a space and
 * `dimension` little-endian float32 values (some writers add a newline after each vector). Read in chunks so
 * multi-gigabyte files never sit whole in memory.
 */
export async function readWord2VecBinary(path: string, options: TextVectorsOptions = {}): Promise<EmbeddingsStorage> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw new EmbeddingsFormatError(path, `cannot open: ${(e as Error).message}`);
  }
  try {
    let buffer = new Uint8Array(0);
    let pos = 0;
    let eof = false;
    /** Makes at least `n` unread bytes available unless the file ends first. */
    const need = async (n: number): Promise<boolean> => {
      while (buffer.length - pos < n && !eof) {
        const chunk = new Uint8Array(Math.max(CHUNK, n));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) eof = true;
        const merged = new Uint8Array(buffer.length - pos + bytesRead);
        merged.set(buffer.subarray(pos));
        merged.set(chunk.subarray(0, bytesRead), buffer.length - pos);
        buffer = merged;
        pos = 0;
      }
      return buffer.length - pos >= n;
    };
    const readUntil = async (byte: number, what: string): Promise<string> => {
      for (;;) {
        const at = buffer.indexOf(byte, pos);
        if (at >= 0) {
          const s = utf8.decode(buffer.subarray(pos, at));
          pos = at + 1;
          return s;
        }
        if (!(await need(buffer.length - pos + 1))) throw new EmbeddingsFormatError(path, `truncated while reading ${what}`);
      }
    };

    const header = (await readUntil(0x0a, "the header")).trim().split(/\s+/);
    const count = Number(header[0]);
    const dimension = Number(header[1]);
    if (header.length !== 2 || !Number.isInteger(count) || !Number.isInteger(dimension) || dimension <= 0) {
      throw new EmbeddingsFormatError(path, `header "${header.join(" ")}" is not "count dimension"`);
    }
    const n = Math.min(count, options.maxWords ?? Infinity);
    const words: string[] = new Array(n);
    const matrix = new Float32Array(n * dimension);
    const bytesPerVector = dimension * 4;
    for (let i = 0; i < n; i++) {
      // Skip the optional newline left after the previous vector.
      if ((await need(1)) && buffer[pos] === 0x0a) pos++;
      words[i] = await readUntil(0x20, `word ${i + 1}`);
      if (!(await need(bytesPerVector))) throw new EmbeddingsFormatError(path, `truncated in the vector of word ${i + 1} ("${words[i]}")`);
      const view = new DataView(buffer.buffer, buffer.byteOffset + pos, bytesPerVector);
      for (let k = 0; k < dimension; k++) matrix[i * dimension + k] = view.getFloat32(k * 4, true);
      pos += bytesPerVector;
    }
    return new EmbeddingsStorage(words, matrix, dimension);
  } finally {
    await handle.close();
  }
}
