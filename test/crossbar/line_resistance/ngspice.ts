/**
 * Running ngspice (Debian package `ngspice`) in batch mode on a generated netlist, for the SPICE
 * validation tests. The netlist goes to a fresh temporary directory that is removed afterwards;
 * stdout is returned for parseSpiceCurrents (src/crossbar/line_resistance/spice_netlist.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExactTileSolver } from '../../../src/crossbar/line_resistance/exact_solver.js';
import { parseSpiceCurrents, tileNetlist } from '../../../src/crossbar/line_resistance/spice_netlist.js';
import { tileCircuit, type LineResistanceSpec } from '../../../src/crossbar/line_resistance/tile_circuit.js';
import { maxRelError, randomTile } from './helpers.js';

/** true when an `ngspice` executable is on PATH and runs */
export function ngspiceAvailable(): boolean {
  const r = spawnSync('ngspice', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return !r.error && r.status === 0 && /ngspice/i.test(r.stdout);
}

/** `ngspice -b tile.cir` → stdout (throws with ngspice's stderr on a non-zero exit) */
export function runNgspice(netlist: string, timeoutMs = 30 * 60_000): string {
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-spice-'));
  try {
    const file = join(dir, 'tile.cir');
    writeFileSync(file, netlist);
    return execFileSync('ngspice', ['-b', file], { encoding: 'utf8', cwd: dir, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SpiceCase { rows: number; cols: number; gHi: number; spec: LineResistanceSpec; tag: string }

/** one tile: random G in [1 µS, gHi], V in [0.05, 0.3] V from stream(1, `test/line_resistance/<rows>x<cols>/<tag>`) */
/** max_j |I_exact,j − I_spice,j| / |I_spice,j| */
export function spiceAgreement(c: SpiceCase): number {
  const { G, V } = randomTile(c.rows, c.cols, `test/line_resistance/${c.rows}x${c.cols}/${c.tag}`, { gHi: c.gHi });
  const circuit = tileCircuit(c.rows, c.cols, G, c.spec);
  const exact = new ExactTileSolver(circuit).solve(V).currents;
  const spice = parseSpiceCurrents(runNgspice(tileNetlist(circuit, V)), c.cols);
  return maxRelError(exact, spice);
}

