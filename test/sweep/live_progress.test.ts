/**
 * Progress lines of a running sweep (sim/sweep/live_progress.ts, progress.ts) on a clock the test
 * controls: base-training and method-phase lines with images/s = images per epoch / epoch seconds
 * (hand-computed from the cost model's image counts), the status naming the base training instead of
 * an ETA of 0, and plain (non-TTY) lines at most every `interval` seconds per point.
 */
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { LiveProgress } from '../../sim/sweep/live_progress.js';
import { makeProgress } from '../../sim/sweep/progress.js';

describe('live progress', () => {
  it('base and phase lines with img/s and ETA; the status says what runs; plain lines throttled', async () => {
    const plan = await planSweep({ model: 'mlp', dataset: 'mnist', method: ['unaware', 'fat'], trainLimit: 3000, retrainLimit: 1000, train: { epochs: 3 }, retrain: { epochs: 4 }, defects: { rate: 0.1 } }, 't');
    let t = 0;
    const out: string[] = [];
    const progress = makeProgress(false, (s) => out.push(s), 30, () => t);
    const statuses: string[] = [];
    const live = new LiveProgress({ todo: plan.points, doneKeys: [], workers: 1, progress: { ...progress, status: (s) => statuses.push(s) }, label: () => '', now: () => t });
    const [u, f] = plan.points;
    progress.start(2, 0);
    live.onStart(u);
    t = 10_000;
    live.onEpoch(u.hash, 'base', 1, 3);
    // 3000 images in 10 s = 300 img/s; 2 epochs left at 10 s each
    expect(out.at(-1)).toMatch(/^ {2}base [0-9a-f]{8} \(mlp\/mnist seed 0\): epoch 1\/3, 300 img\/s, ETA 20 s\n$/);
    expect(statuses.at(-1)).toMatch(/^training 1 base network \| ETA ~\d+ (s|min) \(uncalibrated\)$/);
    // within 30 s of the last plain line: nothing printed
    const n = out.length;
    t = 20_000;
    live.onEpoch(u.hash, 'base', 2, 3);
    expect(out.length).toBe(n);
    t = 41_000;
    live.onEpoch(u.hash, 'base', 3, 3);
    expect(out.length).toBe(n + 1);
    t = 45_000;
    live.onDone(u.hash, 45, true);
    expect(statuses.at(-1)).toMatch(/^waiting \| ETA ~/);
    expect(statuses.at(-1)).not.toMatch(/uncalibrated/);
    live.onStart(f);
    t = 50_000;
    live.onEpoch(f.hash, 'fat', 1, 4);
    // 1000 retraining images in 5 s = 200 img/s, 3 epochs of 5 s left
    expect(out.at(-1)).toBe(`  point ${f.hash} (method=fat): fat epoch 1/4, 200 img/s, phase ETA 15 s\n`);
    expect(statuses.at(-1)).toMatch(/^1 running \| ETA ~/);
    live.onDone(f.hash, 20, true);
    expect(statuses.at(-1)).toBe('waiting | ETA 0 s');
    live.stop();
  });
});
