/**
 * Line-resistance (IR drop) bench: error and speed of the fast block Gauss–Seidel MVM
 * (src/crossbar/line_resistance/fast_solver.ts) against the exact sparse solver (exact_solver.ts),
 * per tile size and wire resistance. `node dist/sim/bench/line_resistance.js [--quick]`; exports
 * benchLineResistance() for `npm run bench`.
 *
 * Per configuration (square tile n×n, r_wl = r_bl = r, R_drv = R_sense = 0, G uniform in
 * [1 µS, G_max], inputs V_i uniform in [0.05, 0.3] V; all from stream(1, `bench/line_resistance/<n>/<G_max>`)):
 *   idealErr      = max_j |I_ideal,j − I_exact,j| / max_j |I_exact,j|   (what ignoring IR drop costs)
 *   fastErr[s]    = max_j |I_fast,j(s sweeps) − I_exact,j| / max_j |I_exact,j|
 *                   (max over VECTORS input vectors; normalised by the tile's largest output, i.e. the
 *                   ADC full scale of that tile)
 *   drop          = 1 − Σ_j I_exact,j / Σ_j I_ideal,j  (mean IR-drop loss of signal)
 *   exactMvmPerSec = vectors / CPU seconds of ExactTileSolver.solve (assembly excluded; assemblyMs separate)
 *   fastMvmPerSec  = vectors / CPU seconds of FastTileSolver.mvm at 3 sweeps (batch BATCH), and the
 *                   ideal (s = 0) rate of the same code for reference.
 * CPU time (process.cpuUsage) so that other jobs on the machine distort less; each timing repeats the
 * call for at least 50 ms of CPU time after a warm-up call; the fast rates are the median of REPS repeats.
 */
import { fileURLToPath } from 'node:url';
import { ExactTileSolver } from '../../src/crossbar/line_resistance/exact_solver.js';
import { FastTileSolver } from '../../src/crossbar/line_resistance/fast_solver.js';
import { idealCurrents, tileCircuit } from '../../src/crossbar/line_resistance/tile_circuit.js';
import { stream } from '../../src/util/rng.js';

export const SIZES = [8, 32, 64, 128];
export const WIRE_OHMS = [0.5, 1, 2.5, 5];
export const G_MAX = [1e-4, 3e-4];
export const SWEEPS = [1, 2, 3, 5, 10, 20];
const G_MIN = 1e-6;
const VECTORS = 4;
const BATCH = 32;
const REPS = 3;
const MIN_SECONDS = 0.05;

export interface LineResistanceBenchRecord {
  bench: 'line-resistance';
  size: number;
  rWire: number;
  gMax: number;
  gMin: number;
  /** CPU ms to compute one tile's transfer matrix (n unit inputs, 5 sweeps; transfer mode) */
  transferMs: number;
  /** r_wire / R_on, R_on = 1/G_max */
  rOverRon: number;
  drop: number;
  idealErr: number;
  fastErr: Record<string, number>;
  exactIterations: number;
  assemblyMs: number;
  exactMvmPerSec: number;
  fastMvmPerSec: number;
  fastSweeps: number;
  idealMvmPerSec: number;
}

function cpuSeconds(fn: () => void): number {
  const u0 = process.cpuUsage();
  fn();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function normErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let e = 0, m = 0;
  for (let j = 0; j < ref.length; j++) { e = Math.max(e, Math.abs(x[j] - ref[j])); m = Math.max(m, Math.abs(ref[j])); }
  return e / m;
}

