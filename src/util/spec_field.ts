/**
 * One config field, declared ONCE by the layer that reads it: its value rule (a zod schema, the
 * same rule in words for every error message, --help and docs/config.md, and for numbers the
 * bounds as data so that tests can generate out-of-range values), its description, its default,
 * and its point-hash rule. Everything else derives from these declarations: the TypeScript types
 * (`SpecOf`), the defaults (`defaultsOf`), the sweep-config tree and CLI flags (src/config/fields.ts),
 * the default pruning behind pointHash (src/config/prune_point.ts) and the config reference
 * (src/config/config_doc.ts → docs/config.md). The layer's own run-time validator (`checkFields`)
 * checks the same schema: a bound is written once.
 *
 * A number field allows v when (int ⇒ v integer) ∧ v ≥ min (> min if gt) ∧ v ≤ max (< max if lt)
 * ∧ v ∉ not; zod 4's z.number() already rejects NaN and ±Infinity.
 *
 * Point-hash rules (hash stability: a field added later must not change the hash of older points,
 * which do not carry it):
 *   absentIs   the value a point's missing key stands for: a resolved point drops the field when
 *              it holds this value (so points that never named the field keep their hash)
 *   isAbsent   the same as a predicate (e.g. every constant learning-rate schedule)
 *   readIf     when false for a point, the point does not read the field: it is dropped
 *              (unread 'drop'), reset to its default ('default') or to a given value ({ value })
 *   optional   the config does not fill the field: it is absent unless given; an optional field
 *              with a default that the point reads gets it at resolution (then absentIs applies),
 *              so its default may differ from what an older point's missing key stands for
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

export type LeafType = 'enum' | 'number' | 'boolean' | 'string' | 'stringList' | 'range' | 'params' | 'model' | 'object';

/**
 * What a field's `readIf` may ask about the point being resolved (built by the config layer, so
 * that a layer's declaration needs no import of the methods or the point).
 */
export interface PointFacts {
  /** the value at a dotted path of the point, e.g. get('device.progSigma') */
  get(path: string): unknown;
  method: string;
  /** the method reads this section (src/methods/method_info.ts) */
  reads(section: 'retrain' | 'ittrna' | 'lora' | 'sparsity' | 'multitask' | 'defects'): boolean;
  /** the method programs cells while training */
  trainsOnDevice: boolean;
  modelReadsPool: boolean;
  modelHasBatchNorm: boolean;
}

export type Unread<T> = 'drop' | 'default' | { value: T };

export interface FieldRules<T> {
  default?: T;
  /** a default that depends on the point (an optional field read without a value gets it; else `default`) */
  defaultFor?: (p: PointFacts) => T;
  optional?: boolean;
  absentIs?: T;
  isAbsent?: (v: T) => boolean;
  readIf?: (p: PointFacts) => boolean;
  /** `readIf` in words, for the docs (e.g. "the method programs cells while training") */
  readIfText?: string;
  unread?: Unread<T>;
  /** the default in words for the docs when it is not a plain value (e.g. "= rank") */
  defaultText?: string;
}

export interface Leaf<T = unknown> extends FieldRules<T> {
  leaf: true;
  type: LeafType;
  schema: z.ZodType<T>;
  /** allowed values in words, quoted in every error message */
  allowed: string;
  describe: string;
  /** enum values (for --help choices) */
  choices?: readonly string[];
  /** number leaves: the bounds the schema enforces (tests generate out-of-range values from them) */
  bounds?: NumBounds;
  /** a structured value's own validator (throws UserError naming the JSON path under `at`); replaces the schema's message */
  check?: (value: unknown, at: string) => void;
}

/** old names of the two common leaf kinds */
export type NumField = Leaf<number> & { kind: 'number'; bounds: NumBounds };
export type EnumField<T extends string = string> = Leaf<T> & { kind: 'enum'; values: readonly [T, ...T[]] };
export type SpecField = Leaf<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A section's own rules (a symbol key: invisible to Object.keys, so never taken for a field). */
export const SECTION = Symbol('section');
export interface SectionRules {
  /** the section is absent unless given (its resolver fills and checks it) */
  optional?: boolean;
  /** when false the point does not read the section: it is dropped, or reset (`unread`) */
  readIf?: (p: PointFacts) => boolean;
  readIfText?: string;
  /** unread: 'drop', 'default' (every field at its default) or a whole replacement value */
  unread?: 'drop' | 'default' | { value: Record<string, unknown> };
  /** the section as a whole stands for absence (e.g. lora.noise with sigma 0) */
  isAbsent?: (v: Record<string, unknown>) => boolean;
  /** one line for the docs */
  describe?: string;
}

export interface Section {
  readonly [key: string]: Leaf<any> | Section; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** `fields` as a section with rules (the rules sit under a symbol key). */
export function section<S extends Section, R extends SectionRules = Record<never, never>>(fields: S, rules: R = {} as R): S & { readonly [SECTION]: R } {
  return Object.assign({}, fields, { [SECTION]: rules }) as S & { readonly [SECTION]: R };
}

export function sectionRules(s: Section): SectionRules {
  return (s as { [SECTION]?: SectionRules })[SECTION] ?? {};
}

export function isLeaf(x: unknown): x is Leaf<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return typeof x === 'object' && x !== null && (x as Leaf).leaf === true;
}

// ---- builders -------------------------------------------------------------------------------

