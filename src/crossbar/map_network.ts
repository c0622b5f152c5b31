/**
 * Map every weight layer (Dense, Conv2d) of a network onto crossbars: each layer's op becomes a
 * CrossbarMatrixOp over the same logical weight Param, built by the factory
 * (crossbar_op_factory.ts) with the point's device, crossbar and defect specs. Defect maps come
 * from `stream(seed, 'defects/<layer name>/tile<r>_<c>')`, programming variation from
 * 'prog/<layer>', read noise from 'read/<layer>'. If a layer is already on a crossbar its weight is
 * re-mapped. Returns the new ops in layer order.
 */
import type { MatrixOp } from '../nn/matrix_op.js';
import type { CrossbarMatrixOp } from './crossbar_matrix_op.js';
import { makeCrossbarOp, type CrossbarPoint } from './crossbar_op_factory.js';
import { resolveCrossbar } from './crossbar_spec.js';
import { validateDefects } from './defect_generator.js';
import { resolveDevice } from './device.js';

/** the part of a Network this needs (src/nn/network.ts) */
export interface MappableNetwork {
  weightLayers(): { name: string; op: MatrixOp }[];
}

export function mapNetwork(
  net: MappableNetwork,
  point: Pick<CrossbarPoint, 'device' | 'crossbar' | 'defects'>,
  seed: number,
  opts: { dacRange?: number; adcRange?: number } = {},
): CrossbarMatrixOp[] {
  const resolved = {
    device: resolveDevice(point.device), crossbar: resolveCrossbar(point.crossbar),
    defects: validateDefects(point.defects), seed,
  };
  const ops: CrossbarMatrixOp[] = [];
  for (const l of net.weightLayers()) {
    const op = makeCrossbarOp(l.op.weight, l.name, resolved, opts);
    l.op = op;
    ops.push(op);
  }
  return ops;
}

/** every tile defect map of a mapped network, in the `defect_tile.json` artefact format */
export function networkDefectMaps(ops: CrossbarMatrixOp[]) {
  return ops.flatMap((o) => o.defectMapJSON());
}