export function benchOne(n: number, r: number, gMax: number, gMin = G_MIN): LineResistanceBenchRecord {
  const rng = stream(1, `bench/line_resistance/${n}/${gMax}${gMin === G_MIN ? '' : `/${gMin}`}`);
  const G = new Float64Array(n * n);
  for (let k = 0; k < G.length; k++) G[k] = gMin + (gMax - gMin) * rng.next();
  const X = new Float32Array(BATCH * n);
  for (let k = 0; k < X.length; k++) X[k] = 0.05 + 0.25 * rng.next();
  const spec = { rWordLine: r, rBitLine: r, rDriver: 0, rSense: 0 };
  const circuit = tileCircuit(n, n, G, spec);
  let solver!: ExactTileSolver;
  const assemblyMs = 1000 * cpuSeconds(() => { solver = new ExactTileSolver(circuit); });
  const fast = new FastTileSolver(n, n, spec);
  fast.setConductances(G);
  const y = new Float32Array(BATCH * n);
  const fastErr: Record<string, number> = {};
  let idealErr = 0, sumExact = 0, sumIdeal = 0, iterations = 0;
  const exact: Float64Array[] = [];
  const exactTimes: number[] = [];
  for (let v = 0; v < VECTORS; v++) {
    const V = Float64Array.from(X.subarray(v * n, (v + 1) * n));
    let I!: Float64Array;
    solver.solve(V); // warm-up
    let t = 0, done = 0;
    while (t < MIN_SECONDS) {
      t += cpuSeconds(() => { const s = solver.solve(V); I = s.currents; iterations = Math.max(iterations, s.iterations); });
      done++;
    }
    exactTimes.push(t / done);
    exact.push(I);
    const ideal = idealCurrents(circuit, V);
    idealErr = Math.max(idealErr, normErr(ideal, I));
    for (let j = 0; j < n; j++) { sumExact += I[j]; sumIdeal += ideal[j]; }
  }
  for (const s of SWEEPS) {
    fast.mvm(X, VECTORS, y, s);
    let e = 0;
    for (let v = 0; v < VECTORS; v++) e = Math.max(e, normErr(y.subarray(v * n, (v + 1) * n), exact[v]));
    fastErr[String(s)] = e;
  }
  // vectors per CPU second, each repeat running whole batches for at least MIN_SECONDS (after one warm-up batch)
  const rate = (s: number) => {
    fast.mvm(X, BATCH, y, s);
    return median(Array.from({ length: REPS }, () => {
      let t = 0, done = 0;
      while (t < MIN_SECONDS) { t += cpuSeconds(() => fast.mvm(X, BATCH, y, s)); done += BATCH; }
      return done / t;
    }));
  };
  const fastSweeps = 3;
  // transfer mode (read_stages/line_resistance.ts): the tile's deviation matrix from n unit inputs, at 5 sweeps
  const unit = new Float32Array(n * n), D = new Float32Array(n * n);
  for (let k = 0; k < n; k++) unit[k * n + k] = 0.2;
  fast.mvmDeviation(unit, n, D, 5);
  const transferMs = 1000 * median(Array.from({ length: REPS }, () => cpuSeconds(() => fast.mvmDeviation(unit, n, D, 5))));
  return {
    bench: 'line-resistance', size: n, rWire: r, gMax, gMin, rOverRon: r * gMax, transferMs,
    drop: 1 - sumExact / sumIdeal, idealErr, fastErr, exactIterations: iterations, assemblyMs,
    exactMvmPerSec: 1 / median(exactTimes), fastMvmPerSec: rate(fastSweeps), fastSweeps, idealMvmPerSec: rate(0),
  };
}

/** the low-conductance device of the accuracy sweep (configs/line-resistance.json): 0.1–10 µS, 128×128 */
export const LOW_G = { gMin: 1e-7, gMax: 1e-5 };

export function benchLineResistance(opts: { quick?: boolean; low?: boolean; log?: (s: string) => void } = {}): LineResistanceBenchRecord[] {
  const out: LineResistanceBenchRecord[] = [];
  if (opts.low) {
    for (const r of [1, 2.5, 5]) {
      const rec = benchOne(128, r, LOW_G.gMax, LOW_G.gMin);
      opts.log?.(JSON.stringify(rec));
      out.push(rec);
    }
    return out;
  }
  const sizes = opts.quick ? [8, 32] : SIZES;
  for (const n of sizes) {
    for (const gMax of G_MAX) {
      for (const r of WIRE_OHMS) {
        const rec = benchOne(n, r, gMax);
        opts.log?.(JSON.stringify(rec));
        out.push(rec);
      }
    }
  }
  return out;
}

const fmtE = (x: number) => (x < 5e-7 ? '<5e-7' : x.toExponential(1));
const fmtN = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** the markdown table of docs/line_resistance.md */
export function markdownTable(recs: LineResistanceBenchRecord[]): string {
  const head = ['n', 'G range', 'r (Ω)', 'r/R_on', 'IR drop', 'ideal err', ...SWEEPS.map((s) => `fast s=${s}`), 'CG iters', 'exact MVM/s', 'fast s=3 MVM/s', 'ideal MVM/s', 'transfer ms (s=5)'];
  const rows = recs.map((r) => [
    String(r.size), `${Number((r.gMin * 1e6).toPrecision(3))}–${Number((r.gMax * 1e6).toPrecision(3))} µS`, String(r.rWire), r.rOverRon.toExponential(1), `${(100 * r.drop).toFixed(1)} %`,
    fmtE(r.idealErr), ...SWEEPS.map((s) => fmtE(r.fastErr[String(s)])), String(r.exactIterations),
    fmtN(r.exactMvmPerSec), fmtN(r.fastMvmPerSec), fmtN(r.idealMvmPerSec), fmtN(r.transferMs),
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const recs = benchLineResistance({ quick: process.argv.includes('--quick'), low: process.argv.includes('--low'), log: (s) => console.log(s) });
  console.log(`\n${markdownTable(recs)}`);
}
