/**
 * Inner loops (no calls but the inlined quantiser) for programming the cells of *all-healthy* slots without programming
 * variation (the training hot path of CrossbarArray.programAll). With σp = 0 a cell's
 * conductance equals its target, so u arrays double as "last programmed target" arrays.
 *
 * For logical weight (i, j) on slot s = (permR[i], permC[j]) (s = i·cols + j when `identity`),
 * in float32 arithmetic (every operation rounded to float32, W = fround(wMax)), bit-identical to
 * the WebAssembly SIMD version (wasm/program.as) used when the permutations are the identity or
 * permute rows only (and the arrays live in wasm memory):
 *   t = clamp(w / W, −1, 1)      (|w| > W counted as clipped)
 *   differential: uP* = max(t, 0), uN* = max(−t, 0);   offset: u* = (t + 1)·0.5
 *   quantised (levels L > 0): u* ← roundHalfEven(u*·(L−1)) / (L−1)   (quantiseF32 below:
 *   the 'linear-levels' device model's fast path, devices/linear_levels.ts)
 *   a cell whose u* differs from its current u (NaN before the first write) is written
 *   (u ← u*, its write counter +1), and W_eff[i, j] = W·(uP − uN) (differential) or W·(2u − 1)
 *   (offset) is refreshed.
 * Slots with kind ≠ 0 (a stuck cell) are skipped here and handled by `programSpecialSlots`.
 * Results go into `out`: out[0] += cells written, out[1] += weights clipped.
 */

import { SlotKind } from './cell_state.js';

const f = Math.fround;

/** round to nearest, halves to even (wasm f32.nearest) */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * The float32 level rule of the all-healthy slots (halves to even), L > 0, lm = L − 1; the
 * 'linear-levels' model's fast-path quantiser (devices/linear_levels.ts says why it differs from
 * the model's float64 `quantise` at exact ties).
 */
export function quantiseF32(u: number, lm: number): number {
  return f(roundHalfEven(f(u * lm)) / lm);
}

export function programHealthyDifferential(
  val: Float32Array, wMax: number, rows: number, cols: number,
  permR: Int32Array, permC: Int32Array, identity: boolean,
  kind: Uint8Array, uP: Float32Array, uN: Float32Array, writesP: Uint32Array, writesN: Uint32Array,
  wEff: Float32Array, levels: number, out: Float64Array,
): void {
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
      let p = t > 0 ? t : 0, n = t < 0 ? -t : 0;
      if (quant) { p = quantiseF32(p, Lm); n = quantiseF32(n, Lm); }
      if (p !== uP[s]) { uP[s] = p; writesP[s]++; writes++; }
      if (n !== uN[s]) { uN[s] = n; writesN[s]++; writes++; }
      wEff[idx] = f(W * f(p - n));
    }
  }
  out[0] += writes;
  out[1] += clipped;
}

export function programHealthyOffset(
  val: Float32Array, wMax: number, rows: number, cols: number,
  permR: Int32Array, permC: Int32Array, identity: boolean,
  kind: Uint8Array, uP: Float32Array, writesP: Uint32Array,
  wEff: Float32Array, levels: number, out: Float64Array,
): void {
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
      let p = f(f(t + 1) * 0.5);
      if (quant) p = quantiseF32(p, Lm);
      if (p !== uP[s]) { uP[s] = p; writesP[s]++; writes++; }
      wEff[idx] = f(W * f(2 * p - 1));
    }
  }
  out[0] += writes;
  out[1] += clipped;
}

/**
 * The slots with a stuck cell, without programming variation: `special[k]` is the logical index
 * and `slot[k]` its physical slot. kind 3 (AllStuck): nothing to write (W_eff refreshed only when
 * `full`). Differential kind 1 (PStuck: G⁺ stuck at uP = s): the free G⁻ is programmed to
 * clamp(s − t, 0, 1); kind 2 (NStuck: G⁻ stuck at uN = s): G⁺ to clamp(s + t, 0, 1); quantised and
 * written only if changed, as above. W_eff = wMax·(uP − uN) (differential) or wMax·(2uP − 1).
 * Unlike the healthy loops this one computes in float64 (t = w·(1/wMax), the level table
 * lv[k] = fround(k/(L−1)) indexed by Math.round, i.e. halves rounded up: `model.quantise` of the
 * 'linear-levels' device model, the rule of the general path too; why two rules:
 * devices/linear_levels.ts). The WebAssembly backend runs a branch-free scalar port of it (wasm/program.as
 * `specialRange`: programSpecial, and inside programIdentity / programRows), bit-identical
 * (test/crossbar/program_backends.test.ts); this TS loop is the RRAMSIM_BACKEND=ts fallback.
 */
export function programSpecialSlots(
  val: Float32Array, wMax: number, special: Int32Array, slot: Int32Array, two: boolean,
  kind: Uint8Array, uP: Float32Array, uN: Float32Array, writesP: Uint32Array, writesN: Uint32Array,
  wEff: Float32Array, full: boolean, model: { quantise(u: number): number }, out: Float64Array,
): void {
  const inv = 1 / wMax;
  let writes = 0, clipped = 0;
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
      q = model.quantise(q);
      if (q !== uN[s]) { uN[s] = q; writesN[s]++; ch = 1; }
    } else if (kd === SlotKind.NStuck) {
      let q = uN[s] + t;
      q = q < 0 ? 0 : q > 1 ? 1 : q;
      q = model.quantise(q);
      if (q !== uP[s]) { uP[s] = q; writesP[s]++; ch = 1; }
    }
    if (ch > 0 || full) wEff[idx] = two ? wMax * (uP[s] - uN[s]) : wMax * (2 * uP[s] - 1);
    writes += ch;
  }
  out[0] += writes;
  out[1] += clipped;
}
