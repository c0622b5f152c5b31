/**
 * Read stage 'drift': a read at age t seconds after programming returns
 * model.drift(u, t, cell), the device model's drift law (e.g. G(t) = G(t0)·(t/t0)^(−ν)). On when
 * the model defines `drift` and the read age is > 0; no config sets an age yet, so it is off for
 * every config without `device.drift` (the default model has no drift law of its own;
 * device_registry.ts attaches the power law of drift_law.ts when device.drift is given, and the
 * op sets the read age from device.drift.t and refreshEvery). Stuck cells do not drift.
 */
import { HEALTHY } from '../cell_state.js';
import type { ReadStage, ReadStageEntry } from './read_stage.js';

export const drift: ReadStageEntry = {
  name: 'drift',
  create(ctx): ReadStage | null {
    const model = ctx.model, age = ctx.readAge ?? 0;
    if (!model.drift || !(age > 0)) return null;
    const law = model.drift.bind(model);
    const cells = ctx.mapping.cellsPerWeight;
    const array = ctx.array;
    if (!array) return { name: 'drift', readCell: (u, slot, cell) => law(u, age, slot * cells + cell) };
    // stuck cells do not drift (their state is read at each call: wear-out may add stuck cells)
    const sP = array.stateP, sN = array.stateN;
    return {
      name: 'drift',
      readCell: (u, slot, cell) => ((cell === 0 ? sP[slot] : sN[slot]) !== HEALTHY ? u : law(u, age, slot * cells + cell)),
    };
  },
};
