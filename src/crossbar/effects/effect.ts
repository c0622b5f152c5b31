/**
 * An effect: physics of a crossbar that is neither a device model (what one write and one read of a
 * cell do, device_model.ts) nor a read stage (what happens between the cells and the output of a
 * forward, read_stages/): drift after programming, write endurance, measured stuck conductances,
 * spare columns. Each effect is one file in this folder exporting a CrossbarEffect, and one line
 * in registry.ts; the registry applies them at fixed points of building a crossbar op
 * (crossbar_matrix_op.ts), in registry order, each switched on by its config field:
 *
 *   onModel(model, ctx)     the layer's device model, before any cell exists (drift: the ageing law)
 *   onCells(cells, ctx)     the cells, right after the tile defect maps are placed and before the
 *                           first programming (measured stuck G; endurance: per-cell write budgets)
 *   readAge(device)         seconds since programming the read stages evaluate at (drift)
 *   extraWrites(cells, device)  writes the effect costs up to the evaluation (drift's refresh)
 *   extraColumns(cols, crossbar)  physical columns a layer gets besides its own (spare columns)
 *
 * Random draws only from the effect's own named streams (`drift/<layer>`, `stuck/<layer>`,
 * `endurance/<layer>[/state]`), so adding an effect never moves another's numbers.
 */
import type { CrossbarSpec } from '../crossbar_spec.js';
import type { DeviceSpec } from '../device_spec.js';
import type { CrossbarArray } from '../crossbar_array.js';
import type { DeviceModel } from '../device_model.js';

/** the layer an effect acts on */
export interface EffectContext {
  readonly device: DeviceSpec;
  readonly seed: number;
  /** the layer's name in stream names */
  readonly layer: string;
}

/** the cells of a layer, once the defect maps are placed */
export interface EffectCells extends EffectContext {
  readonly array: CrossbarArray;
  readonly model: DeviceModel;
  readonly cellsPerWeight: 1 | 2;
  readonly rows: number;
  readonly cols: number;
}

export interface CrossbarEffect {
  /** short name (docs, messages) */
  readonly name: string;
  /** the config field that switches it on, e.g. 'device.drift' */
  readonly field: string;
  /** one line: what it models */
  readonly describe: string;
  /** is it on for this device and crossbar */
  active(device: DeviceSpec, crossbar: Partial<CrossbarSpec>): boolean;
  onModel?(model: DeviceModel, ctx: EffectContext): void;
  onCells?(cells: EffectCells): void;
  readAge?(device: DeviceSpec): number | undefined;
  extraWrites?(cells: Pick<EffectCells, 'array' | 'cellsPerWeight'>, device: DeviceSpec): number;
  extraColumns?(cols: number, crossbar: Partial<CrossbarSpec>): number;
}
