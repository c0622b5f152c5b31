/**
 * Attaching LoRA adapters to the weight layers of a network.
 *
 * Each selected layer's current op (digital, or already mapped onto its defective crossbar)
 * becomes the frozen base of a `LoraMatrixOp`; the adapters A (rows x r) and B (r x cols) get
 * their own ops from `factory` (digital for reference runs, a `CrossbarMatrixOp` on its own
 * defective array when deployed).
 */
import type { MatrixOp } from '../../nn/matrix_op.js';
import { DigitalMatrixOp } from '../../nn/matrix_op.js';
import type { Param } from '../../nn/param.js';
import { UserError } from '../../util/errors.js';
import { LoraMatrixOp, makeAdapterParams } from './lora_matrix_op.js';

/** what attaching needs from a weight layer (Dense, Conv2d: see src/nn/weight_layer.ts) */
export interface AdaptableLayer {
  readonly name: string;
  op: MatrixOp;
}

export type AdapterRole = 'A' | 'B';
/** makes the op an adapter matrix runs on (its Param is already initialised) */
export type AdapterOpFactory = (layer: string, role: AdapterRole, p: Param) => MatrixOp;

export const digitalAdapters: AdapterOpFactory = (_l, _r, p) => new DigitalMatrixOp(p);

export interface AttachSpec {
  rank: number;
  alpha: number;
  /** layer names that get adapters; [] = all given layers */
  layers: string[];
}

/** The layers `spec.layers` selects ([] = all); an unknown name is a UserError listing the valid ones. */
export function selectLayers<L extends AdaptableLayer>(layers: L[], names: string[]): L[] {
  if (names.length === 0) return layers;
  const known = layers.map((l) => l.name);
  for (const n of names) {
    if (!known.includes(n)) {
      throw new UserError(
        `lora.layers: unknown layer '${n}'; allowed: ${known.join(', ')} (or [] for all weight layers)`,
        'lora.layers');
    }
  }
  return layers.filter((l) => names.includes(l.name));
}

/**
 * Wrap the selected layers' ops in LoRA ops. The base params are frozen (trainable = false);
 * A is drawn from `lora/<layer>/A`, B = 0. Returns the new ops in layer order.
 */
export function attachLora(
  layers: AdaptableLayer[], spec: AttachSpec, seed: number,
  factory: AdapterOpFactory = digitalAdapters,
): LoraMatrixOp[] {
  if (!Number.isInteger(spec.rank) || spec.rank < 1) {
    throw new UserError(`lora.rank must be an integer >= 1 (got ${spec.rank})`, 'lora.rank');
  }
  const out: LoraMatrixOp[] = [];
  for (const layer of selectLayers(layers, spec.layers)) {
    if (layer.op instanceof LoraMatrixOp) throw new Error(`${layer.name} already has LoRA adapters`);
    const base = layer.op;
    for (const p of base.params()) p.trainable = false;
    const maxRank = Math.min(base.rows, base.cols);
    if (spec.rank > maxRank) {
      throw new UserError(
        `lora.rank ${spec.rank} exceeds min(rows, cols) = ${maxRank} of layer '${layer.name}' (${base.rows}x${base.cols}); allowed: 1..${maxRank}`,
        'lora.rank');
    }
    const { A, B } = makeAdapterParams(layer.name, base.rows, base.cols, spec.rank, seed);
    const op = new LoraMatrixOp(base, factory(layer.name, 'A', A), factory(layer.name, 'B', B),
      { rank: spec.rank, alpha: spec.alpha });
    layer.op = op;
    out.push(op);
  }
  return out;
}
