/**
 * LifetimeSpec: the optional `lifetime` config section, the ONE place of its fields,
 * defaults and bounds. Present (with `rounds`) on a point of method fat, ittrna, lora or lori, it turns
 * the point into a lifetime experiment (src/methods/lifetime.ts): round 0 = the method's deployment and
 * first adaptation, then `rounds` adaptation rounds on the same chip with wear accumulating:
 *
 *   rounds          R, adaptation rounds after round 0 (integer 1..10000; required)
 *   faultRate       field faults: at the start of every round r ≥ 1 each healthy cell of every array
 *                   becomes stuck with this probability (at LRS with probability defects.lrsShare), on top
 *                   of wear-out; unknown to the method until detected (default 0)
 *   examples        training examples per adaptation round, the first `examples` of the training split
 *                   (0 = all; default 0); round 0 uses the same limit
 *   detectEvery     on-line fault detection before round r when r mod detectEvery = 0 (0 = never;
 *                   default 1 = before every round)
 *   detectFraction  share of every array's slots a detection tests (default 1 = all)
 *   mergeEvery      lora/lori: fold the adapters into the base arrays after round r when
 *                   r mod mergeEvery = 0, then B ← 0 (0 = never; default 0; forced to 0 for fat/ittrna)
 *   threshold       accuracy threshold of `roundsAbove` (default 0.95)
 *
 * Methods without on-device adaptation (ideal, unaware, remap) do not read the section: it is removed
 * from their points (they give the round-0 reference). Absent = the old single-run behaviour, not in the
 * point or its hash.
 */
import type { MethodName } from './method_info.js';
import { UserError } from '../util/errors.js';
import { checkFields, defaultsOf, numField, section, type SpecOf, type SECTION } from '../util/spec_field.js';

/** optional section; its resolver (resolveLifetime) requires rounds and fills the defaults */
export const LIFETIME_FIELDS = section({
  rounds: numField({ min: 1, max: 10000, int: true }, 'adaptation rounds after the deployment round (lifetime; required, >= 1)'),
  faultRate: numField({ min: 0, max: 1 }, 'share of the healthy cells that become stuck at the start of each round (field faults; default {default})', { default: 0 }),
  examples: numField({ min: 0, int: true }, 'training examples per adaptation round, 0 = all (default {default})', { default: 0 }),
  detectEvery: numField({ min: 0, max: 10000, int: true }, 'run on-line fault detection before every k-th round, 0 = never (default {default})', { default: 1 }),
  detectFraction: numField({ min: 0, max: 1 }, 'share of the cells a fault detection tests (default {default})', { default: 1 }),
  mergeEvery: numField({ min: 0, max: 10000, int: true }, 'lora/lori: merge the adapters into the base arrays after every k-th round, 0 = never (default {default})', { default: 0 }),
  threshold: numField({ min: 0, max: 1 }, 'accuracy threshold for roundsAbove, the rounds before accuracy first falls below it (default {default})', { default: 0.95 }),
}, { optional: true, describe: 'the lifetime experiment (fat, ittrna, lora, lori; absent = one run per point)' });

/** LifetimeSpec (derived from LIFETIME_FIELDS) */
export type LifetimeSpec = SpecOf<typeof LIFETIME_FIELDS>;

export const DEFAULT_LIFETIME: Omit<LifetimeSpec, 'rounds'> = defaultsOf(LIFETIME_FIELDS, true);

/** the methods whose points run the lifetime loop when the section is given */
export const LIFETIME_METHODS: readonly MethodName[] = ['fat', 'ittrna', 'lora', 'lori'];

export function readsLifetime(method: MethodName): boolean {
  return LIFETIME_METHODS.includes(method);
}

/** the section with defaults filled; UserError naming `${path}.<field>` */
export function resolveLifetime(raw: unknown, method: MethodName, path = 'lifetime'): LifetimeSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path} must be an object { rounds, faultRate?, examples?, detectEvery?, detectFraction?, mergeEvery?, threshold? }, got ${JSON.stringify(raw)}`, path);
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(LIFETIME_FIELDS, k)) throw new UserError(`${path}.${k} is not a lifetime field; allowed: ${Object.keys(LIFETIME_FIELDS).join(', ')}`, `${path}.${k}`);
  }
  if (o.rounds === undefined) throw new UserError(`${path}.rounds is required when the lifetime section is given (${LIFETIME_FIELDS.rounds.describe})`, `${path}.rounds`);
  const s = { ...DEFAULT_LIFETIME, ...o } as LifetimeSpec;
  checkFields(s, LIFETIME_FIELDS, path);
  if (method !== 'lora' && method !== 'lori') s.mergeEvery = 0;
  return s;
}
