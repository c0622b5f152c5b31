/**
 * Effect `scrub` (test only): the worked example of docs/DESIGN.md "How to add an effect". A
 * periodic scrub rewrites every healthy cell once before the evaluation, so it costs
 *     extraWrites = #{healthy cells}
 * (counted with the drift refresh in `refreshWrites`); it also records every layer whose cells it
 * saw (onCells), so a test can check where and in which order the registry applies it. It draws
 * nothing and changes no conductance, so every other number stays the same.
 */
import type { CrossbarEffect } from '../../src/crossbar/effects/effect.js';

export const scrubbedLayers: string[] = [];

export const scrubEffect: CrossbarEffect = {
  name: 'scrub',
  field: '(test only: on while registered)',
  describe: 'rewrite every healthy cell once before the evaluation',
  active: () => true,
  onCells: (c) => { scrubbedLayers.push(`${c.layer} ${c.rows}x${c.cols}`); },
  extraWrites: ({ array: a, cellsPerWeight }) => {
    let n = 0;
    for (let s = 0; s < a.slots; s++) n += (a.stateP[s] === 0 ? 1 : 0) + (cellsPerWeight === 2 && a.stateN[s] === 0 ? 1 : 0);
    return n;
  },
};
