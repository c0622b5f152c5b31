// `rramsim slurm`'s defaults fitted to the sweep (sim/sweep/slurm_resources.ts): Slurm time syntax
// by hand, the attempt count from the time estimate, --mem from the memory estimate of --cpus
// workers (checked against the per-point estimate and the process base, independently summed),
// and the base networks the base job trains (one per (model, data, recipe, seed), none for
// multi-task points).
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { PlannedPoint } from '../../src/config/expand.js';
import { estimatePoint } from '../../src/experiment/memory_estimate.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { defaultAttempts, defaultMem, slurmSeconds } from '../../sim/sweep/slurm_resources.js';
import { basePoints } from '../../sim/sweep/train_bases.js';

const planned = (points: PointSpec[]): PlannedPoint[] => points.map((point, index) => ({ index, hash: `h${index}`, point }));

describe('slurm defaults', () => {
  it('Slurm time syntax: minutes, minutes:seconds, hours:minutes:seconds, days-hours[:minutes[:seconds]]', () => {
    expect(slurmSeconds('30')).toBe(1800);
    expect(slurmSeconds('10:30')).toBe(630);
    expect(slurmSeconds('04:00:00')).toBe(14400);
    expect(slurmSeconds('1-00:00:00')).toBe(86400);
    expect(slurmSeconds('2-3')).toBe(2 * 86400 + 3 * 3600);
    expect(slurmSeconds('1-2:30')).toBe(86400 + 2 * 3600 + 30 * 60);
    expect(slurmSeconds('x')).toBeNaN();
  });

  it('attempts: at least 2; enough 4-hour jobs for 1.25x the estimate, plus one', () => {
    expect(defaultAttempts(10, 14400)).toBe(2);
    expect(defaultAttempts(6 * 3600, 14400)).toBe(3); // 7.5 h of 4-h jobs: 2, plus one
    expect(defaultAttempts(20 * 3600, 14400)).toBe(8); // 25 h: 7, plus one
  });

  it('--mem: whole G above 1.25 x (process + cpus x the largest point), and it grows with --cpus', () => {
    const small = { ...DEFAULTS, method: 'unaware' } as PointSpec;
    const resnet = { ...DEFAULTS, method: 'unaware', model: 'resnet20', dataset: 'cifar10-jpeg', trainLimit: 3000 } as PointSpec;
    const pts = planned([small, resnet]);
    const per = Math.max(estimatePoint(small).bytes, estimatePoint(resnet).bytes);
    for (const cpus of [1, 2, 4]) {
      const g = Number(defaultMem(pts, cpus).replace(/G$/, ''));
      const need = 125e6 + Math.min(cpus, 2) * per;
      expect(g * 2 ** 30).toBeGreaterThanOrEqual(1.25 * need);
      expect((g - 1) * 2 ** 30).toBeLessThan(1.25 * need);
    }
    expect(defaultMem(planned([small]), 2)).toBe('1G');
  });

  it('one base per (model, data, recipe, seed); multi-task points train their own', () => {
    const p = (o: Partial<PointSpec>) => ({ ...DEFAULTS, method: 'unaware', ...o }) as PointSpec;
    const bases = basePoints(planned([
      p({ seed: 0 }), p({ seed: 0, method: 'fat' }), p({ seed: 1, method: 'ittrna' }), p({ seed: 0, defects: { ...DEFAULTS.defects, rate: 0.2 } }),
      p({ seed: 0, train: { ...DEFAULTS.train, epochs: 7 } }), p({ seed: 2, method: 'mt-fat' }),
    ]));
    expect(bases.map((b) => [b.point.seed, b.point.train.epochs, b.point.method])).toEqual([[0, DEFAULTS.train.epochs, 'ideal'], [1, DEFAULTS.train.epochs, 'ideal'], [0, 7, 'ideal']]);
  });
});
