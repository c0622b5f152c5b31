/**
 * Device model 'lognormal-d2d': the 'linear-levels' cell with a fixed device-to-device (per-cell)
 * lognormal variation, after Chen et al., DATE 2017 (w·e^θ, θ ~ N(0, σ²), θ a fixed property of
 * each device that training can learn). Each cell c of a mapped layer has one factor, drawn once:
 *
 *   θ_c = σ·z_c,  z_c = the c-th draw of NormalSource(stream(seed, 'd2d/<layer>'))
 *                 (one standard normal per cell, in cell-index order; c = s·cellsPerWeight + b,
 *                  s the physical slot, b = 0 for G⁺ / the offset cell, 1 for G⁻: the index the
 *                  drift hook gets)
 *   f_c = e^{θ_c}
 *   quantise:  q = linear-levels quantise(u*)                      (the level aimed at)
 *   land:      u = (u_ll + g₀)·f_c − g₀,  u_ll = linear-levels land(q),  g₀ = gMin/(gMax − gMin)
 *              i.e. G = G_ll·e^{θ_c}: a cell written to conductance G lands at G·e^{θ_c} on every
 *              write (with device.progSigma > 0 the per-write variation e^{σp z} multiplies on top).
 *   Not clamped to [gMin, gMax] (as the per-write progSigma law): Chen's w·e^θ is unbounded, and a
 *   clamp at gMax would cap every large weight on a cell with θ > 0, a different model.
 *   stuck: u = 0 / 1 (a defect is not a write: no factor); free range [0, 1].
 * Differential pair: the weight sits on one cell, the other at gMin (u = 0), so
 *   w = wMax·(uP − uN) ≈ wMax·t·e^{θ_c} + wMax·g₀·(e^{θ_c} − e^{θ_c'})   (c the written cell)
 * which is Chen's w·e^θ up to the idle cell's g₀ term (g₀ = 10⁻⁴ at on/off 10⁴).
 * Parameters (device.modelParams): sigma ∈ [0, 4] (σ of θ, default 0.5). sigma = 0 is the
 * 'linear-levels' cell exactly (same fast path, same results). The physical cell keeps its factor
 * through re-mapping (a permutation moves weights onto other cells, not the factors).
 */
import type { DeviceSpec } from '../device_spec.js';
import { stream } from '../../util/rng.js';
import type { DeviceModelContext, DeviceModelEntry, FastPath } from '../device_model.js';
import { uOffset } from '../device.js';
import { NormalSource } from '../gaussian.js';
import { LinearLevelsDevice } from './linear_levels.js';
import { numParams } from './params.js';

/** e^{σ z_c} for cells c = 0, 1, …, drawn in index order on first use (grows by doubling) */
export class CellFactors {
  private f = new Float64Array(0);
  private n = 0;
  private readonly src: NormalSource;

  constructor(seed: number, layer: string, private readonly sigma: number) {
    this.src = new NormalSource(stream(seed, `d2d/${layer}`));
  }

  /** the factor of cell c (draws cells n..c first if not yet drawn) */
  get(c: number): number {
    if (c >= this.n) this.grow(c);
    return this.f[c];
  }

  private grow(c: number): void {
    if (c >= this.f.length) {
      const next = new Float64Array(Math.max(c + 1, 2 * this.f.length, 1024));
      next.set(this.f.subarray(0, this.n));
      this.f = next;
    }
    for (let k = this.n; k <= c; k++) this.f[k] = Math.exp(this.sigma * this.src.next());
    this.n = c + 1;
  }
}

class LognormalD2dDevice extends LinearLevelsDevice {
  override readonly name = 'lognormal-d2d';
  private readonly g0: number = 0.5;
  private readonly factors: CellFactors | null;

  constructor(spec: DeviceSpec, ctx: DeviceModelContext, sigma: number) {
    super(spec, ctx);
    this.g0 = uOffset(spec);
    this.factors = sigma > 0 ? new CellFactors(ctx.seed, ctx.layer, sigma) : null;
    // sigma > 0: lands off target, programmed slot by slot (program_generic.ts, which passes the
    // cell index); sigma = 0: the parent's fastPath / landsOffTarget as set by its constructor
    if (this.factors !== null) {
      const self = this as { fastPath: FastPath | null; landsOffTarget: boolean };
      self.fastPath = null;
      self.landsOffTarget = true;
    }
  }

  override land(q: number, cell: number): number {
    const u = super.land(q);
    const fc = this.factors;
    if (fc === null) return u;
    return (u + this.g0) * fc.get(cell) - this.g0;
  }
}

const check = numParams('lognormal-d2d', {
  sigma: { min: () => 0, max: () => 4, default: () => 0.5, describe: 'std of the fixed per-cell log-conductance factor theta' },
});

export const lognormalD2d: DeviceModelEntry = {
  name: 'lognormal-d2d',
  describe: "the 'linear-levels' cell with a fixed per-cell factor e^theta, theta ~ N(0, sigma^2) drawn once per cell from 'd2d/<layer>' (Chen et al. DATE 2017)",
  params: check,
  create: (d, p, ctx) => new LognormalD2dDevice(d, ctx, p.sigma),
};
