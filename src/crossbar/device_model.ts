/**
 * DeviceModel: the physics of one RRAM cell, chosen by name (`device.model`, registry in
 * device_registry.ts; one file per model in src/crossbar/devices/). Everything is in normalised
 * conductance u = (G − gMin)/(gMax − gMin) (device.ts); a model instance belongs to one mapped
 * layer (its random streams are that layer's).
 *
 * What a model answers (after CrossSim's IDevice: programming_error, read_noise, drift_error;
 * aihwkit's inference noise-model objects):
 *   programmed   quantise(u*) = q      the level a write aims for (levels, window, …), float64 in
 *                land(q, cell) = u    where a write to level q of cell `cell` actually lands
 *                                     (programming variation; draws from 'prog/<layer>'; a fixed
 *                                     per-cell variation reads `cell`, devices/lognormal_d2d.ts)
 *                stuckU(state) = u    where a stuck cell sits (cell_state.ts codes)
 *                freeRange = [lo, hi] the u interval a free cell can be programmed to
 *   read         readNoisy, readNoise(u, z) = u_read     one read with z ~ N(0, 1) ('read/<layer>',
 *                                     drawn by the read-noise stage, read_stages/read_noise.ts)
 *   ageing       drift?(u, age, cell) = u(t)              hook, absent = no drift
 *   writes       afterProgram?(cells)                     hook after every programming pass, with
 *                                     the per-cell write counters (wear-out); absent = none
 *   pulses       pulse?(u, dir, cell, z) = u'             one voltage pulse (dir +1 potentiation,
 *                                     −1 depression) on cell `cell` at u, z ~ N(0, 1) its
 *                                     cycle-to-cycle draw; `pulseKernel` describes the same
 *                                     response for the typed-array kernels (pulse/pulse_response.ts).
 *                                     Absent = the model cannot be pulsed (write-verify only).
 *
 * Fast paths: a model whose programming is exactly "round u* to L uniform levels (L = 0:
 * continuous), land where aimed, stuck cells at 0 / 1, free range [0, 1]" declares
 * `fastPath = { kind: 'linear-levels', levels: L }` and is programmed by the typed-array kernels
 * (program_kernels.ts, wasm/program.as: healthy slots in float32 with halves to even, slots with a
 * stuck cell in float64 with halves up, see devices/linear_levels.ts). Any other model has
 * `fastPath = null` and is programmed slot by slot through quantise/land (program_generic.ts).
 */
import type { DeviceSpec } from './device_spec.js';
import type { ProgNoiseKey } from './prog_noise_counter.js';
import type { PulseKernel } from './pulse/pulse_response.js';

/** the one fast-path family the kernels implement */
export interface LinearLevelsFastPath {
  kind: 'linear-levels';
  /** levels L (0 = continuous) */
  levels: number;
  /**
   * counter-based programming variation (`device.progNoiseModel: 'counter'`, prog_noise_counter.ts):
   * the kernels land written cells at f32(f32(f32(q + g₀)·E) − g₀), E the key's lognormal factor;
   * absent = land on target
   */
  noise?: ProgNoiseKey;
}

export type FastPath = LinearLevelsFastPath;

/** the per-cell arrays a programming pass leaves behind (what wear-out hooks read) */
export interface ProgrammedCells {
  readonly stateP: Uint8Array;
  readonly stateN: Uint8Array;
  readonly uP: Float32Array;
  readonly uN: Float32Array;
  readonly writesP: Uint32Array;
  readonly writesN: Uint32Array;
}

export interface DeviceModel {
  /** registry name */
  readonly name: string;
  /** the resolved device spec it was built from */
  readonly spec: DeviceSpec;
  /** kernels that may program this model, or null (general path) */
  readonly fastPath: FastPath | null;
  /** u interval a free (healthy) cell can take: [0, 1] unless the model narrows it */
  readonly freeRange: readonly [number, number];
  /** the level a write aims for, given the unquantised target u* ∈ [0, 1] (float64) */
  quantise(u: number): number;
  /**
   * where a write to level q lands (q itself without programming variation); `cell` is the
   * physical cell, s·cellsPerWeight + (0 for G⁺ / the offset cell, 1 for G⁻), s the slot (the
   * index the drift hook gets). Models without per-cell properties ignore it.
   */
  land(q: number, cell: number): number;
  /** true when land(q) may differ from q (then the array keeps targets apart from conductances) */
  readonly landsOffTarget: boolean;
  /** normalised conductance of a stuck cell (state: cell_state.ts) */
  stuckU(state: number): number;
  /** true when reads are noisy (the read-noise stage is on) */
  readonly readNoisy: boolean;
  /** one read of a cell at u, with z ~ N(0, 1) */
  readNoise(u: number, z: number): number;
  /** hook: conductance of a cell at u after `age` seconds; absent = no drift */
  drift?(u: number, age: number, cell: number): number;
  /** hook: called after every programming pass (wear-out); absent = nothing */
  afterProgram?(cells: ProgrammedCells): void;
  /**
   * one pulse on cell `cell` (index as for `land`) at conductance u: dir = +1 (potentiation, u
   * grows) or −1 (depression), z ~ N(0, 1) the pulse's cycle-to-cycle draw; returns u' within the
   * model's bounds. Absent = the model has no pulse response (update schemes other than
   * write-verify refuse it).
   */
  pulse?(u: number, dir: number, cell: number, z: number): number;
  /** the same response as data for the pulse kernels (pulse/pulse_response.ts); present iff `pulse` is */
  readonly pulseKernel?: PulseKernel;
}

/** what a model needs to build one instance: the layer's seed and stream prefix */
export interface DeviceModelContext {
  seed: number;
  /** stream prefix: 'prog/<layer>', 'read/<layer>' */
  layer: string;
}

/** one registry entry: the name, a short description, parameter check and constructor */
export interface DeviceModelEntry {
  readonly name: string;
  readonly describe: string;
  /**
   * Validate `device.modelParams` (throw UserError naming `${path}.<field>` and the allowed values);
   * returns the parameters with defaults filled. Models without parameters accept only absent / {}.
   */
  params(raw: Record<string, unknown> | undefined, device: DeviceSpec, path: string): Record<string, number>;
  create(device: DeviceSpec, params: Record<string, number>, ctx: DeviceModelContext): DeviceModel;
  /** true when the models it creates have a pulse response (`pulse`, `pulseKernel`) */
  readonly pulses?: boolean;
}
