// Each bound in one place: for EVERY numeric leaf of the config tree, values just
// outside its schema's bounds (generated from the bounds the schema enforces, not a hand list) make
// `rramsim list` exit 2 naming the field; values at the edges of the bounds either fail planning
// with exit 2 (a cross-field rule) or pass planning AND pass the run-time validators and the
// crossbar constructor a worker uses — nothing passes planning and fails later.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { leaves } from '../../src/config/fields.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { makeParam } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import type { NumBounds } from '../../src/util/spec_field.js';
import { runCli } from '../../sim/main.js';

const numeric = leaves().filter((l) => l.leaf.type === 'number');

/** values outside the bounds: below min (or at an exclusive min), above max, a fraction for ints, excluded values, ±∞ */
function outside(b: NumBounds): number[] {
  const out: number[] = [];
  if (b.min !== undefined) out.push(b.gt ? b.min : b.min - Math.max(1, Math.abs(b.min)) * 0.5);
  if (b.max !== undefined) out.push(b.lt ? b.max : b.max + Math.max(1, Math.abs(b.max)) * 0.5);
  if (b.int) out.push((b.min ?? 0) + 1.5);
  for (const v of b.not ?? []) out.push(v);
  out.push(Number.POSITIVE_INFINITY);
  return out;
}

/** values at the edges of the bounds (inside) */
function edges(b: NumBounds): number[] {
  const e: number[] = [];
  if (b.min !== undefined) e.push(b.gt ? (b.int ? b.min + 1 : b.min + 1e-9 * Math.max(1, Math.abs(b.min))) : b.min);
  if (b.max !== undefined) e.push(b.lt ? (b.int ? b.max - 1 : b.max * (1 - 1e-9)) : b.max);
  return e.filter((v) => !(b.not ?? []).includes(v));
}

/** a config setting one leaf (and, for the sections only read in some cases, what makes it read) */
function configFor(path: string[], value: number): Record<string, unknown> {
  const cfg: Record<string, unknown> = {};
  let o = cfg;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]] = value;
  const sec = path[0];
  if (sec === 'retrain' || sec === 'ittrna') cfg.method = 'ittrna';
  if (sec === 'lora') { cfg.method = 'lora'; if (path[1] !== 'rank') (cfg.lora as Record<string, unknown>).rank = 4; }
  if (path[1] === 'clusters') Object.assign(cfg.defects as object, { rate: 0.1, distribution: 'clustered' });
  return cfg;
}

let dir: string;
let err: MockInstance;
let out: MockInstance;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rramsim-bounds-'));
  err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(() => {
  err.mockRestore();
  out.mockRestore();
});

describe('every numeric spec field is bounded before any work', () => {
  it('covers the device, crossbar, defect and training fields (not vacuous)', () => {
    const names = numeric.map((l) => l.path.join('.'));
    for (const f of ['device.progSigma', 'device.levels', 'crossbar.tileCols', 'crossbar.dacBits', 'defects.clusters.radius', 'defects.clusters.perTile', 'train.lr', 'retrain.batch']) {
      expect(names).toContain(f);
    }
    for (const l of numeric) expect(l.leaf.bounds, l.path.join('.')).toBeDefined();
  });

  it.each(numeric.map((l) => [l.path.join('.'), l] as const))('%s: out-of-range values exit 2 from `rramsim list`, naming the field', async (name, l) => {
    const values = outside(l.leaf.bounds!);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) {
      const file = join(dir, `${name}.json`);
      // JSON has no Infinity: 1e400 parses to it
      writeFileSync(file, JSON.stringify(configFor(l.path, v)).replace(/null/, '1e400'));
      err.mockClear();
      const code = await runCli(['list', file]);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(code, `${name} = ${v}: ${text}`).toBe(2);
      expect(text, `${name} = ${v}`).toContain(name);
      expect(text).not.toMatch(/\n\s+at /);
    }
  });

  it.each(numeric.map((l) => [l.path.join('.'), l] as const))('%s: edge values either fail planning (exit 2) or pass the worker-side checks', async (name, l) => {
    for (const v of edges(l.leaf.bounds!)) {
      let plan;
      try {
        plan = await planSweep(configFor(l.path, v));
      } catch (e) {
        expect(e, `${name} = ${v}`).toBeInstanceOf(UserError);
        continue;
      }
      const p = plan.points[0].point;
      if (['device', 'crossbar', 'defects'].includes(l.path[0])) {
        // what a worker does for every layer: build the crossbar op (validators, tiling, defect maps)
        const w = makeParam('fc1', 3, 4);
        w.value.fill(0.1);
        expect(() => new CrossbarMatrixOp(w, { layer: 'fc1', seed: 0, device: p.device, crossbar: p.crossbar, defects: p.defects }), `${name} = ${v}`).not.toThrow();
      }
    }
  });
});
