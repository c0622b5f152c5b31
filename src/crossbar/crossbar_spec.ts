/**
 * Crossbar configuration (CrossbarSpec): defaults and bounds, the ONE place (the sweep config, the
 * `run` flags and resolveCrossbar read CROSSBAR_FIELDS):
 *   tileRows x tileCols   cells per crossbar tile (default 128 x 128), each side 1..65536 and
 *                         tileRows·tileCols ≤ MAX_TILE_CELLS = 2^22 (a tile's defect map and
 *                         conductances are held in memory); differential mapping needs tileCols ≥ 2
 *   mapping               'differential' (default; G⁺/G⁻ pair) | 'offset' (one cell + reference column)
 *   range                 per-layer weight range: { kind: 'fixed', wMax } or
 *                         { kind: 'percentile', percentile } of |w| at mapping time (default 100 = max |w|)
 *   dacBits, adcBits      converter resolution, 0 = ideal (default), else 2..16 (converters.ts)
 *   writeThreshold        programming dead band during training, in weight level steps
 *                         (0 = off, the default; crossbar_matrix_op.ts), [0, 1000]
 *   batchNorm             'digital' (default: BatchNorm layers stay digital units after the
 *                         crossbar) | 'fold' (at deployment γ/σ and β − γμ/σ are folded into the
 *                         preceding weight layer, which the crossbar then holds; src/nn/fold_batch_norm.ts).
 *                         Absent from the point unless 'fold' and the model has BatchNorm (hashes)
 *   lineResistance        optional (absent = ideal wires, the default, left out of the point):
 *                         { rWire | rWordLine + rBitLine, rDriver?, rSense?, sweeps? } — word-line and
 *                         bit-line segment resistances r_wl = rWordLine ?? rWire, r_bl = rBitLine ?? rWire
 *                         (Ω, [0, 1e6]; rWire is the shorthand for both), driver and sense-amplifier
 *                         resistances (Ω, [0, 1e9], default 0), block Gauss–Seidel sweeps of the fast
 *                         solver (integer [1, 100], default 3); read_stages/line_resistance.ts.
 *                         The point holds one form: { rWire } when r_wl = r_bl (so a config written with
 *                         rWire alone keeps its hash, and rWordLine = rBitLine = r is the same point as
 *                         rWire = r), else { rWordLine, rBitLine } (rWire dropped)
 */
import { UserError } from '../util/errors.js';
import { checkFields, defaultsOf, enumField, numField, section, valueField, type PointFacts, type SpecOf, type SECTION } from '../util/spec_field.js';
import { BITS_ALLOWED, BITS_BOUNDS } from './converters.js';
import { RANGE_ALLOWED, RANGE_SCHEMA, validateRange, type RangeSpec } from './weight_range.js';

export const DEFAULT_LINE_SWEEPS = 3;

/** crossbar.lineResistance: the tile wires seen by the read path (read_stages/line_resistance.ts); optional section */
export const LINE_RESISTANCE_FIELDS = section({
  rWire: numField({ min: 0, max: 1e6 }, 'word-line and bit-line wire resistance per cell segment in ohms, the shorthand for rWordLine = rBitLine (crossbar.lineResistance; absent = ideal wires)', { optional: true }),
  rWordLine: numField({ min: 0, max: 1e6 }, 'word-line wire resistance per cell segment in ohms (absent = rWire)', { optional: true }),
  rBitLine: numField({ min: 0, max: 1e6 }, 'bit-line wire resistance per cell segment in ohms (absent = rWire)', { optional: true }),
  rDriver: numField({ min: 0, max: 1e9 }, 'input driver output resistance in ohms (default {default})', { default: 0 }),
  rSense: numField({ min: 0, max: 1e9 }, 'sense-amplifier input resistance in ohms (default {default})', { default: 0 }),
  sweeps: numField({ min: 1, max: 100, int: true }, 'block Gauss–Seidel sweeps of the fast IR-drop solver (default {default})', { default: DEFAULT_LINE_SWEEPS }),
  // transfer mode (absent = solve on every forward's inputs): each tile's linear transfer
  // ΔW = (M_eff − G) in the weight domain, computed by the fast solver on unit inputs, reused while the
  // tile's conductances are unchanged; in training recomputed at most every `transferEvery` forwards
  transferEvery: numField({ min: 1, max: 1e9, int: true }, 'transfer mode: per-tile IR-drop transfer matrices, recomputed when conductances change, in training at most every this many forwards (absent = solve every forward)', { optional: true }),
}, { optional: true, describe: 'line resistance (IR drop) on the read path (absent, or every resistance 0 = ideal wires)' });

