/**
 * Hardware cost of a (possibly crossbar-mapped, possibly LoRA-adapted) network, for PointMetrics.
 *
 *   trainableParams   = Σ over params with trainable = true of (updateMask ? #{mask ≠ 0} : size)
 *                       (what the optimiser may still move; methods that do no training after
 *                       deployment report 0 instead, see the method files)
 *   cellsUsed         = Σ_layers op.cost().cellsUsed            (0 for a digital op)
 *   cellWrites        = Σ_layers op.cost().cellWrites           (write events: counters so far)
 *   cellsWritten      = Σ_layers op.cost().cellsWritten         (distinct cells with ≥ 1 write)
 *   macsPerImage      = Σ_layers macsPerRow_l · rowsPerImage_l
 *                       macsPerRow_l = op.cost().macsPerRow, or rows·cols for a digital op
 *                       rowsPerImage_l = 1 for Dense, OH·OW for Conv2d (one im2col row per pixel),
 *                       T for token-wise layers (TokenDense, Embedding: `rowsPerSample`, one row per token)
 *   update            = Σ_layers op.cost().update (a pulsed update scheme's pulses, reads, energy,
 *                       time, accumulator bytes; absent when no op has one)
 *   extraMacsPerImage = macsPerImage − baseMacsPerImage, base = Σ_l rows_l·cols_l·rowsPerImage_l
 *                       (the plain network) unless given.
 */
import type { Param } from '../nn/param.js';
import type { WeightLayer } from '../nn/weight_layer.js';
import { addUpdateCost } from '../crossbar/update/update_cost.js';
import type { UpdateCost } from '../crossbar/update/pulse_programmer.js';

export interface CostNet {
  weightLayers(): WeightLayer[];
  params(): Param[];
}

export interface NetworkCost {
  trainableParams: number;
  cellsUsed: number;
  cellWrites: number;
  cellsWritten: number;
  macsPerImage: number;
  extraMacsPerImage: number;
  update?: UpdateCost;
}

/** Rows of the layer's matrix product per input image: 1 (Dense), OH·OW (Conv2d), T (token-wise). */
export function rowsPerImage(l: WeightLayer): number {
  if ('rowsPerSample' in l) return (l as unknown as { rowsPerSample: number }).rowsPerSample;
  if (l.kind === 'conv2d') {
    const c = l as unknown as { OH: number; OW: number };
    return c.OH * c.OW;
  }
  return 1;
}

/** MACs per image of the plain digital network (rows·cols per product row). */
export function baseMacsPerImage(net: CostNet): number {
  let s = 0;
  for (const l of net.weightLayers()) s += l.op.rows * l.op.cols * rowsPerImage(l);
  return s;
}

export function trainableCount(params: Param[]): number {
  let s = 0;
  for (const p of params) {
    if (!p.trainable) continue;
    if (p.updateMask) { for (let k = 0; k < p.updateMask.length; k++) if (p.updateMask[k] !== 0) s++; }
    else s += p.value.length;
  }
  return s;
}

export function networkCost(net: CostNet, baseMacs?: number): NetworkCost {
  let cellsUsed = 0, cellWrites = 0, cellsWritten = 0, macs = 0;
  let update: UpdateCost | undefined;
  for (const l of net.weightLayers()) {
    const c = l.op.cost?.();
    update = addUpdateCost(update, c?.update);
    cellsUsed += c?.cellsUsed ?? 0;
    cellWrites += c?.cellWrites ?? 0;
    cellsWritten += c?.cellsWritten ?? 0;
    macs += (c?.macsPerRow ?? l.op.rows * l.op.cols) * rowsPerImage(l);
  }
  return {
    trainableParams: trainableCount(net.params()),
    cellsUsed,
    cellWrites,
    cellsWritten,
    macsPerImage: macs,
    extraMacsPerImage: macs - (baseMacs ?? baseMacsPerImage(net)),
    ...(update ? { update } : {}),
  };
}
