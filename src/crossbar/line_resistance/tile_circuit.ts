/**
 * The resistive circuit of one crossbar tile with line resistance (IR drop): its parameters, their
 * validation, and the conventions every line-resistance solver in this folder shares.
 *
 * Geometry (R = rows = word lines, C = cols = bit lines; cell (i, j) joins word line i and bit line j):
 *
 *       V_0 ─R_drv─r_wl─ a(0,0) ─r_wl─ a(0,1) ─ … ─r_wl─ a(0,C−1)      word line 0 (top; open right end)
 *                         │G(0,0)        │G(0,1)            │
 *                        b(0,0)        b(0,1)           b(0,C−1)        bit-line nodes (open top ends)
 *                         │r_bl          │r_bl              │r_bl
 *       V_1 ─R_drv─r_wl─ a(1,0) ─r_wl─ a(1,1) ─ …
 *                         ⋮             ⋮
 *                        b(R−1,0)      b(R−1,1)  …                       bottom row
 *                         │r_bl          │r_bl
 *                         │R_sense       │R_sense
 *                         ▽ 0 V          ▽ 0 V     virtual ground of the sense amplifier, I_j flows in
 *
 * - Word line i is driven at its LEFT edge (before column 0) by an ideal source V_i (volts) through
 *   the driver resistance R_drv; every word line has C wire segments of r_wl: one from the driver to
 *   cell (i, 0) and one between each pair of adjacent cells; its right end (after column C−1) is open.
 * - Bit line j is sensed at its BOTTOM edge (after row R−1) by a sense amplifier modelled as a virtual
 *   ground (0 V) behind R_sense; every bit line has R wire segments of r_bl: one between each pair of
 *   adjacent cells and one from cell (R−1, j) to the sense amplifier; its top end (above row 0) is open.
 * - Cell (i, j) is a conductance G(i,j) ≥ 0 (siemens) between its word-line node a(i,j) and its
 *   bit-line node b(i,j). Row 0 / column C−1 is the cell farthest from both the driver and the sense amp.
 *
 * Series conductances at the edges: g_in = 1/(R_drv + r_wl) (source → a(i,0)),
 * g_out = 1/(r_bl + R_sense) (b(R−1,j) → virtual ground); wire conductances g_w = 1/r_wl, g_b = 1/r_bl.
 *
 * Nodal equations (KCL, currents leaving each node sum to zero; 2·R·C unknowns when r_wl, r_bl > 0):
 *   word-line node a(i,j):
 *     g_L·(a(i,j) − a(i,j−1)) + g_R·(a(i,j) − a(i,j+1)) + G(i,j)·(a(i,j) − b(i,j)) = 0,
 *       with a(i,−1) ≡ V_i and g_L = g_in for j = 0, else g_L = g_w; g_R = g_w for j < C−1, else 0
 *   bit-line node b(i,j):
 *     g_U·(b(i,j) − b(i−1,j)) + g_D·(b(i,j) − b(i+1,j)) + G(i,j)·(b(i,j) − a(i,j)) = 0,
 *       with g_U = 0 for i = 0, else g_b; b(R,j) ≡ 0 V and g_D = g_out for i = R−1, else g_b
 *   output current into the sense amplifier of bit line j:
 *     I_j = g_out · b(R−1,j) = Σ_i G(i,j)·(a(i,j) − b(i,j))       (the second form is KCL on bit line j)
 *   In matrix form K·x = s with K symmetric positive definite (a weighted graph Laplacian in which
 *   every connected part reaches a source or the ground through a finite resistance), x = (a, b),
 *   s = g_in·V_i on the rows of a(i,0), 0 elsewhere.
 * Ideal limit (all four resistances 0): a(i,j) = V_i, b(i,j) = 0, I_j = Σ_i V_i·G(i,j) = (Vᵀ·G)_j.
 *
 * Zero resistances (ideal wires) collapse nodes instead of dividing by zero; per line kind:
 *   word lines: 'chain'  r_wl > 0               one node a(i,j) per cell (C per line)
 *               'node'   r_wl = 0, R_drv > 0    one node a_i per line, joined to V_i by g_in = 1/R_drv
 *               'fixed'  r_wl = 0, R_drv = 0    no unknown: a(i,j) = V_i
 *   bit lines:  'chain'  r_bl > 0               one node b(i,j) per cell (R per line)
 *               'node'   r_bl = 0, R_sense > 0  one node b_j per line, joined to 0 V by g_out = 1/R_sense
 *               'fixed'  r_bl = 0, R_sense = 0  no unknown: b(i,j) = 0 V
 * The equations above hold with the collapsed nodes (sum the KCL rows of the merged nodes).
 *
 * Units: ohms for resistances, siemens for G, volts for V, amperes for I.
 */
import { UserError } from '../../util/errors.js';

/** Line resistances of a tile (ohms, each ≥ 0, finite). */
export interface LineResistanceSpec {
  /** r_wl: word-line wire resistance per segment (between adjacent cells, and driver → first cell) */
  rWordLine: number;
  /** r_bl: bit-line wire resistance per segment (between adjacent cells, and last cell → sense amp) */
  rBitLine: number;
  /** R_drv: input driver output resistance (in series with the first word-line segment) */
  rDriver: number;
  /** R_sense: sense-amplifier input resistance (in series with the last bit-line segment) */
  rSense: number;
}

