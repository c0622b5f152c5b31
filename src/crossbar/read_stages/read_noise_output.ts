/**
 * Read noise, per-output model (`device.readNoiseModel: 'per-output'`): the exact distributional
 * form of per-cell Gaussian read noise, drawn on the outputs instead of the cells.
 *
 * Per-cell noise reads every cell as u + a(u)·z with z ~ N(0, 1) (a(u) = model.readNoise(u, 1) − u;
 * default model: a = σr·(u + g₀), i.e. G·(1 + σr z)); the mapping is linear in u, so weight (i, j)
 * reads w_ij + wMax·(dP_ij·zP + dN_ij·zN) with dP = weight(uP + aP, uN) − weight(uP, uN) and dN
 * likewise (differential: dP = aP, dN = −aN; offset: dN = 0, the reference column is not read).
 * With independent z per sample b (a fresh read for every input vector) the output
 *     y_bj = Σ_i x_bi·w_ij + wMax·Σ_i x_bi·(dP_ij zP + dN_ij zN)
 * is Gaussian with mean Σ_i x_bi w_ij and variance
 *     V_bj = Σ_i x_bi² · S_ij,   S_ij = wMax²·(dP_ij² + dN_ij²)
 * so one extra GEMM (X∘X)·S and one normal per output per sample give exactly that distribution:
 *     y_bj ← y_bj + √V_bj · ζ_bj  (float32 operations),   ζ_bj = z(f, e) of the counter-based
 *     generator (counter_normal.ts: float32 Box–Muller, outputs e and e + 1 share a pair)
 * keyed by stream 'read/<layer>', f = the forward's number, e = the output's index (b·cols + j;
 * tiled: per tile, onto its partial sums before the tile stages, e offset by the tile's index).
 * Affine fast form: when a(u) = α + β·u and weight(uP, uN) = w₀ + cP·uP + cN·uN (checked at
 * construction at u = 0, ½, 1 for the model and at the corners and centre for the mapping, true for
 * 'linear-levels' with both mappings), S_ij = wMax²·((cP·a(uP))² + (cN·a(uN))²) in one tight loop
 * (kP = wMax·cP: dP = kP·α + kP·β·uP);
 * otherwise the general loop through model.readNoise and mapping.weight. With identity routing and the
 * 'native' backend the affine loop runs in the addon (readVariance, src/native/kernels_impl.h: the
 * same float64 operations in the same order, one float32 rounding: identical bits, tested), and so
 * does the output step (outputNoise, src/native/noise_f32.h: the same float32 operations); untiled,
 * the addon even computes S while packing it for the GEMM (gemmVariance, read_path.ts), never
 * storing it.
 * Differences from 'per-cell' (read_noise.ts; the model of points without the key): 'per-cell' draws one z per cell per
 * forward and shares it by every sample of the batch (per-batch weight noise: outputs of different
 * samples are correlated); 'per-output' is independent per sample (per-sample output noise), and
 * its gradient uses the noiseless W_eff (the noise term is not differentiated), where 'per-cell'
 * back-propagates through the noisy read. Requires read noise linear in z (true for every model
 * here: readNoise(u, z) = u + z·a(u)).
 */
import { nativeFor } from '../../kernels/elementwise_dispatch.js';
import { stream } from '../../util/rng.js';
import { CounterNormal } from '../counter_normal.js';
import type { CrossbarArray } from '../crossbar_array.js';
import type { DeviceModel } from '../device_model.js';
import type { WeightMapping } from '../mapping.js';
import type { Routing } from '../routing.js';
import type { ReadStage, ReadStageContext } from './read_stage.js';

