/**
 * One stage of the read path of a crossbar op (read_path.ts): what happens between the cells'
 * programmed conductances and the digital output of a forward. The stages run in a fixed order,
 *     read noise → drift → line resistance → DAC / ADC,
 * each built per mapped layer by its entry (`create` returns null when the config switches it
 * off), and each acts at one of three places:
 *   readCell(u, slot, cell)  cell stages, in order, on every cell's normalised conductance, once
 *                            per forward: W_used[i, j] = wMax · mapping.weight(read(uP), read(uN))
 *                            (the offset mapping's reference column is not read through them)
 *   inputs(x, len)           input stages on the n x rows word-line inputs (a copy of X)
 *   partials(p, len, tile)   tile stages, in order, on each tile's partial sums (n x nc)
 * With no cell stage W_used = W_eff (no copy); with no input or tile stage the product is one GEMM,
 * else it is formed tile by tile (read_path.ts).
 */
import type { CrossbarSpec } from '../crossbar_spec.js';
import type { CrossbarArray } from '../crossbar_array.js';
import type { DeviceModel } from '../device_model.js';
import type { WeightMapping } from '../mapping.js';
import type { TileLayout } from '../tiling.js';

/** the tile a partial-sum stage is looking at */
export interface TileProduct {
  tileRow: number;
  tileCol: number;
  /** n x nr inputs of the tile (after the input stages) and nr x nc weights used */
  x: Float32Array;
  w: Float32Array;
  n: number;
  nr: number;
  nc: number;
  /** the forward is a training forward (absent = evaluation) */
  training?: boolean;
}

export interface ReadStage {
  readonly name: string;
  readCell?(u: number, slot: number, cell: 0 | 1): number;
  inputs?(x: Float32Array, len: number): void;
  partials?(p: Float32Array, len: number, tile: TileProduct): void;
}

/** what a stage may read when it is built for one mapped layer */
export interface ReadStageContext {
  layer: string;
  seed: number;
  model: DeviceModel;
  mapping: WeightMapping;
  crossbar: CrossbarSpec;
  layout: TileLayout;
  /** DAC input range (default: max |x| per forward) */
  dacRange?: number;
  /** ADC range in the weight domain (default: max |partial sum| per tile per forward) */
  adcRange?: number;
  /** seconds since programming at which reads happen (drift; absent = 0, no drift) */
  readAge?: number;
  /** the layer's cells (stages that need conductances, e.g. line resistance) */
  array?: CrossbarArray;
  /** the layer's current weight range wMax (it may be recalibrated after construction) */
  wMax?: () => number;
}

export interface ReadStageEntry {
  readonly name: string;
  /** the stage for this layer, or null when the config switches it off */
  create(ctx: ReadStageContext): ReadStage | null;
}
