/**
 * Effect `device.drift`: conductance drift after programming, u(t) = u(t0)·(t/t0)^(−ν) with a
 * per-cell exponent ν (drift_law.ts, stream `drift/<layer>`), applied by the `drift` read stage at
 * the evaluation time t (read_stages/drift.ts). This effect gives the layer's device model the power
 * law when the model has no drift law of its own, tells the read stages the age t, and counts the
 * writes of the periodic refresh: ⌊t / refreshEvery⌋ · #{healthy cells with u > 0}.
 */
import { PowerLawDrift, readAge, refreshCount } from '../drift_law.js';
import type { CrossbarEffect } from './effect.js';

export const driftEffect: CrossbarEffect = {
  name: 'drift',
  field: 'device.drift',
  describe: 'conductance drift after programming (power law per cell), read at the evaluation time; refresh writes',
  active: (device) => device.drift !== undefined,
  onModel: (model, ctx) => {
    if (model.drift) return; // the model's own drift law wins
    const law = new PowerLawDrift(ctx.device.drift!, ctx.seed, ctx.layer);
    model.drift = (u, age, cell) => law.apply(u, age, cell);
  },
  readAge: (device) => readAge(device.drift!),
  extraWrites: ({ array: a, cellsPerWeight }, device) => {
    const k = refreshCount(device.drift!);
    if (k === 0) return 0;
    const two = cellsPerWeight === 2;
    let c = 0;
    for (let s = 0; s < a.slots; s++) {
      if (a.stateP[s] === 0 && a.uP[s] > 0) c++;
      if (two && a.stateN[s] === 0 && a.uN[s] > 0) c++;
    }
    return k * c;
  },
};