export function numField<R extends FieldRules<number> & { allowed?: string } = object>(b: NumBounds, describe: string, allowedOrRules?: string | R): NumField & Omit<R, 'allowed'> {
  const r: FieldRules<number> & { allowed?: string } = typeof allowedOrRules === 'string' ? { allowed: allowedOrRules } : (allowedOrRules ?? {});
  let n = z.number();
  if (b.int) n = n.int();
  if (b.min !== undefined) n = b.gt ? n.gt(b.min) : n.gte(b.min);
  if (b.max !== undefined) n = b.lt ? n.lt(b.max) : n.lte(b.max);
  const not = b.not ?? [];
  const schema = not.length ? n.refine((v) => !not.includes(v)) : n;
  const { allowed, ...rules } = r;
  return { ...rules, leaf: true, kind: 'number', type: 'number', bounds: b, schema, allowed: allowed ?? boundsInWords(b), describe: withDefault(describe, rules.default) } as unknown as NumField & Omit<R, 'allowed'>;
}

export function enumField<T extends string, R extends FieldRules<T> = object>(values: readonly [T, ...T[]], describe: string, rules: R = {} as R): EnumField<T> & R {
  return {
    ...rules,
    leaf: true,
    kind: 'enum',
    type: 'enum',
    values,
    choices: values,
    schema: z.enum(values as unknown as [T, ...T[]]) as unknown as z.ZodType<T>,
    allowed: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
    describe: withDefault(describe, rules.default),
  } as EnumField<T> & R;
}

export function boolField<R extends FieldRules<boolean> = object>(describe: string, rules: R = {} as R): Leaf<boolean> & R {
  return { ...rules, leaf: true, type: 'boolean', schema: z.boolean(), allowed: 'true or false', describe: withDefault(describe, rules.default) } as Leaf<boolean> & R;
}

/** A structured or free-form value (a list, a weight range, a schedule, a model, a path) with its own schema. */
export function valueField<T, R extends FieldRules<T> & { check?: Leaf['check']; choices?: readonly string[] } = object>(type: LeafType, schema: z.ZodType<T>, allowed: string, describe: string, rules: R = {} as R): Leaf<T> & R {
  return { ...rules, leaf: true, type, schema, allowed, describe: withDefault(describe, rules.default) } as Leaf<T> & R;
}

/** a description's `{default}` replaced by the declared default (so the text cannot drift from the value) */
function withDefault(describe: string, d: unknown): string {
  if (d === undefined) return describe;
  return describe.replaceAll('{default}', typeof d === 'object' ? JSON.stringify(d) : String(d));
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

// ---- derived: types and defaults -------------------------------------------------------------

type ValueOf<N> = N extends Leaf<infer T> ? T : N extends Section ? SpecOf<N> : never;
type IsOptional<N> = N extends { leaf: true } ? (N extends { optional: true } ? true : N extends { absentIs: unknown } ? true : N extends { isAbsent: unknown } ? true : N extends { readIf: unknown; unread: 'default' | { value: unknown } } ? false : N extends { readIf: unknown } ? true : false)
  : N extends { readonly [SECTION]: { optional: true } } ? true
  : N extends { readonly [SECTION]: { readIf: unknown; unread: 'default' | { value: unknown } } } ? false
  : N extends { readonly [SECTION]: { readIf: unknown } } ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/**
 * The TypeScript type of a section's resolved value: a field the point may lack (optional, or
 * dropped by a hash rule) is an optional property.
 */
export type SpecOf<S> = Simplify<
  { -readonly [K in keyof S as K extends symbol ? never : IsOptional<S[K]> extends true ? never : K]: ValueOf<S[K]> } &
  { -readonly [K in keyof S as K extends symbol ? never : IsOptional<S[K]> extends true ? K : never]?: ValueOf<S[K]> }
>;

/**
 * The default value of a section: every field with a default, minus the optional fields and
 * sections (absent unless given). `all` = also the optional fields with a default (what a
 * resolver fills when the section is given).
 */
export function defaultsOf<S extends Section>(s: S, all = false): SpecOf<S> {
  const out: Record<string, unknown> = {};
  for (const [k, node] of Object.entries(s)) {
    if (isLeaf(node)) {
      if (node.default === undefined || (!all && node.optional)) continue;
      out[k] = structuredClone(node.default);
    } else {
      if (sectionRules(node).optional && !all) continue;
      out[k] = defaultsOf(node, all);
    }
  }
  return out as SpecOf<S>;
}

/** the value stands for the field's absence in a point (absentIs / isAbsent) */
export function isAbsentValue(f: Leaf, v: unknown): boolean {
  if (v === undefined) return true;
  if (f.isAbsent) return f.isAbsent(v);
  return f.absentIs !== undefined && JSON.stringify(f.absentIs) === JSON.stringify(v);
}

/** a resolved point may lack the field (optional, or dropped by a hash rule) */
export function mayBeAbsent(f: Leaf): boolean {
  return f.optional === true || f.absentIs !== undefined || f.isAbsent !== undefined || (f.readIf !== undefined && (f.unread ?? 'drop') === 'drop');
}

/**
 * Check every field of `obj` named in `fields` against its schema (optional fields only when
 * present; sections are skipped); the first failure is a UserError `<path>.<field> must be
 * <allowed>, got <value>` (the run-time twin of the config check).
 */
export function checkFields(obj: object, fields: Section | Record<string, SpecField>, path: string): void {
  const o = obj as Record<string, unknown>;
  for (const [k, f] of Object.entries(fields)) {
    if (!isLeaf(f)) continue;
    const v = o[k];
    if (v === undefined && mayBeAbsent(f)) continue;
    if (!f.schema.safeParse(v).success) {
      throw new UserError(`${path}.${k} must be ${f.allowed}, got ${typeof v === 'string' ? `'${v}'` : String(v)}`, `${path}.${k}`);
    }
  }
}
