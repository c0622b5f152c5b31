/**
 * The `update` config section (src/crossbar/update/update_spec.ts, resolve_point.ts): absent and an
 * explicit 'write-verify' give the same point and hash (older points keep theirs); a pulsed scheme is
 * recorded; bad input is one error naming its field, exit 2, before any work (`rramsim list`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { runCli } from '../../sim/main.js';

describe('update section', () => {
  it("absent and an explicit 'write-verify' are the same point and hash", async () => {
    const a = await planSweep({ method: 'fat', defects: { rate: 0.1 } });
    const b = await planSweep({ method: 'fat', defects: { rate: 0.1 }, update: { scheme: 'write-verify' } });
    expect(b.points.map((p) => p.hash)).toEqual(a.points.map((p) => p.hash));
    expect(a.points[0].point.update).toBeUndefined();
  });

  it('a pulsed scheme is in the point with its defaults filled, and changes the hash', async () => {
    const a = await planSweep({ method: ['fat', 'lora'], lora: { rank: 2 }, device: { model: 'soft-bounds' } });
    const b = await planSweep({ method: ['fat', 'lora'], lora: { rank: 2 }, device: { model: 'soft-bounds' }, update: { scheme: ['open-loop', 'mixed-precision'] } });
    expect(b.points).toHaveLength(4);
    for (const p of b.points) {
      expect(['open-loop', 'mixed-precision']).toContain(p.point.update!.scheme);
      expect(p.point.update!.pulseEnergy).toBe(2e-13);
      expect(a.points.map((x) => x.hash)).not.toContain(p.hash);
    }
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a pulsed scheme on unaware', { method: 'unaware', device: { model: 'soft-bounds' }, update: { scheme: 'open-loop' } }, 'update.scheme'],
    ['a pulsed scheme on ideal', { method: 'ideal', device: { model: 'soft-bounds' }, update: { scheme: 'mixed-precision' } }, 'update.scheme'],
    ['a pulsed scheme on remap', { method: 'remap', device: { model: 'soft-bounds' }, update: { scheme: 'verify-pulses' } }, 'update.scheme'],
    ['a pulsed scheme with a device without pulses', { method: 'fat', update: { scheme: 'open-loop' } }, 'device.model'],
    ['dwMin = 0', { method: 'fat', device: { model: 'exp-step', modelParams: { dwMin: 0 } }, update: { scheme: 'open-loop' } }, 'device.modelParams.dwMin'],
    ['dwMin < 0', { method: 'fat', device: { model: 'constant-step', modelParams: { dwMin: -1e-3 } } }, 'device.modelParams.dwMin'],
    ['upDown = 1', { method: 'fat', device: { model: 'soft-bounds', modelParams: { upDown: 1 } } }, 'device.modelParams.upDown'],
    ['upDown = -2', { method: 'lora', lora: { rank: 2 }, device: { model: 'pow-step', modelParams: { upDown: -2 } } }, 'device.modelParams.upDown'],
    ['an unknown scheme', { method: 'fat', device: { model: 'soft-bounds' }, update: { scheme: 'magic' } }, 'update.scheme'],
    ['maxPulses 0', { method: 'fat', device: { model: 'soft-bounds' }, update: { scheme: 'verify-pulses', maxPulses: 0 } }, 'update.maxPulses'],
  ];
  it('bad input: one error naming the field, exit 2, no stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-update-'));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      for (const [what, cfg, field] of bad) {
        const file = join(dir, 'bad.json');
        writeFileSync(file, JSON.stringify(cfg));
        err.mockClear();
        const code = await runCli(['list', file]);
        const text = err.mock.calls.map((c) => String(c[0])).join('');
        expect(code, `${what}: ${text}`).toBe(2);
        expect(text, what).toContain(field);
        expect(text, what).not.toMatch(/\n\s+at /);
      }
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });
});
