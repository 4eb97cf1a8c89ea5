import { makeData, Utf8, type Data, type LargeUtf8 } from "apache-arrow";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Encodes strings straight into one UTF-8 buffer plus offsets: the column-wise path, no per-value builder.
 * A JS string of n code units needs at most 3n bytes, which bounds the buffer before encoding.
 */
export function utf8Data(values: readonly string[]): Data<Utf8> {
  let capacity = 0;
  for (const s of values) capacity += s.length;
  let bytes = new Uint8Array(capacity * 3 + 16);
  const offsets = new Int32Array(values.length + 1);
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    const s = values[i]!;
    if (isAscii(s)) {
      for (let k = 0; k < s.length; k++) bytes[pos + k] = s.charCodeAt(k);
      pos += s.length;
    } else {
      pos += encoder.encodeInto(s, bytes.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  bytes = bytes.slice(0, pos);
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: bytes });
}

function isAscii(s: string): boolean {
  // Short strings dominate (tokens); a code-unit scan is cheaper than TextEncoder for them.
  if (s.length > 64) return false;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 0x7f) return false;
  return true;
}

/** Reads value `index` of a Utf8 Data chunk. Arrow JS slices offset and data buffers on `slice`, so no `data.offset` here. */
export function readUtf8(data: Data<Utf8> | Data<LargeUtf8>, index: number): string {
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  const start = Number(offsets[index]);
  const end = Number(offsets[index + 1]);
  const bytes = data.values;
  // ASCII fast path: decoding tiny strings through TextDecoder dominates otherwise.
  if (end - start <= 32) {
    let ascii = true;
    for (let k = start; k < end; k++) if (bytes[k]! > 0x7f) { ascii = false; break; }
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return decoder.decode(bytes.subarray(start, end));
}
