/**
 * Effect `device.endurance`: write endurance. Every cell gets a write budget (streams
 * `endurance/<layer>` and `endurance/<layer>/state`, ../endurance.ts); a cell that exceeds it is
 * worn out and stays stuck. Attached to the cells after the defect maps and the stuck
 * conductances, before the first programming (which already counts).
 */
import { Endurance } from '../endurance.js';
import type { CrossbarEffect } from './effect.js';

export const enduranceEffect: CrossbarEffect = {
  name: 'endurance',
  field: 'device.endurance',
  describe: 'per-cell write budgets; a worn-out cell stays stuck (found by fault detection)',
  active: (device) => device.endurance !== undefined,
  onCells: (c) => {
    c.array.attachEndurance(new Endurance(c.device.endurance!, c.seed, c.layer, c.rows * c.cols, c.cellsPerWeight, (st) => c.model.stuckU(st)));
  },
};
