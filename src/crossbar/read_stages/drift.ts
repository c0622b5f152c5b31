/**
 * Read stage 'drift' (slot for issue 15): a read at age t seconds after programming returns
 * model.drift(u, t, cell), the device model's drift law (e.g. G(t) = G(t0)·(t/t0)^(−ν)). On when
 * the model defines `drift` and the read age is > 0; no config sets an age yet, so it is off for
 * every present config (and the default model has no drift law).
 */
import type { ReadStage, ReadStageEntry } from './read_stage.js';

export const drift: ReadStageEntry = {
  name: 'drift',
  create(ctx): ReadStage | null {
    const model = ctx.model, age = ctx.readAge ?? 0;
    if (!model.drift || !(age > 0)) return null;
    const law = model.drift.bind(model);
    const cells = ctx.mapping.cellsPerWeight;
    return {
      name: 'drift',
      readCell: (u, slot, cell) => law(u, age, slot * cells + cell),
    };
  },
};
