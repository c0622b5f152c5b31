/**
 * Effect `crossbar.spareColumns` = f (method `spare`): a layer of `cols` outputs gets
 * S = ceil(f·cols) extra physical columns in the same array (defects drawn like every other
 * column). The array and the column assignment are built by ../spare_columns_op.ts from this count.
 */
import type { CrossbarEffect } from './effect.js';

/** number of spare columns of a layer with `cols` outputs */
export function spareCount(cols: number, fraction: number): number {
  return Math.max(0, Math.ceil(fraction * cols - 1e-9));
}

export const spareColumnsEffect: CrossbarEffect = {
  name: 'spare columns',
  field: 'crossbar.spareColumns',
  describe: 'S = ceil(f·cols) spare columns per layer that the column assignment may use instead of defective ones',
  active: (_device, crossbar) => (crossbar.spareColumns ?? 0) > 0,
  extraColumns: (cols, crossbar) => spareCount(cols, crossbar.spareColumns ?? 0),
};
