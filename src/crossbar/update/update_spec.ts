/**
 * UpdateSpec: the optional `update` config section, the ONE place of its fields, defaults and
 * bounds: how on-chip updates after the deployment are written to the cells
 * (update/pulse_programmer.ts), and what a pulse and a verify read cost.
 *
 *   scheme        'write-verify'    program each changed cell to its target level (today's
 *                                   behaviour; the default; the section is then left out of the
 *                                   point and its hash)
 *                 'open-loop'       n = round(Δu/dwMin) pulses of the sign of Δu through the
 *                                   device's pulse response, no read-back
 *                 'verify-pulses'   read, pulse towards the target, read again … until
 *                                   |u − u*| ≤ tolerance or maxPulses pulses
 *                 'mixed-precision' a float32 accumulator per cell collects Δu; pulses only when
 *                                   it reaches ±dwMin, the remainder stays in it
 *   tolerance     verify-pulses: |u − u*| that ends the loop (normalised conductance)
 *   maxPulses     verify-pulses: pulse budget per cell and update
 *   pulseEnergy   J per pulse;  pulseTime  s per pulse
 *   readEnergy    J per verify read;  readTime  s per verify read
 * Cost defaults: MLP+NeuroSim V3.0 (Chen, Peng, Yu, IEEE TCAD 2018; Cell.cpp, IdealDevice): write
 * pulse 2 V for 10 ns, read 0.5 V for 5 ns, Gmax = 5 µS; energy per cell event V²·Gmax·t
 * (an upper bound: the cell at its highest conductance, wire charging left out):
 * 4·5e-6·1e-8 = 2e-13 J per pulse, 0.25·5e-6·5e-9 = 6.25e-15 J per read.
 * The initial deployment is always written by write-verify (how a chip is programmed once); the
 * scheme applies to every write after it (crossbar_array.ts).
 */
import { UserError } from '../../util/errors.js';
import { checkFields, defaultsOf, enumField, numField, section, type SpecOf, type SECTION } from '../../util/spec_field.js';

export const UPDATE_SCHEMES = ['write-verify', 'open-loop', 'verify-pulses', 'mixed-precision'] as const;
export type UpdateScheme = typeof UPDATE_SCHEMES[number];

export const UPDATE_FIELDS = section({
  scheme: enumField(UPDATE_SCHEMES, "how updates after the deployment are written: 'write-verify' (program to the target level), 'open-loop' (round(du/dwMin) pulses, no read-back), 'verify-pulses' (pulse and read until within tolerance), 'mixed-precision' (digital accumulator, a pulse per dwMin crossed) (default '{default}')", { default: 'write-verify' }),
  tolerance: numField({ min: 0, max: 1 }, 'verify-pulses: conductance error |u - u*| that ends the pulse loop, normalised (default {default})', { default: 0.002 }),
  maxPulses: numField({ min: 1, max: 1e6, int: true }, 'verify-pulses: pulse budget per cell and update (default {default})', { default: 100 }),
  pulseEnergy: numField({ min: 0, max: 1 }, 'energy per programming pulse, J (default {default}: 2 V, 10 ns, 5 uS, MLP+NeuroSim V3.0)', { default: 2e-13 }),
  pulseTime: numField({ min: 0, max: 1 }, 'duration of a programming pulse, s (default {default}, MLP+NeuroSim V3.0)', { default: 1e-8 }),
  readEnergy: numField({ min: 0, max: 1 }, 'energy per verify read, J (default {default}: 0.5 V, 5 ns, 5 uS, MLP+NeuroSim V3.0)', { default: 6.25e-15 }),
  readTime: numField({ min: 0, max: 1 }, 'duration of a verify read, s (default {default}, MLP+NeuroSim V3.0)', { default: 5e-9 }),
}, { optional: true, describe: "on-chip update scheme and its costs (absent = 'write-verify', today's behaviour)" });

/** UpdateSpec (derived from UPDATE_FIELDS) */
export type UpdateSpec = SpecOf<typeof UPDATE_FIELDS>;

export const DEFAULT_UPDATE: UpdateSpec = defaultsOf(UPDATE_FIELDS, true);

/** true for the schemes that write by pulses (every scheme but write-verify) */
export function isPulsedScheme(s: UpdateSpec | undefined): s is UpdateSpec {
  return s !== undefined && s.scheme !== 'write-verify';
}

/** the section with defaults filled; UserError naming `${path}.<field>` and the allowed values */
export function resolveUpdate(raw: unknown, path = 'update'): UpdateSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path} must be an object { scheme, tolerance?, maxPulses?, pulseEnergy?, pulseTime?, readEnergy?, readTime? }, got ${JSON.stringify(raw)}`, path);
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(UPDATE_FIELDS, k)) throw new UserError(`${path}.${k} is not an update field; allowed: ${Object.keys(UPDATE_FIELDS).join(', ')}`, `${path}.${k}`);
  }
  const s = { ...DEFAULT_UPDATE, ...o } as UpdateSpec;
  checkFields(s, UPDATE_FIELDS, path);
  return s;
}
