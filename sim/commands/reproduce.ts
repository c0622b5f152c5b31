/**
 * `rramsim reproduce DIR`: re-run a sample (or all) of a finished sweep's ok points, in a fresh
 * temporary cache, and check their metrics are bit-identical to results.jsonl. Exit 4 on a
 * mismatch, naming the point and the field.
 *
 * Backends: results are bit-identical only within one kernel backend (src/kernels: 'ts' and
 * 'wasm' differ in the last float digits). Each record's backend is `env.backend` (records written
 * before it was recorded: 'wasm', the default then, run_env.ts). When the re-run backend differs,
 * the command says so before running and on every mismatch ("recorded with backend X, re-run with
 * Y … run with RRAMSIM_BACKEND=X"); the exit codes stay: 4 on a mismatch, 0 when all agree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { PlannedPoint } from '../../src/config/expand.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { getBackend } from '../../src/kernels/gemm.js';
import { numericContract } from '../../src/kernels/backend.js';
import { UserError } from '../../src/util/errors.js';
import { checkConfigFilePath, checkDefectFilePath } from '../../src/crossbar/defects_file_access.js';
import { importOnnxRef, isOnnxRef } from '../../src/onnx/onnx_ref.js';
import { ONNX_MAX_BYTES } from '../../src/onnx/read_onnx.js';
import { ALLOW_PATH_OPTION, EXIT, EXIT_EPILOG, parseAllowPaths, parseWorkers, runnerFromEnv } from '../sweep/cli_common.js';
import { compareRecords } from '../sweep/compare_records.js';
import { readManifest, RESULTS } from '../sweep/manifest.js';
import { pointLabel } from '../sweep/point_label.js';
import { PointPool } from '../sweep/pool.js';
import { preflight } from '../sweep/preflight.js';
import { latestByHash, readResults } from '../sweep/results_file.js';
import { LEGACY_BACKEND, recordBackend } from '../sweep/run_env.js';
import { printable } from '../../src/util/safe_text.js';

interface Args {
  dir: string;
  sample: number;
  all: boolean;
  workers?: number;
  'data-dir'?: string;
  'allow-path'?: string[];
}

/** K records evenly spaced over the records sorted by pointHash (deterministic, no RNG). */
export function evenSample<T extends { pointHash: string }>(recs: T[], k: number): T[] {
  const sorted = [...recs].sort((a, b) => (a.pointHash < b.pointHash ? -1 : 1));
  if (k >= sorted.length) return sorted;
  return Array.from({ length: k }, (_, i) => sorted[Math.floor((i * sorted.length) / k)]);
}

