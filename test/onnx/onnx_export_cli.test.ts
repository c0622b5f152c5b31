/**
 * `rramsim export` end to end on a real tiny sweep (embedded MNIST, an MLP, ideal / unaware / fat /
 * lora / ittrna / spare at 10 % stuck cells): onnxruntime-web runs each exported file on the
 * sweep's evaluation split and must reach exactly the accuracy the sweep recorded for that network
 * (an independent runtime against the record: the base = ideal's accuracy, an unaware point's
 * effective weights = unaware's, fat's = fat's, LoRA's effective weights after the merge = its
 * extra.mergedAccuracy, ittrna's and spare's effective weights = theirs). The re-run reports the
 * recorded metrics bit for bit; the sweep directory is not modified. A sweep whose bases were
 * trained into another directory (`--cache-dir`, as a Slurm job's DIR-cache) exports with the same
 * flag, the same bytes. Bad input is one message, exit 2, nothing written. Independent CLI calls
 * run at the same time (cliP).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { splitRange } from '../../src/data/split_rows.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { readRecords, tmp } from '../sweep/helpers.js';
import { cli, cliP, ensureBuilt, ROOT, writeJson } from '../cli/cli_helpers.js';

ort.env.wasm.numThreads = 1;

const config = {
  name: 'export-cli',
  dataset: 'mnist-embedded',
  model: 'mlp',
  trainLimit: 600,
  train: { epochs: 2, batch: 32, lr: 0.05 },
  retrain: { epochs: 1, batch: 32, lr: 0.01 },
  method: ['ideal', 'unaware', 'fat', 'lora', 'ittrna', 'spare'],
  defects: { rate: [0.1] },
  lora: { rank: 4 },
  crossbar: { tileRows: 64, tileCols: 64 },
  seed: [0],
};

let dir: string;
let sweep: string;
let recs: Map<string, ResultRecord>;

beforeAll(() => {
  ensureBuilt();
  dir = tmp();
  sweep = join(dir, 'sweep');
  const r = cli(['sweep', writeJson(join(dir, 'c.json'), config), '--out', sweep, '--workers', '1']);
  expect(r.code, r.stderr).toBe(0);
  recs = new Map(readRecords(sweep).map((x) => [x.point.method, x]));
  expect([...recs.keys()].sort()).toEqual(['fat', 'ideal', 'ittrna', 'lora', 'spare', 'unaware']);
}, 300_000);

/** accuracy of an ONNX file on the data set's evaluation split, run by onnxruntime-web */
async function ortAccuracy(file: string): Promise<number> {
  const ds = await loadDataset('mnist-embedded');
  const n = ds.eval.n, d = 784;
  // C = 1: the NHWC rows are NCHW images as they are
  const x = Float32Array.from(splitRange(ds.eval, 0, n, d));
  const sess = await ort.InferenceSession.create(readFileSync(file));
  const out = (await sess.run({ input: new ort.Tensor('float32', x, [n, 1, 28, 28]) })).logits.data as Float32Array;
  await sess.release();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (out[i * 10 + c] > out[i * 10 + best]) best = c;
    if (best === ds.eval.y[i]) correct++;
  }
  return correct / n;
}

const hash = (method: string) => recs.get(method)!.pointHash;

