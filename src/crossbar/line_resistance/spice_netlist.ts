/**
 * SPICE netlist of one tile's line-resistance circuit (tile_circuit.ts), for validating the exact
 * solver against ngspice (`ngspice -b tile.cir`, DC operating point), and the parser of its output.
 *
 * Every physical element is its own SPICE element, so the netlist is an independent statement of
 * the circuit (no series combination, no node collapsing beyond zero-ohm connections):
 *     V<i>     in<i> 0 DC V_i                      input source of word line i
 *     RD<i>    in<i> d<i>  R_drv                   driver (omitted for R_drv = 0: d<i> ≡ in<i>)
 *     RW<i>_<j> (d<i> | w<i>_<j−1>) w<i>_<j> r_wl   word-line segment before cell (i,j), j = 0..C−1
 *     RC<i>_<j> w<i>_<j> b<i>_<j> 1/G(i,j)          cell (omitted for G = 0)
 *     RB<i>_<j> b<i>_<j> (b<i+1>_<j> | s<j>) r_bl   bit-line segment below cell (i,j), i = 0..R−1
 *     RS<j>    s<j> g<j> R_sense                    sense-amp input (omitted for R_sense = 0: g<j> ≡ s<j>)
 *     VS<j>    g<j> 0 DC 0                          ammeter = the virtual ground; I_j = i(vs<j>)
 * A zero wire resistance merges the nodes it would join (same node name). SPICE's branch current
 * of VS<j> is positive flowing from g<j> through the source to ground, i.e. I_j as defined in
 * tile_circuit.ts. The control block runs `op` and prints every i(vs<j>) with 17 significant digits
 * (`set numdgt=17`); tolerances are tightened (reltol 1e-12, abstol 1e-20 A, vntol 1e-15 V) and gmin
 * lowered to 1e-20 S so SPICE's own convergence limits do not set the comparison's precision (the
 * circuit is linear: the operating point is one sparse LU solve).
 * Values are written with JavaScript's shortest round-trip decimal form (exact doubles).
 */
import type { TileCircuit } from './tile_circuit.js';

export function tileNetlist(c: TileCircuit, V: ArrayLike<number>, title = 'rramsim line-resistance tile'): string {
  const { rows: R, cols: C, G, spec } = c;
  const num = (x: number) => String(x);
  const lines: string[] = [`* ${title}: ${R}x${C}, r_wl=${spec.rWordLine} r_bl=${spec.rBitLine} R_drv=${spec.rDriver} R_sense=${spec.rSense} ohm`];
  const drv = (i: number) => (spec.rDriver > 0 ? `d${i}` : `in${i}`);
  const wNode = (i: number, j: number) => (spec.rWordLine > 0 ? `w${i}_${j}` : drv(i));
  const sNode = (j: number) => `s${j}`;
  const bNode = (i: number, j: number) => (spec.rBitLine > 0 ? `b${i}_${j}` : sNode(j));
  const gNode = (j: number) => (spec.rSense > 0 ? `g${j}` : sNode(j));
  for (let i = 0; i < R; i++) {
    lines.push(`V${i} in${i} 0 DC ${num(V[i])}`);
    if (spec.rDriver > 0) lines.push(`RD${i} in${i} d${i} ${num(spec.rDriver)}`);
    if (spec.rWordLine > 0) {
      for (let j = 0; j < C; j++) lines.push(`RW${i}_${j} ${j === 0 ? drv(i) : wNode(i, j - 1)} ${wNode(i, j)} ${num(spec.rWordLine)}`);
    }
  }
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const g = G[i * C + j];
      if (g > 0) lines.push(`RC${i}_${j} ${wNode(i, j)} ${bNode(i, j)} ${num(1 / g)}`);
    }
  }
  for (let j = 0; j < C; j++) {
    if (spec.rBitLine > 0) {
      for (let i = 0; i < R; i++) lines.push(`RB${i}_${j} ${bNode(i, j)} ${i < R - 1 ? bNode(i + 1, j) : sNode(j)} ${num(spec.rBitLine)}`);
    }
    if (spec.rSense > 0) lines.push(`RS${j} ${sNode(j)} ${gNode(j)} ${num(spec.rSense)}`);
    lines.push(`VS${j} ${gNode(j)} 0 DC 0`);
  }
  lines.push('.options reltol=1e-12 abstol=1e-20 vntol=1e-15 gmin=1e-20 numdgt=17');
  lines.push('.control', 'set numdgt=17', 'op');
  for (let j = 0; j < C; j++) lines.push(`print i(vs${j})`);
  lines.push('quit 0', '.endc', '.end', '');
  return lines.join('\n');
}

/**
 * The output currents I_j from ngspice's stdout for a netlist of `cols` bit lines
 * (lines `i(vs<j>) = <value>`). Throws naming the first missing current.
 */
export function parseSpiceCurrents(stdout: string, cols: number): Float64Array {
  const out = new Float64Array(cols).fill(NaN);
  const re = /^\s*i\(vs(\d+)\)\s*=\s*([-+0-9.eE]+)\s*$/gim;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
    const j = Number(m[1]);
    if (j < cols) out[j] = Number(m[2]);
  }
  for (let j = 0; j < cols; j++) {
    if (!Number.isFinite(out[j])) throw new Error(`ngspice output has no value for i(vs${j})`);
  }
  return out;
}
