/**
 * One numeric or enumerated spec field: its zod schema, the same rule in words (quoted by every
 * error message and by --help), and its bounds as data, so that tests can generate out-of-range
 * values from them. Each layer declares its spec's fields with these (src/crossbar/*_spec.ts,
 * src/nn/train_spec.ts); src/config composes them into the sweep-config tree, and the layer's
 * own validator (`checkFields`) checks the same schema at run time: a bound is written once.
 *
 * A number field allows v when (int ⇒ v integer) ∧ v ≥ min (> min if gt) ∧ v ≤ max (< max if lt)
 * ∧ v ∉ not; zod 4's z.number() already rejects NaN and ±Infinity.
 */
import { z } from 'zod';
import { UserError } from './errors.js';

export interface NumBounds {
  min?: number;
  max?: number;
  /** min is exclusive */
  gt?: boolean;
  /** max is exclusive */
  lt?: boolean;
  int?: boolean;
  /** single values excluded inside [min, max] (e.g. 1 for levels and converter bits) */
  not?: readonly number[];
}

export interface NumField {
  kind: 'number';
  bounds: NumBounds;
  schema: z.ZodType<number>;
  /** allowed values in words */
  allowed: string;
  describe: string;
}

export interface EnumField<T extends string = string> {
  kind: 'enum';
  values: readonly [T, ...T[]];
  schema: z.ZodType<T>;
  allowed: string;
  describe: string;
}

export type SpecField = NumField | EnumField;

export function numField(b: NumBounds, describe: string, allowed = boundsInWords(b)): NumField {
  let n = z.number();
  if (b.int) n = n.int();
  if (b.min !== undefined) n = b.gt ? n.gt(b.min) : n.gte(b.min);
  if (b.max !== undefined) n = b.lt ? n.lt(b.max) : n.lte(b.max);
  const not = b.not ?? [];
  const schema = not.length ? n.refine((v) => !not.includes(v)) : n;
  return { kind: 'number', bounds: b, schema, allowed, describe };
}

export function enumField<T extends string>(values: readonly [T, ...T[]], describe: string): EnumField<T> {
  return {
    kind: 'enum',
    values,
    schema: z.enum(values as unknown as [T, ...T[]]) as unknown as z.ZodType<T>,
    allowed: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
    describe,
  };
}

export function boundsInWords(b: NumBounds): string {
  const kind = b.int ? 'an integer' : 'a number';
  let s: string;
  if (b.min !== undefined && b.max !== undefined) s = `${kind} in ${b.gt ? '(' : '['}${b.min}, ${b.max}${b.lt ? ')' : ']'}`;
  else if (b.min !== undefined) s = `${kind} ${b.gt ? '>' : '>='} ${b.min}`;
  else if (b.max !== undefined) s = `${kind} ${b.lt ? '<' : '<='} ${b.max}`;
  else s = kind;
  if (b.not?.length) s += `, not ${b.not.join(' or ')}`;
  return s;
}

/**
 * Check every field of `obj` named in `fields` against its schema; the first failure is a
 * UserError `<path>.<field> must be <allowed>, got <value>` (the run-time twin of the config check).
 */
export function checkFields(obj: object, fields: Record<string, SpecField>, path: string): void {
  const o = obj as Record<string, unknown>;
  for (const [k, f] of Object.entries(fields)) {
    const v = o[k];
    if (!f.schema.safeParse(v).success) {
      throw new UserError(`${path}.${k} must be ${f.allowed}, got ${typeof v === 'string' ? `'${v}'` : String(v)}`, `${path}.${k}`);
    }
  }
}
