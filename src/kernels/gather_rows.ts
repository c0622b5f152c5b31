/**
 * Mini-batch gather (src/nn/train.ts):  dst[i·d + t] = src[perm[start + i]·d + t],  i < b, t < d,
 * i.e. row i of the batch is example perm[start + i]. Exact copies, so every backend gives the
 * same bits; with the 'native' backend one memcpy per row in the addon. No allocation.
 */
import { nativeFor, need } from './elementwise_dispatch.js';

export function gatherRows(src: Float32Array, perm: Int32Array, start: number, b: number, d: number, dst: Float32Array): void {
  need('gatherRows', 'dst', dst, b * d);
  const nk = nativeFor();
  if (nk) { nk.gatherRows(src, perm, start, b, d, dst); return; }
  for (let i = 0; i < b; i++) {
    let so = perm[start + i] * d, o = i * d;
    const end = o + d;
    while (o < end) dst[o++] = src[so++];
  }
}