export const DEFAULT_LINE_RESISTANCE: Readonly<LineResistanceSpec> = Object.freeze({
  rWordLine: 0,
  rBitLine: 0,
  rDriver: 0,
  rSense: 0,
});

const FIELDS = ['rWordLine', 'rBitLine', 'rDriver', 'rSense'] as const;

/**
 * Fill defaults (0 Ω) and validate; throws a UserError naming the field (`${path}.rWordLine`, …)
 * for anything but a finite number ≥ 0, or for an unknown field.
 */
export function resolveLineResistance(raw: unknown = {}, path = 'lineResistance'): LineResistanceSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path} must be an object with fields ${FIELDS.join(', ')} (ohms), got ${JSON.stringify(raw)}`, path);
  }
  for (const k of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(k)) {
      throw new UserError(`${path}.${k} is not a line-resistance field; allowed: ${FIELDS.join(', ')}`, `${path}.${k}`);
    }
  }
  const spec: LineResistanceSpec = { ...DEFAULT_LINE_RESISTANCE, ...(raw as Partial<LineResistanceSpec>) };
  for (const k of FIELDS) {
    const v = spec[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new UserError(`${path}.${k} must be a finite resistance >= 0 (ohms), got ${JSON.stringify(v)}`, `${path}.${k}`);
    }
  }
  return spec;
}

export type LineKind = 'chain' | 'node' | 'fixed';

/** How the word lines and bit lines of a tile with these resistances are modelled (see header). */
export function lineKinds(spec: LineResistanceSpec): { wl: LineKind; bl: LineKind } {
  const wl: LineKind = spec.rWordLine > 0 ? 'chain' : spec.rDriver > 0 ? 'node' : 'fixed';
  const bl: LineKind = spec.rBitLine > 0 ? 'chain' : spec.rSense > 0 ? 'node' : 'fixed';
  return { wl, bl };
}

/** Edge conductances (siemens; Infinity where the resistance is 0): g_in, g_w, g_b, g_out. */
export function edgeConductances(spec: LineResistanceSpec): { gIn: number; gW: number; gB: number; gOut: number } {
  const { wl, bl } = lineKinds(spec);
  return {
    gIn: wl === 'fixed' ? Infinity : 1 / (spec.rDriver + spec.rWordLine),
    gW: 1 / spec.rWordLine,
    gB: 1 / spec.rBitLine,
    gOut: bl === 'fixed' ? Infinity : 1 / (spec.rBitLine + spec.rSense),
  };
}

/** One tile: R × C conductances (row-major, G[i·C + j] between word line i and bit line j) and its line resistances. */
export interface TileCircuit {
  rows: number;
  cols: number;
  /** row-major rows × cols, siemens, finite and ≥ 0 */
  G: Float64Array;
  spec: LineResistanceSpec;
}

/**
 * Validate and build a tile circuit. `G` (row-major, length rows·cols) is copied into float64.
 * UserError naming `${path}.rows|cols`, `${path}.G[i][j]` (non-finite or negative) or the resistance field.
 */
export function tileCircuit(
  rows: number, cols: number, G: ArrayLike<number>, spec: Partial<LineResistanceSpec>, path = 'tile',
): TileCircuit {
  for (const [k, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UserError(`${path}.${k} must be an integer >= 1, got ${String(v)}`, `${path}.${k}`);
  }
  if (G.length !== rows * cols) {
    throw new UserError(`${path}.G must hold rows·cols = ${rows * cols} conductances, got ${G.length}`, `${path}.G`);
  }
  const g = new Float64Array(rows * cols);
  for (let k = 0; k < g.length; k++) {
    const v = G[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      const i = Math.floor(k / cols), j = k % cols;
      throw new UserError(`${path}.G[${i}][${j}] must be a finite conductance >= 0 (siemens), got ${String(v)}`, `${path}.G[${i}][${j}]`);
    }
    g[k] = v;
  }
  return { rows, cols, G: g, spec: resolveLineResistance(spec, `${path}.lineResistance`) };
}

/** Validate an input vector of word-line voltages (length rows, finite); UserError naming `${path}[i]`. */
export function checkInputs(V: ArrayLike<number>, rows: number, path = 'V'): void {
  if (V.length < rows) throw new UserError(`${path} must hold ${rows} word-line voltages, got ${V.length}`, path);
  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(V[i])) throw new UserError(`${path}[${i}] must be a finite voltage, got ${String(V[i])}`, `${path}[${i}]`);
  }
}

/** Ideal (no line resistance) bit-line currents I_j = Σ_i V_i·G(i,j), float64, into `out` (length cols). */
export function idealCurrents(c: TileCircuit, V: ArrayLike<number>, out = new Float64Array(c.cols)): Float64Array {
  const { rows, cols, G } = c;
  out.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const v = V[i];
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += v * G[o + j];
  }
  return out;
}