/** every file of the sweep directory with its size and mtime (to show export leaves it alone) */
function snapshot(d: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const e of readdirSync(p)) {
      const f = join(p, e);
      const st = statSync(f);
      if (st.isDirectory()) walk(f);
      else out.push(`${f} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(d);
  return out.sort();
}

describe('rramsim export from a sweep directory', () => {
  it('each exported network reaches, under onnxruntime, exactly the accuracy the sweep recorded for it', async () => {
    const before = snapshot(sweep);
    const cases: { method: string; flags: string[]; acc: () => number }[] = [
      { method: 'ideal', flags: ['--network', 'base'], acc: () => recs.get('ideal')!.metrics!.accuracy },
      { method: 'unaware', flags: ['--weights', 'effective'], acc: () => recs.get('unaware')!.metrics!.accuracy },
      { method: 'fat', flags: ['--weights', 'effective'], acc: () => recs.get('fat')!.metrics!.accuracy },
      { method: 'lora', flags: ['--weights', 'effective'], acc: () => recs.get('lora')!.metrics!.extra!.mergedAccuracy as number },
      // row/column permutations inside the op (routing): the effective weights are in logical order
      { method: 'ittrna', flags: ['--weights', 'effective'], acc: () => recs.get('ittrna')!.metrics!.accuracy },
      // an op without effectiveWeights(): exported as its product with the identity
      { method: 'spare', flags: ['--weights', 'effective'], acc: () => recs.get('spare')!.metrics!.accuracy },
    ];
    // trained vs effective weights of an unaware point: the base's accuracy vs the defective chip's
    expect(recs.get('unaware')!.metrics!.accuracy).not.toBe(recs.get('ideal')!.metrics!.accuracy);
    cases.push({ method: 'unaware', flags: [], acc: () => recs.get('ideal')!.metrics!.accuracy });
    // every export reads the sweep directory only (each re-run works in its own temporary copy): all at once
    const outs = cases.map((c) => join(dir, `${c.method}${c.flags.length ? '' : '-trained'}.onnx`));
    const runs = await Promise.all(cases.map((c, i) => cliP(['export', sweep, '--point', hash(c.method).slice(0, 10), ...c.flags, '--out', outs[i]])));
    for (const [i, c] of cases.entries()) {
      const r = runs[i];
      expect(r.code, r.stderr).toBe(0);
      if (!c.flags.includes('base')) expect(r.stdout).toContain('= the recorded metrics, bit for bit');
      const acc = await ortAccuracy(outs[i]);
      console.log(`export ${c.method} ${c.flags.join(' ') || '(trained)'}: onnxruntime accuracy ${acc} on 2000 heldout images, recorded ${c.acc()}`);
      expect(acc).toBe(c.acc());
    }
    expect(snapshot(sweep)).toEqual(before);
  }, 480_000);

  it('bad input: one line, exit 2, nothing written (unknown point, base + effective, no cached base, a layer without ONNX form)', async () => {
    const out = join(dir, 'never.onnx');
    const calls: Promise<void>[] = [];
    const bad = (args: string[], msg: RegExp) => calls.push(cliP(['export', ...args, '--out', out]).then((r) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }));
    bad([sweep, '--point', 'ffffffffff'], /--point: no point of .* has hash ffffffffff/);
    bad([sweep], /--point: got nothing/);
    bad([sweep, '--point', hash('ideal'), '--network', 'base', '--weights', 'effective'], /--weights effective: the base network is digital/);
    bad([sweep, '--point', hash('ideal'), '--weights', 'exact'], /--weights must be one of trained, effective \(got 'exact'\)/);
    // a copy of the sweep without its cache: export trains nothing
    const nocache = join(dir, 'nocache');
    cpSync(sweep, nocache, { recursive: true });
    rmSync(join(nocache, 'cache'), { recursive: true });
    bad([nocache, '--point', hash('fat')], /its base network is not in .*cache .*missing\): run or --resume the sweep first/);
    // a point whose model has layers without an ONNX form (a vision transformer): refused before any work
    const vit = join(dir, 'vit');
    mkdirSync(vit);
    const m = JSON.parse(readFileSync(join(sweep, 'manifest.json'), 'utf8')) as { expectedPoints: { pointHash: string; point: Record<string, unknown> }[] };
    m.expectedPoints = [{ pointHash: 'abcdef'.repeat(10) + 'abcd', point: { ...m.expectedPoints[0].point, model: 'vit-mnist' } }];
    writeFileSync(join(vit, 'manifest.json'), JSON.stringify(m));
    bad([vit, '--point', 'abcdef'], /export: layer '[^']+' \([a-z-]+\) of model 'vit-mnist' has no ONNX export; exportable layers: dense, conv2d/);
    bad([sweep, '--point', hash('fat'), '--cache-dir', join(sweep, 'manifest.json')], /--cache-dir: got '.*manifest\.json'; allowed: the directory the sweep trained its base networks into/);
    bad([sweep, '--point', hash('fat'), '--cache-dir', join(dir, 'no-such-dir')], /--cache-dir: got .*no-such-dir/);
    await Promise.all(calls);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('--cache-dir: a sweep whose bases live elsewhere (a Slurm job\'s DIR-cache) exports the same bytes with it, and without it says where to look', async () => {
    // the layout `rramsim slurm` leaves: the merged DIR without cache/, the bases in DIR-cache
    const slurm = join(dir, 'slurm');
    cpSync(sweep, slurm, { recursive: true });
    renameSync(join(slurm, 'cache'), `${slurm}-cache`);
    const base = (src: string, name: string, ...flags: string[]) =>
      cliP(['export', src, '--point', hash('fat'), '--network', 'base', '--out', join(dir, name), ...flags]);
    const [missing, viaFlag, ref, point] = await Promise.all([
      base(slurm, 'never-slurm.onnx'),
      base(slurm, 'slurm-base.onnx', '--cache-dir', `${slurm}-cache`),
      base(sweep, 'sweep-base.onnx'),
      cliP(['export', slurm, '--point', hash('fat'), '--cache-dir', `${slurm}-cache`, '--out', join(dir, 'slurm-fat.onnx')]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/its base network is not in .*slurm\/cache .*name the directory it trained its bases into with --cache-dir/);
    expect(existsSync(join(dir, 'never-slurm.onnx'))).toBe(false);
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(ref.code, ref.stderr).toBe(0);
    expect(readFileSync(join(dir, 'slurm-base.onnx'))).toEqual(readFileSync(join(dir, 'sweep-base.onnx')));
    // the method re-run on that base gives the recorded metrics
    expect(point.code, point.stderr).toBe(0);
    expect(point.stdout).toContain('= the recorded metrics, bit for bit');
  }, 300_000);

  it('output file: another file is kept (exit 2) unless --force; its own file is replaced', () => {
    const out = join(dir, 'mine.onnx');
    writeFileSync(out, 'not mine');
    const args = ['export', sweep, '--point', hash('ideal'), '--network', 'base', '--out', out];
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out: .*mine\.onnx.* --force/);
    expect(readFileSync(out, 'utf8')).toBe('not mine');
    expect(cli([...args, '--force']).code).toBe(0);
    const first = readFileSync(out);
    expect(cli(args).code).toBe(0); // rramsim's own file: replaced without --force, the same bytes
    expect(readFileSync(out)).toEqual(first);
  }, 300_000);
});

describe('rramsim export of an .onnx file (round trip through rramsim)', () => {
  it('a PyTorch export with BatchNorm kept: import of the written file gives the same model state', async () => {
    const src = join(ROOT, 'test', 'fixtures', 'onnx', 'pytorch', 'resnet_bn.onnx');
    const out = join(tmp(), 'again.onnx');
    const r = cli(['export', src, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const sha = (s: string) => /model state: \d+ floats, sha256 ([0-9a-f]{64})/.exec(s)![1];
    const [a, b] = await Promise.all([cliP(['import', src]), cliP(['import', out])]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(sha(b.stdout)).toBe(sha(a.stdout));
    expect(cli(['export', src, '--weights', 'effective', '--out', out]).code).toBe(2);
  }, 60_000);
});
