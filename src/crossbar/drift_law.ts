/**
 * Conductance drift after programming: a power law with a per-cell exponent (config `device.drift`,
 * after Ielmini et al.'s relaxation law as used by aihwkit's PCM/RRAM noise models):
 *
 *     G(t) − gMin = (G(t0) − gMin) · (t / t0)^(−ν)      i.e.  u(t) = u(t0) · (t / t0)^(−ν),  t ≥ t0
 *     u(t) = u(t0)                                        for t ≤ t0 (the law starts at t0)
 *
 * so a cell decays toward gMin (HRS) and never below it; for G ≫ gMin this is the plain power law
 * G(t) = G(t0)·(t/t0)^(−ν). ν is drawn once per cell from N(nuMean, nuStd²) clipped at 0 (ν ≥ 0:
 * conductance never grows), from the stream `drift/<layer>`, the k-th draw for cell index k =
 * slot·cellsPerWeight + c (c = 0 for G⁺ / the offset cell, 1 for G⁻), drawn in index order
 * (lazily, so draws depend only on the index). Stuck cells do not drift (the read stage skips them).
 *
 * Evaluation time t (`device.drift.t`, seconds after programming, t ≥ t0; an axis of the sweep) and
 * optional periodic refresh (`refreshEvery` = R > t0 seconds: every healthy cell is reprogrammed at
 * t = R, 2R, …, back to its programmed level): the read age is
 *     a(t) = t − R·⌊t / R⌋      (no refresh: a = t)
 * and each refresh rewrites every healthy cell that has drifted (u > 0 at the refresh): refresh writes
 * = ⌊t / R⌋ · #{healthy cells with u > 0} (drift_writes on the op).
 */
import { UserError } from '../util/errors.js';
import { stream } from '../util/rng.js';
import { NormalSource } from './gaussian.js';
import type { DriftSpec } from './device_spec.js';

/** the read age a(t) of the header (seconds since the last programming or refresh) */
export function readAge(d: DriftSpec): number {
  const R = d.refreshEvery;
  return R !== undefined && R > 0 ? d.t - R * Math.floor(d.t / R) : d.t;
}

/** number of refreshes up to t: ⌊t / R⌋ (0 without refresh) */
export function refreshCount(d: DriftSpec): number {
  const R = d.refreshEvery;
  return R !== undefined && R > 0 ? Math.floor(d.t / R) : 0;
}

/** Cross-field rules: t ≥ t0 (reads after the law starts), refreshEvery > t0. */
export function driftConflict(d: DriftSpec, path = 'device.drift'): void {
  if (!(d.t >= d.t0)) {
    throw new UserError(`${path}.t: the evaluation time ${d.t} s is before t0 = ${d.t0} s (the first read after programming); allowed: t >= t0`, `${path}.t`);
  }
  if (d.refreshEvery !== undefined && !(d.refreshEvery > d.t0)) {
    throw new UserError(`${path}.refreshEvery: ${d.refreshEvery} s must be above t0 = ${d.t0} s (a refresh before the first read); allowed: > t0, or leave it out`, `${path}.refreshEvery`);
  }
}

export class PowerLawDrift {
  private nu = new Float64Array(0);
  private drawn = 0;
  private readonly z: NormalSource;

  constructor(private readonly spec: DriftSpec, seed: number, layer: string) {
    this.z = new NormalSource(stream(seed, `drift/${layer}`));
  }

  /** ν of cell k (drawn in index order on first use) */
  nuOf(k: number): number {
    if (k >= this.drawn) {
      if (k >= this.nu.length) {
        const grown = new Float64Array(Math.max(k + 1, 2 * this.nu.length, 1024));
        grown.set(this.nu.subarray(0, this.drawn));
        this.nu = grown;
      }
      const { nuMean, nuStd } = this.spec;
      for (let i = this.drawn; i <= k; i++) this.nu[i] = Math.max(0, nuMean + nuStd * this.z.next());
      this.drawn = k + 1;
    }
    return this.nu[k];
  }

  /** u(age) = u · (max(age, t0)/t0)^(−ν_k) */
  apply(u: number, age: number, k: number): number {
    const t0 = this.spec.t0;
    if (!(age > t0)) return u;
    return u * Math.pow(age / t0, -this.nuOf(k));
  }
}
