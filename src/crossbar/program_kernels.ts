/**
 * Call-free inner loops for programming the cells of *all-healthy* slots without programming
 * variation (the training hot path of CrossbarArray.programAll). With σp = 0 a cell's
 * conductance equals its target, so u arrays double as "last programmed target" arrays.
 *
 * For logical weight (i, j) on slot s = (permR[i], permC[j]) (s = i·cols + j when `identity`):
 *   t = clamp(w / wMax, −1, 1)   (|w| > wMax counted as clipped)
 *   differential: uP* = max(t, 0), uN* = max(−t, 0);   offset: u* = (t + 1)/2
 *   quantised (levels L > 0): u* ← round(u*·(L−1))/(L−1); stored as float32
 *   a cell whose u* differs from its current u is written (u ← u*, its write counter +1), and
 *   W_eff[i, j] = wMax·(uP − uN)  (differential) or wMax·(2u − 1) (offset) is refreshed.
 * Slots with kind ≠ 0 (a stuck cell) are skipped (handled by CrossbarArray.program).
 * Results go into `out`: out[0] += cells written, out[1] += weights clipped.
 */

export function programHealthyDifferential(
  val: Float32Array, wMax: number, rows: number, cols: number,
  permR: Int32Array, permC: Int32Array, identity: boolean,
  kind: Uint8Array, uP: Float32Array, uN: Float32Array, writesP: Uint32Array, writesN: Uint32Array,
  wEff: Float32Array, full: boolean, levels: number, out: Float64Array,
): void {
  const inv = 1 / wMax, Lm = levels - 1, quant = levels > 0;
  let writes = 0, clipped = 0;
  for (let i = 0; i < rows; i++) {
    const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
    for (let j = 0; j < cols; j++) {
      const s = identity ? base + j : pr + permC[j];
      if (kind[s] !== 0) continue;
      const idx = base + j;
      const w = val[idx];
      let t: number;
      if (w > wMax) { t = 1; clipped++; } else if (w < -wMax) { t = -1; clipped++; } else t = w * inv;
      let p = t > 0 ? t : 0, n = t < 0 ? -t : 0;
      if (quant) { p = Math.round(p * Lm) / Lm; n = Math.round(n * Lm) / Lm; }
      p = Math.fround(p); n = Math.fround(n);
      let ch = 0;
      if (p !== uP[s]) { uP[s] = p; writesP[s]++; ch++; }
      if (n !== uN[s]) { uN[s] = n; writesN[s]++; ch++; }
      if (ch > 0 || full) wEff[idx] = wMax * (p - n);
      writes += ch;
    }
  }
  out[0] += writes;
  out[1] += clipped;
}

export function programHealthyOffset(
  val: Float32Array, wMax: number, rows: number, cols: number,
  permR: Int32Array, permC: Int32Array, identity: boolean,
  kind: Uint8Array, uP: Float32Array, writesP: Uint32Array,
  wEff: Float32Array, full: boolean, levels: number, out: Float64Array,
): void {
  const inv = 1 / wMax, Lm = levels - 1, quant = levels > 0;
  let writes = 0, clipped = 0;
  for (let i = 0; i < rows; i++) {
    const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
    for (let j = 0; j < cols; j++) {
      const s = identity ? base + j : pr + permC[j];
      if (kind[s] !== 0) continue;
      const idx = base + j;
      const w = val[idx];
      let t: number;
      if (w > wMax) { t = 1; clipped++; } else if (w < -wMax) { t = -1; clipped++; } else t = w * inv;
      let p = (t + 1) / 2;
      if (quant) p = Math.round(p * Lm) / Lm;
      p = Math.fround(p);
      if (p !== uP[s]) { uP[s] = p; writesP[s]++; writes++; wEff[idx] = wMax * (2 * p - 1); }
      else if (full) wEff[idx] = wMax * (2 * p - 1);
    }
  }
  out[0] += writes;
  out[1] += clipped;
}