const command: CommandModule<object, Args> = {
  command: 'reproduce <dir>',
  describe: 're-run points of a finished sweep and check their metrics are bit-identical',
  builder: (y: Argv) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'sweep directory' })
      .option('sample', { type: 'number', default: 3, describe: 'how many ok points to re-run (evenly spaced by point hash)' })
      .option('all', { type: 'boolean', default: false, describe: 're-run every ok point' })
      .option('workers', { type: 'number', describe: 'worker threads (default: number of cores)' })
      .option('data-dir', { type: 'string', describe: 'IDX dataset directory' })
      .option('allow-path', ALLOW_PATH_OPTION)
      .epilog(
        'Points run with a fresh, temporary cache, so cached base networks are re-trained too. Results are bit-identical only within one ' +
          'kernel backend: a record made with another backend (env.backend; older records: wasm) is named, with the RRAMSIM_BACKEND to use. ' +
          EXIT_EPILOG,
      ) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    const manifest = readManifest(a.dir);
    if (!Number.isInteger(a.sample) || a.sample < 1) throw new UserError(`--sample: got '${a.sample}'; allowed: an integer >= 1`, '--sample');
    const workers = parseWorkers(a.workers);
    const { records } = readResults(join(a.dir, RESULTS));
    const ok = [...latestByHash(records).values()].filter((r) => r.status === 'ok');
    if (ok.length === 0) throw new UserError(`reproduce: '${a.dir}/${RESULTS}' has no ok points to re-run`, 'DIR');
    const chosen = a.all ? ok : evenSample(ok, a.sample);
    // records come from a directory that may have been shared: their defect-map paths obey the
    // same confinement as a config's (working directory tree, or --allow-path)
    const allowPaths = parseAllowPaths(a['allow-path']);
    for (const r of chosen) {
      if (r.point?.defects?.distribution === 'file' && typeof r.point.defects.file === 'string') {
        checkDefectFilePath(r.point.defects.file, { baseDir: '.', allowPaths }, `point ${r.pointHash}: defects.file`);
      }
      // an imported model's file: the same confinement, and the content the record ran on
      if (isOnnxRef(r.point?.model)) {
        const f = `point ${r.pointHash}: model`;
        checkConfigFilePath(r.point.model.onnx, { baseDir: '.', allowPaths }, `${f}.onnx`, { what: 'ONNX model', give: 'a .onnx file', maxBytes: ONNX_MAX_BYTES });
        importOnnxRef(r.point.model, f);
      }
    }
    if (!runnerFromEnv()) preflight(chosen.map((r) => r.point), a['data-dir']);
    const byHash = new Map<string, ResultRecord>(chosen.map((r) => [r.pointHash, r]));
    // messages quote directory names and values from results files: control characters escaped
    const err = (s: string) => process.stderr.write(`${printable(s)}\n`);
    const assumed = chosen.filter((r) => recordBackend(r).assumed).length;
    if (assumed > 0) err(`reproduce: ${assumed} of ${chosen.length} record(s) do not say which kernel backend produced them (written before rramsim recorded it): taken as '${LEGACY_BACKEND}', the default then`);
    const now = getBackend();
    const recordedBackends = [...new Set(chosen.map((r) => recordBackend(r).backend))];
    // backends of one numeric contract (native = wasm bit for bit) reproduce each other's records
    const differs = (b: string, ran: string = now) => numericContract(b) !== numericContract(ran);
    const backendNote = (b: string, ran: string = now) =>
      `recorded with backend ${b}, re-run with ${ran}: results are bit-identical only within one numeric contract (native = wasm; ts differs); run with RRAMSIM_BACKEND=${b}`;
    for (const b of recordedBackends) if (differs(b)) err(`reproduce: warning: ${chosen.filter((r) => recordBackend(r).backend === b).length} point(s) ${backendNote(b)}`);
    const tmp = mkdtempSync(join(tmpdir(), 'rramsim-reproduce-'));
    const mismatches: string[] = [];
    let checked = 0;
    err(`reproduce: re-running ${chosen.length} of ${ok.length} ok points of ${a.dir}`);
    const pool = new PointPool({
      workers,
      runnerModule: runnerFromEnv(),
      dataDir: a['data-dir'],
      outDir: tmp,
      configHash: manifest.configHash,
      onDone: (rec) => {
        checked++;
        const before = byHash.get(rec.pointHash)!;
        const m = compareRecords(before, rec);
        const label = `${rec.pointHash} (${pointLabel(rec.point)})`;
        if (m) {
          const was = recordBackend(before).backend;
          const ran = rec.env?.backend ?? now;
          const why = differs(was, ran) ? ` (${backendNote(was, ran)})` : '';
          const msg = `MISMATCH point ${label}: ${m.field} recorded ${JSON.stringify(m.recorded)}, re-run ${JSON.stringify(m.rerun)}${why}`;
          mismatches.push(msg);
          err(msg);
        } else err(`[${checked}/${chosen.length}] identical  ${label}`);
      },
    });
    const points: PlannedPoint[] = chosen.map((r, index) => ({ index, hash: r.pointHash, point: r.point }));
    try {
      await pool.run(points);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    if (mismatches.length > 0) {
      err(`reproduce: ${mismatches.length} of ${chosen.length} points differ`);
      process.exitCode = EXIT.mismatch;
    } else {
      err(`reproduce: all ${chosen.length} points bit-identical`);
      process.exitCode = EXIT.ok;
    }
  },
};
export default command;
