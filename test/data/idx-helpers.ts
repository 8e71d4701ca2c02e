/** Building IDX files for tests. */

/** An IDX file of unsigned bytes: magic 0x000008<ndims>, big-endian dims, then the data. */
export function idxBytes(dims: number[], data: Uint8Array | number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 + dims.length);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Sum of the pixels of image `i` (features bytes each). */
export function pixelSum(pixels: Uint8Array, i: number, features: number): number {
  let s = 0;
  for (let j = i * features; j < (i + 1) * features; j++) s += pixels[j]!;
  return s;
}
