/**
 * The fast programming pass WITH counter-based programming variation (`device.progNoiseModel:
 * 'counter'`, prog_noise_counter.ts), TS reference: used by the 'ts' and 'wasm' backends; the
 * native addon runs the same formulas vectorised (src/native/program_impl.h, `noise` part) with the
 * same bits (test/crossbar/prog_noise_counter.test.ts).
 *
 * Levels and write decisions are those of the noiseless kernels (program_kernels.ts): the healthy
 * slots in float32 (quantiseF32, halves to even), the slots with a stuck cell in float64 (Math.round,
 * halves up), but a cell's *target* (tgtP / tgtN, NaN before its first write) is kept apart from
 * its conductance u. A cell whose new level q differs from its target is written: target ← q,
 * writes + 1, u ← landCounter(q, key, b(f), 2s + c) (float32; c = 0: G⁺ / offset cell, 1: G⁻).
 * W_eff from the conductances: healthy f32(W·f32(uP − uN)) / f32(W·f32(2uP − 1)) every pass
 * (W = f32(wMax)); special slots f32(wMax·(uP − uN)) / f32(wMax·(2uP − 1)) (float64) where written
 * or when `full`. Slot s of logical (i, j) = (permR[i], permC[j]) (i·cols + j when `identity`).
 * Results: out[0] = cells written, out[1] = weights clipped.
 */
import { SlotKind } from './cell_state.js';
import { landCounter, type ProgNoiseKey } from './prog_noise_counter.js';
import { quantiseF32 } from './program_kernels.js';

const f = Math.fround;

export interface NoisePass {
  /** the layer's key (σ, g₀, quantile table) */
  key: ProgNoiseKey;
  /** base word of this pass (ProgNoiseKey.passWord) */
  b: number;
}

function quantise64(q: number, levels: number): number {
  if (levels <= 0) return f(q);
  const lm = levels - 1, x = q * lm, r = Math.floor(x);
  return f((r + (x - r >= 0.5 ? 1 : 0)) / lm);
}

export function programNoisyTS(
  val: Float32Array, wMax: number, rows: number, cols: number,
  permR: Int32Array, permC: Int32Array, identity: boolean, two: boolean,
  kind: Uint8Array, uP: Float32Array, uN: Float32Array, tP: Float32Array, tN: Float32Array,
  writesP: Uint32Array, writesN: Uint32Array, wEff: Float32Array, levels: number,
  special: Int32Array, slot: Int32Array, full: boolean, noise: NoisePass, out: Float64Array,
): void {
  const { key, b } = noise;
  const W = f(wMax), Lm = levels - 1, quant = levels > 0;
  let writes = 0, clipped = 0;
  for (let i = 0; i < rows; i++) {
    const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
    for (let j = 0; j < cols; j++) {
      const s = identity ? base + j : pr + permC[j];
      if (kind[s] !== SlotKind.AllHealthy) continue;
      const idx = base + j;
      const w = val[idx];
      if (w > W || w < -W) clipped++;
      let t = f(w / W);
      t = t > 1 ? 1 : t < -1 ? -1 : t;
      if (two) {
        let p = t > 0 ? t : 0, n = t < 0 ? -t : 0;
        if (quant) { p = quantiseF32(p, Lm); n = quantiseF32(n, Lm); }
        if (p !== tP[s]) { tP[s] = p; writesP[s]++; writes++; uP[s] = landCounter(p, key, b, 2 * s); }
        if (n !== tN[s]) { tN[s] = n; writesN[s]++; writes++; uN[s] = landCounter(n, key, b, 2 * s + 1); }
        wEff[idx] = f(W * f(uP[s] - uN[s]));
      } else {
        let p = f(f(t + 1) * 0.5);
        if (quant) p = quantiseF32(p, Lm);
        if (p !== tP[s]) { tP[s] = p; writesP[s]++; writes++; uP[s] = landCounter(p, key, b, 2 * s); }
        wEff[idx] = f(W * f(2 * uP[s] - 1));
      }
    }
  }
  const inv = 1 / wMax;
  for (let k = 0; k < special.length; k++) {
    const idx = special[k], s = slot[k];
    const w = val[idx];
    let t: number;
    if (w > wMax) { t = 1; clipped++; } else if (w < -wMax) { t = -1; clipped++; } else t = w * inv;
    const kd = kind[s];
    let ch = 0;
    if (kd === SlotKind.PStuck) {
      let q = uP[s] - t;
      q = q < 0 ? 0 : q > 1 ? 1 : q;
      q = quantise64(q, levels);
      if (q !== tN[s]) { tN[s] = q; writesN[s]++; ch = 1; uN[s] = landCounter(q, key, b, 2 * s + 1); }
    } else if (kd === SlotKind.NStuck) {
      let q = uN[s] + t;
      q = q < 0 ? 0 : q > 1 ? 1 : q;
      q = quantise64(q, levels);
      if (q !== tP[s]) { tP[s] = q; writesP[s]++; ch = 1; uP[s] = landCounter(q, key, b, 2 * s); }
    }
    if (ch > 0 || full) wEff[idx] = two ? wMax * (uP[s] - uN[s]) : wMax * (2 * uP[s] - 1);
    writes += ch;
  }
  out[0] = writes;
  out[1] = clipped;
}