export class OutputReadNoise implements ReadStage {
  readonly name = 'read-noise';
  private z = new Float32Array(0);
  private readonly coef = new Float64Array(4);
  /** the affine fast form (α, β, cP, cN), or null */
  private readonly affine: { alpha: number; beta: number; cP: number; cN: number } | null;
  constructor(private readonly model: DeviceModel, private readonly mapping: WeightMapping, private readonly gen: CounterNormal) {
    const a = (u: number) => model.readNoise(u, 1) - u;
    const alpha = a(0), beta = a(1) - a(0);
    const w = (p: number, q: number) => mapping.weight(p, q);
    const w0 = w(0, 0), cP = w(1, 0) - w0, cN = mapping.cellsPerWeight === 2 ? w(0, 1) - w0 : 0;
    const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x), Math.abs(y));
    const ok = close(a(0.5), alpha + 0.5 * beta) && close(w(1, 1), w0 + cP + cN) && close(w(0.5, 0.25), w0 + 0.5 * cP + 0.25 * cN);
    this.affine = ok ? { alpha, beta, cP, cN } : null;
  }

  /** S (rows x cols, logical layout) = wMax²·(dP² + dN²) of the cells as programmed now */
  variance(array: CrossbarArray, routing: Routing, wMax: number, rows: number, cols: number, S: Float32Array): void {
    if (this.affine !== null) { this.affineVariance(array, routing, wMax, rows, cols, S); return; }
    const { model, mapping } = this;
    const two = mapping.cellsPerWeight === 2;
    const uP = array.uP, uN = array.uN;
    const { permR, permC } = routing;
    const w2 = wMax * wMax;
    for (let i = 0; i < rows; i++) {
      const pr = permR[i] * cols, base = i * cols;
      for (let j = 0; j < cols; j++) {
        const s = pr + permC[j];
        const p = uP[s], q = uN[s];
        const w0 = mapping.weight(p, q);
        const dP = mapping.weight(model.readNoise(p, 1), q) - w0;
        let v = dP * dP;
        if (two) {
          const dN = mapping.weight(p, model.readNoise(q, 1)) - w0;
          v += dN * dN;
        }
        S[base + j] = w2 * v;
      }
    }
  }

  /**
   * [aP, bP, aN, bN] of the affine loop for this wMax (S = (aP + bP·uP)² + (aN + bN·uN)², float64,
   * one float32 rounding) into out; false when the read noise is not affine
   */
  affineCoefficients(wMax: number, out: Float64Array): boolean {
    if (this.affine === null) return false;
    const { alpha, beta, cP, cN } = this.affine;
    const kP = wMax * cP, kN = wMax * cN;
    out[0] = kP * alpha; out[1] = kP * beta; out[2] = kN * alpha; out[3] = kN * beta;
    return true;
  }

  private affineVariance(array: CrossbarArray, routing: Routing, wMax: number, rows: number, cols: number, S: Float32Array): void {
    const c = this.coef;
    this.affineCoefficients(wMax, c);
    const uP = array.uP, uN = array.uN;
    const aP = c[0], bP = c[1], aN = c[2], bN = c[3];
    if (routing.identity) {
      const nk = nativeFor();
      if (nk !== null && nk.readVariance) { nk.readVariance(uP, uN, S, rows * cols, aP, bP, aN, bN); return; }
      for (let s = 0, n = rows * cols; s < n; s++) {
        const dP = aP + bP * uP[s], dN = aN + bN * uN[s];
        S[s] = dP * dP + dN * dN;
      }
      return;
    }
    const { permR, permC } = routing;
    for (let i = 0; i < rows; i++) {
      const pr = permR[i] * cols, base = i * cols;
      for (let j = 0; j < cols; j++) {
        const s = pr + permC[j];
        const dP = aP + bP * uP[s], dN = aN + bN * uN[s];
        S[base + j] = dP * dP + dN * dN;
      }
    }
  }

  /** y[k] ← y[k] + √v[k] · z(f, e0 + k), k < len (e0 even), float32 operations */
  outputs(y: Float32Array, v: Float32Array, len: number, f: number, e0: number): void {
    const nk = nativeFor();
    if (nk !== null) { nk.outputNoise(y, v, len, this.gen.base(f) >>> 0, e0 >>> 0); return; }
    // the draws are float32 values: a Float32Array holds them exactly (grow-only, no allocation per step)
    if (this.z.length < len) this.z = new Float32Array(len);
    const z = this.z, fr = Math.fround;
    this.gen.fill(f, e0, z, 0, len);
    for (let k = 0; k < len; k++) y[k] = fr(y[k] + fr(fr(Math.sqrt(v[k])) * z[k]));
  }
}

export function createOutputReadNoise(ctx: ReadStageContext): OutputReadNoise {
  return new OutputReadNoise(ctx.model, ctx.mapping, new CounterNormal(stream(ctx.seed, `read/${ctx.layer}`)));
}
