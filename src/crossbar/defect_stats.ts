/**
 * Spatial statistic of a defect map: the fraction of defective cells that have at least one
 * defective 8-neighbour (king-move adjacency inside the tile),
 *     S = #{defective cells with a defective 8-neighbour} / #{defective cells}.
 * For uniform i.i.d. defects at rate q (away from the border) E[S] = 1 − (1 − q)^8; clustered
 * maps score higher. Returns NaN when there is no defective cell.
 */
import { HEALTHY } from './cell_state.js';

export function neighbourFraction(state: Uint8Array, rows: number, cols: number): { withNeighbour: number; defective: number } {
  let def = 0, withN = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (state[r * cols + c] === HEALTHY) continue;
      def++;
      let found = false;
      for (let dr = -1; dr <= 1 && !found; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= rows) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const cc = c + dc;
          if ((dr === 0 && dc === 0) || cc < 0 || cc >= cols) continue;
          if (state[rr * cols + cc] !== HEALTHY) { found = true; break; }
        }
      }
      if (found) withN++;
    }
  }
  return { withNeighbour: withN, defective: def };
}

export function clusteringStatistic(state: Uint8Array, rows: number, cols: number): number {
  const { withNeighbour, defective } = neighbourFraction(state, rows, cols);
  return defective === 0 ? NaN : withNeighbour / defective;
}