/** crossbar.lineResistance as given: rWire, or rWordLine and rBitLine, the rest optional (defaults filled by resolveLineResistanceConfig) */
export type LineResistanceConfig = Partial<SpecOf<typeof LINE_RESISTANCE_FIELDS>>;

/** the word-line and bit-line segment resistances of a config (file header: rWordLine ?? rWire, rBitLine ?? rWire; absent = 0) */
export function wireResistances(c: LineResistanceConfig): { rWordLine: number; rBitLine: number } {
  return { rWordLine: c.rWordLine ?? c.rWire ?? 0, rBitLine: c.rBitLine ?? c.rWire ?? 0 };
}

/** numeric and enumerated fields, in grid-expansion order (range: RANGE_SCHEMA in weight_range.ts) */
export const CROSSBAR_FIELDS = {
  tileRows: numField({ min: 1, max: 65536, int: true }, 'crossbar tile rows (word lines) (default {default})', { default: 128 }),
  tileCols: numField({ min: 1, max: 65536, int: true }, 'crossbar tile columns (bit lines); >= 2 with differential mapping (default {default})', { default: 128 }),
  mapping: enumField(['differential', 'offset'] as const, "weight -> conductance mapping (default '{default}')", { default: 'differential' }),
  range: valueField<RangeSpec, { default: RangeSpec }>('range', RANGE_SCHEMA, RANGE_ALLOWED, 'per-layer weight range (default {default})', { default: { kind: 'percentile', percentile: 100 } }),
  dacBits: numField(BITS_BOUNDS, 'DAC input bits, 0 = ideal (default {default})', { allowed: BITS_ALLOWED, default: 0 }),
  adcBits: numField(BITS_BOUNDS, 'ADC output bits, 0 = ideal (default {default})', { allowed: BITS_ALLOWED, default: 0 }),
  // absent unless on and read: only methods that program cells while training have a dead band
  writeThreshold: numField(
    { min: 0, max: 1000 },
    'programming dead band during on-device training, in weight level steps: a weight is reprogrammed only after moving this far from its last programmed value; 0 = off (default {default})',
    { default: 0, absentIs: 0, readIf: (p: PointFacts) => p.trainsOnDevice, readIfText: 'the method programs cells while training' },
  ),
  // absent unless 'fold', the model has BatchNorm and the method maps it ('ideal' maps nothing)
  batchNorm: enumField(
    ['digital', 'fold'] as const,
    "BatchNorm at deployment: 'digital' = a digital unit after the crossbar; 'fold' = γ/σ and β − γμ/σ folded into the preceding weight layer's cells and bias (default '{default}')",
    { default: 'digital', absentIs: 'digital', readIf: (p: PointFacts) => p.modelHasBatchNorm && p.method !== 'ideal', readIfText: "the model has BatchNorm and the method is not 'ideal'" },
  ),
  // read by method 'spare' only (absent from every other point, so their hashes stay)
  spareColumns: numField({ min: 0, max: 4 }, "method 'spare': spare columns per layer as a fraction of its columns, S = ceil(f·cols) (default 0; spare_columns_op.ts)", {
    optional: true, default: 0, readIf: (p: PointFacts) => p.method === 'spare', readIfText: "method 'spare'",
  }),
};

/** The crossbar section of a point, in grid-expansion order. */
export const CROSSBAR_SECTION = section({ ...CROSSBAR_FIELDS, lineResistance: LINE_RESISTANCE_FIELDS });

/** CrossbarSpec: the crossbar configuration (derived from CROSSBAR_SECTION) */
export type CrossbarSpec = Omit<SpecOf<typeof CROSSBAR_SECTION>, 'lineResistance'> & { lineResistance?: LineResistanceConfig };

/** the line-resistance config with defaults filled (UserError naming `${path}.<field>` when out of bounds) */
/**
 * the config with defaults filled, in its one form (file header): rWire, or rWordLine and rBitLine;
 * transferEvery stays optional (absent = per-forward solve, not in the point)
 */
export type ResolvedLineResistance = Required<Omit<LineResistanceConfig, 'transferEvery' | 'rWire' | 'rWordLine' | 'rBitLine'>> & Pick<LineResistanceConfig, 'rWire' | 'rWordLine' | 'rBitLine' | 'transferEvery'>;

