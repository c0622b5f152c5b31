/**
 * Effect `device.stuckG`: measured conductance ranges of stuck cells. Each stuck cell gets its own
 * conductance, one U(0, 1) per cell in index order from stream `stuck/<layer>`
 * (../stuck_conductance.ts), placed right after the defect maps, before the first programming.
 */
import { placeStuckConductances } from '../stuck_conductance.js';
import type { CrossbarEffect } from './effect.js';

export const stuckConductanceEffect: CrossbarEffect = {
  name: 'stuck conductances',
  field: 'device.stuckG',
  describe: 'each stuck cell at its own conductance drawn from measured ranges (instead of exactly gMax / gMin)',
  active: (device) => device.stuckG !== undefined,
  onCells: (c) => {
    placeStuckConductances(c.array, c.cellsPerWeight, c.device, c.device.stuckG!, c.seed, c.layer);
  },
};
