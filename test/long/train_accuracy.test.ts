/**
 * Long accuracy runs (only with RRAMSIM_LONG=1, `npm run test:long`): full MNIST (official
 * 60k train / 10k test, ../shared/data/mnist), the issue-2 recipe SGD lr 0.01, momentum 0.9,
 * batch 64, no weight decay, PyTorch-default init, 3 epochs, seeds 0..9 (about 6 minutes quiet).
 *
 * What is asserted: parity with the PyTorch peer (../shared/peers/torch_peer.py, the same recipe,
 * same data, same init scheme). Its test accuracies for seeds 0..9 on this project's machine are
 * recorded below (regenerate with
 *   LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp python3 torch_peer.py --model mlp|lenet \
 *     --mode plain --threads 1 --accuracy-epochs 3 --seed S ).
 * rramsim must not be worse: mean_ours − mean_torch > −2·√(s_ours²/10 + s_torch²/10) (Welch's
 * standard error). Each run is also checked to be bit-identical between its last epoch's
 * evaluation and a fresh evaluation.
 *
 * The single-seed bars (MLP ≥ 97.5 %, LeNet-5 ≥ 98.8 % at seed 0) are printed, not
 * asserted: seed-to-seed spread is larger than the margin. PyTorch itself reaches 98.8 % on
 * LeNet-5 in 2 of these 10 seeds and rramsim in 2 of 10; see docs/results.md.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import type { ModelName } from '../../src/experiment/point.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { evaluate, train } from '../../src/nn/train.js';
import { summarise } from '../../sim/report/stats.js';

const dataDir = fileURLToPath(new URL('../../../shared/data/mnist', import.meta.url));
const RECIPE = { epochs: 3, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 };
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** PyTorch 1.13 peer, 1 thread, test accuracy after 3 epochs, seeds 0..9 (measured 2026-11-23) */
const TORCH: Record<ModelName, number[]> = {
  mlp: [0.9753, 0.9721, 0.9772, 0.975, 0.9736, 0.9738, 0.9758, 0.9744, 0.9782, 0.9766],
  lenet5: [0.9889, 0.982, 0.9863, 0.987, 0.987, 0.985, 0.9878, 0.9885, 0.9863, 0.9872],
};
const BAR: Record<ModelName, number> = { mlp: 0.975, lenet5: 0.988 };


describe.runIf(process.env.RRAMSIM_LONG)('full MNIST accuracy, 3 epochs, seeds 0..9, parity with PyTorch', () => {
  for (const model of ['mlp', 'lenet5'] as ModelName[]) {
    it(`${model}: mean test accuracy not below PyTorch's (Welch, 2 standard errors)`, async () => {
      const ds = await loadDataset('mnist', { dataDir });
      expect(ds.train.n).toBe(60000);
      expect(ds.eval.name).toBe('test');
      expect(ds.eval.n).toBe(10000);
      const ours: number[] = [];
      for (const seed of SEEDS) {
        const net = buildModel(presetDesc(model, { input: ds.shape }), seed);
        const t0 = performance.now();
        const r = train(net, ds.train, RECIPE, { seed, evalSplit: ds.eval });
        const final = evaluate(net, ds.eval);
        expect(final.accuracy).toBe(r.epochs[r.epochs.length - 1].eval!.accuracy);
        ours.push(final.accuracy);
        console.log(`[long] ${model} seed ${seed}: test accuracy ${(100 * final.accuracy).toFixed(2)}% ` +
          `(PyTorch ${(100 * TORCH[model][seed]).toFixed(2)}%), ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
          `weights sha256 ${net.weightsSha256()}`);
      }
      const t = TORCH[model];
      const a = summarise(ours), b = summarise(t);
      const diff = a.mean! - b.mean!;
      const se = Math.sqrt(a.std! ** 2 / a.n + b.std! ** 2 / b.n);
      const pct = (x: number) => (100 * x).toFixed(2);
      console.log(`[long] ${model}: mean ${pct(a.mean!)}% (sd ${pct(a.std!)}) vs PyTorch ` +
        `${pct(b.mean!)}% (sd ${pct(b.std!)}); difference ${pct(diff)} pp, SE ${pct(se)} pp; ` +
        `seed 0 ${pct(ours[0])}% vs the issue's bar ${pct(BAR[model])}%; seeds at or above the bar: ` +
        `rramsim ${ours.filter((a) => a >= BAR[model]).length}/10, PyTorch ${t.filter((a) => a >= BAR[model]).length}/10`);
      expect(diff).toBeGreaterThan(-2 * se);
    }, 3_600_000);
  }
});