export function resolveLineResistanceConfig(raw: unknown, path = 'crossbar.lineResistance'): ResolvedLineResistance {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path} must be an object { rWire | rWordLine + rBitLine, rDriver?, rSense?, sweeps?, transferEvery? }, got ${JSON.stringify(raw)}`, path);
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(LINE_RESISTANCE_FIELDS, k)) {
      throw new UserError(`${path}.${k} is not a line-resistance field; allowed: ${Object.keys(LINE_RESISTANCE_FIELDS).join(', ')}`, `${path}.${k}`);
    }
  }
  if (o.rWire === undefined && (o.rWordLine === undefined || o.rBitLine === undefined)) {
    const missing = o.rWordLine === undefined && o.rBitLine === undefined ? 'rWire' : o.rWordLine === undefined ? 'rWordLine' : 'rBitLine';
    throw new UserError(`${path}.${missing}: the wire resistance is missing; allowed: rWire (ohms per segment, >= 0, both lines) or rWordLine and rBitLine`, `${path}.${missing}`);
  }
  // every field given is checked as given (its own name in the message), the defaults filled
  const given: Record<string, unknown> = { rDriver: o.rDriver ?? 0, rSense: o.rSense ?? 0, sweeps: o.sweeps ?? DEFAULT_LINE_SWEEPS };
  for (const k of ['rWire', 'rWordLine', 'rBitLine', 'transferEvery'] as const) if (o[k] !== undefined) given[k] = o[k];
  const fields = Object.fromEntries(Object.entries(LINE_RESISTANCE_FIELDS).filter(([k]) => k in given));
  checkFields(given, fields as typeof LINE_RESISTANCE_FIELDS, path);
  // one form (file header): { rWire } when both lines are equal, else { rWordLine, rBitLine }
  const w = wireResistances(given as LineResistanceConfig);
  const c: Record<string, unknown> = w.rWordLine === w.rBitLine ? { rWire: w.rWordLine } : { rWordLine: w.rWordLine, rBitLine: w.rBitLine };
  Object.assign(c, { rDriver: given.rDriver, rSense: given.rSense, sweeps: given.sweeps });
  if (given.transferEvery !== undefined) c.transferEvery = given.transferEvery;
  return c as unknown as ResolvedLineResistance;
}

/** true when the config puts some resistance on the lines (else the stage is off and the field is dropped) */
export function lineResistanceOn(c: LineResistanceConfig | undefined): boolean {
  if (c === undefined) return false;
  const w = wireResistances(c);
  return w.rWordLine > 0 || w.rBitLine > 0 || (c.rDriver ?? 0) > 0 || (c.rSense ?? 0) > 0;
}

export const DEFAULT_CROSSBAR: Readonly<CrossbarSpec> = Object.freeze<CrossbarSpec>({
  ...defaultsOf(CROSSBAR_SECTION),
  writeThreshold: CROSSBAR_FIELDS.writeThreshold.default,
  batchNorm: CROSSBAR_FIELDS.batchNorm.default,
});

/** Largest tile (cells). */
export const MAX_TILE_CELLS = 2 ** 22;

/** Cross-field rules of a crossbar spec: the first one broken, with the field it names. */
export function crossbarConflict(c: Pick<CrossbarSpec, 'tileRows' | 'tileCols' | 'mapping'>): { field: 'tileCols' | 'tileRows'; message: string } | undefined {
  if (c.mapping === 'differential' && c.tileCols < 2) {
    return { field: 'tileCols', message: `tileCols ${c.tileCols} is too small for the differential mapping (a G⁺/G⁻ pair needs 2 columns); allowed: >= 2, or mapping 'offset'` };
  }
  if (c.tileRows * c.tileCols > MAX_TILE_CELLS) {
    return { field: 'tileRows', message: `a ${c.tileRows} x ${c.tileCols} tile has ${c.tileRows * c.tileCols} cells; allowed: tileRows·tileCols <= ${MAX_TILE_CELLS}` };
  }
  return undefined;
}

export function resolveCrossbar(spec: Partial<CrossbarSpec> = {}, path = 'crossbar'): CrossbarSpec {
  const c: CrossbarSpec = { ...DEFAULT_CROSSBAR, ...spec };
  // the range has its own validator (validateRange, below: its messages name the range's field)
  const { range: _range, ...fields } = CROSSBAR_FIELDS;
  checkFields({ ...c, writeThreshold: c.writeThreshold ?? 0, batchNorm: c.batchNorm ?? 'digital', spareColumns: c.spareColumns ?? 0 }, fields, path);
  const bad = crossbarConflict(c);
  if (bad) throw new UserError(`${path}.${bad.field}: ${bad.message}`, `${path}.${bad.field}`);
  validateRange(c.range, `${path}.range`);
  if (c.lineResistance !== undefined) resolveLineResistanceConfig(c.lineResistance, `${path}.lineResistance`);
  return c;
}
