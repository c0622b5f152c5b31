/**
 * The crossbar effects, one line each, in the order they are applied (effect.ts). The order is
 * part of every result: stuck conductances are placed before endurance is attached (as the
 * reproduction reports were made). docs/DESIGN.md, "How to add an effect".
 */
import type { CrossbarSpec } from '../crossbar_spec.js';
import type { DeviceSpec } from '../device_spec.js';
import type { DeviceModel } from '../device_model.js';
import { driftEffect } from './drift.js';
import type { CrossbarEffect, EffectCells, EffectContext } from './effect.js';
import { enduranceEffect } from './endurance.js';
import { spareColumnsEffect } from './spare_columns.js';
import { stuckConductanceEffect } from './stuck_conductance.js';

const EFFECTS: CrossbarEffect[] = [
  driftEffect,
  stuckConductanceEffect,
  enduranceEffect,
  spareColumnsEffect,
];

/** every registered effect, in application order */
export function crossbarEffects(): readonly CrossbarEffect[] {
  return EFFECTS;
}

/** the effects switched on for this device and crossbar, in order */
export function activeEffects(device: DeviceSpec, crossbar: Partial<CrossbarSpec> = {}): CrossbarEffect[] {
  return EFFECTS.filter((e) => e.active(device, crossbar));
}

/**
 * Register an effect at run time (library users, tests), applied after the built-in ones. A name
 * already registered is refused.
 */
export function registerEffect(effect: CrossbarEffect): void {
  if (EFFECTS.some((e) => e.name === effect.name)) throw new RangeError(`effect '${effect.name}' is already registered`);
  EFFECTS.push(effect);
}

/** forget a run-time effect (tests) */
export function unregisterEffect(name: string): void {
  const i = EFFECTS.findIndex((e) => e.name === name);
  if (i >= 0) EFFECTS.splice(i, 1);
}

export function applyModelEffects(model: DeviceModel, ctx: EffectContext): void {
  for (const e of activeEffects(ctx.device)) e.onModel?.(model, ctx);
}

/** the effects of an op (activeEffects when it was built) on its cells, in order */
export function applyCellEffects(effects: readonly CrossbarEffect[], cells: EffectCells): void {
  for (const e of effects) e.onCells?.(cells);
}

/** the read age of the first of an op's effects that sets one (drift), else undefined */
export function effectsReadAge(effects: readonly CrossbarEffect[], device: DeviceSpec): number | undefined {
  for (const e of effects) {
    const t = e.readAge?.(device);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** writes an op's effects cost up to the evaluation (drift's refresh) */
export function effectsExtraWrites(effects: readonly CrossbarEffect[], cells: Pick<EffectCells, 'array' | 'cellsPerWeight'>, device: DeviceSpec): number {
  let w = 0;
  for (const e of effects) w += e.extraWrites?.(cells, device) ?? 0;
  return w;
}

/** physical columns a layer of `cols` outputs gets besides its own */
export function effectsExtraColumns(cols: number, device: DeviceSpec, crossbar: Partial<CrossbarSpec>): number {
  let s = 0;
  for (const e of activeEffects(device, crossbar)) s += e.extraColumns?.(cols, crossbar) ?? 0;
  return s;
}
