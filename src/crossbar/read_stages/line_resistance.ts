/**
 * Read stage 'line-resistance' (slot for issue 15): word-line and bit-line segment resistance
 * make each tile's column currents depend on the whole tile (IR drop); the stage will correct
 * each tile's partial sums from the tile's inputs and weights (TileProduct). No config field
 * switches it on yet, so it is off for every present config.
 */
import type { ReadStage, ReadStageEntry } from './read_stage.js';

export const lineResistance: ReadStageEntry = {
  name: 'line-resistance',
  create(): ReadStage | null {
    return null;
  },
};
