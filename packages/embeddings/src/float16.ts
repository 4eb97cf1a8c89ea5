/** IEEE 754 half → float32 for every 16-bit pattern, built once: converting a matrix is then one table lookup per value. */
let table: Float32Array | undefined;

function halfTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) table[h] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) table[h] = fraction ? NaN : sign * Infinity;
    else table[h] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return table;
}

/** Little-endian float16 bytes → a new Float32Array. */
export function float16ToFloat32(bytes: Uint8Array): Float32Array {
  const lookup = halfTable();
  const n = bytes.length >> 1;
  const out = new Float32Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = lookup[bytes[j]! | (bytes[j + 1]! << 8)]!;
  return out;
}
