/**
 * The PyTorch peer (../shared/peers/torch_peer.py relative to the repo root, or env RRAMSIM_PEER =
 * path to torch_peer.py), run from the bench in the same invocation so a ratio compares two
 * measurements taken on the same machine minutes apart, never numbers from another machine.
 *
 * Python: env RRAMSIM_PEER_PYTHON, else /usr/bin/python3 (Debian's python3-torch), with
 * LD_LIBRARY_PATH prefixed by /usr/lib/x86_64-linux-gnu/openblas-openmp (the OpenMP OpenBLAS the
 * peer README asks for). The peer is "installed" when the script exists and `import torch`
 * succeeds; otherwise `peerStatus()` says why and the bench prints "peer not installed: ratio not
 * measured". Each call runs one (model, mode) with 1 thread, batch 64, random MNIST-shaped data
 * (speed does not depend on the values) and returns its training and batch-64 inference images/s
 * (medians over its chunks / passes), per wall-clock second and per CPU-second (DRIVER below).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PeerResult {
  /** wall-clock rates (the peer's own medians) */
  trainImagesPerSec: number;
  inferImagesPerSec: number;
  /** the same medians per second of the peer process's CPU time */
  trainImagesPerCpuSec: number;
  inferImagesPerCpuSec: number;
  torch?: string;
}

/**
 * Runs torch_peer.py unchanged, with its clock `time.perf_counter` replaced by one that returns
 * the process CPU time (`time.process_time`, all threads; 1 thread here) and logs the wall clock at
 * each call. So the peer's printed rates are per CPU-second (robust when other jobs share the
 * cores), and its wall-clock rates are rebuilt from the logged pairs: its timed regions are, in
 * order, `chunks` training chunks and then `infer-passes` batch-64 inference passes (each region
 * = two consecutive clock calls), which is how torch_peer.py times them.
 */
const DRIVER = [
  'import sys, time, json, atexit, runpy',
  'wall = []',
  'def clock():',
  '    wall.append(time.perf_counter_ns() / 1e9)',
  '    return time.process_time()',
  'script = sys.argv[1]',
  'sys.argv = sys.argv[1:]',
  'real = time.perf_counter',
  'time.perf_counter = clock',
  "atexit.register(lambda: print(json.dumps({'wall_clock_calls': wall}), flush=True))",
  "runpy.run_path(script, run_name='__main__')",
].join('\n');

export interface PeerStatus {
  available: boolean;
  script: string;
  python: string;
  reason: string;
}

function repoRoot(): string {
  // dist/sim/bench/peer.js or sim/bench/peer.ts → repo root
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes(join('dist', 'sim', 'bench')) ? resolve(here, '..', '..', '..') : resolve(here, '..', '..');
}

const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

function peerEnv(): NodeJS.ProcessEnv {
  const lib = process.env.LD_LIBRARY_PATH;
  return { ...process.env, LD_LIBRARY_PATH: lib ? `${OPENBLAS}:${lib}` : OPENBLAS, OMP_NUM_THREADS: '1' };
}

let status: PeerStatus | undefined;

export function peerStatus(): PeerStatus {
  if (status) return status;
  const script = process.env.RRAMSIM_PEER || join(repoRoot(), '..', 'shared', 'peers', 'torch_peer.py');
  const python = process.env.RRAMSIM_PEER_PYTHON || '/usr/bin/python3';
  let reason = '';
  if (!existsSync(script)) reason = `no peer script at ${script} (set RRAMSIM_PEER)`;
  else if (!existsSync(python)) reason = `no python at ${python} (set RRAMSIM_PEER_PYTHON)`;
  else {
    const r = spawnSync(python, ['-c', 'import torch'], { env: peerEnv(), encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) reason = `${python} cannot import torch (${(r.stderr || String(r.error ?? '')).trim().split('\n').pop()})`;
  }
  status = { available: reason === '', script, python, reason };
  return status;
}

/** one peer run; throws when the peer fails (it is installed, so a failure is worth seeing) */
export function runPeer(model: 'mlp' | 'lenet5', mode: 'plain' | 'saf', chunkSteps: number): PeerResult {
  const s = peerStatus();
  if (!s.available) throw new Error(`peer not installed: ${s.reason}`);
  const chunks = 5, passes = 3;
  const args = ['-c', DRIVER, s.script, '--model', model === 'lenet5' ? 'lenet' : 'mlp', '--mode', mode, '--threads', '1',
    '--batch', '64', '--data', 'random', '--warmup-steps', String(chunkSteps), '--chunk-steps', String(chunkSteps),
    '--chunks', String(chunks), '--infer-passes', String(passes)];
  const r = spawnSync(s.python, args, { env: peerEnv(), encoding: 'utf8', timeout: 600_000, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`peer failed (exit ${r.status}): ${(r.stderr || String(r.error ?? '')).trim().split('\n').slice(-3).join(' | ')}`);
  let torch: string | undefined;
  let res: Record<string, unknown> | undefined;
  let wall: number[] | undefined;
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line) as Record<string, unknown>;
    if (typeof j.torch === 'string') torch = j.torch;
    if (j.model !== undefined && typeof j.train_img_s_median === 'number') res = j;
    if (Array.isArray(j.wall_clock_calls)) wall = j.wall_clock_calls as number[];
  }
  if (!res || !wall) throw new Error(`peer printed no result line: ${r.stdout.slice(0, 300)}`);
  // wall-clock regions: pairs (2c, 2c+1) for the training chunks, then the batch-64 inference passes
  const region = (i: number) => wall![2 * i + 1] - wall![2 * i];
  const chunkImages = Number(res.chunk_images);
  const trainWall = Array.from({ length: chunks }, (_, i) => chunkImages / region(i));
  const inferN = Math.floor(10000 / 64) * 64; // torch_peer.py: test split of 10000, whole batches of 64
  const inferWall = Array.from({ length: passes }, (_, i) => inferN / region(chunks + i));
  const med = (xs: number[]) => { const t = [...xs].sort((a, b) => a - b); return t.length % 2 ? t[t.length >> 1] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2; };
  return {
    trainImagesPerSec: med(trainWall), inferImagesPerSec: med(inferWall),
    trainImagesPerCpuSec: Number(res.train_img_s_median), inferImagesPerCpuSec: Number(res.infer_img_s_b64_median),
    torch,
  };
}
