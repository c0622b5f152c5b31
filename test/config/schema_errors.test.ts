// Every class of bad config input gives ONE UserError whose message starts with the JSON path and
// names the allowed values, before any work starts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { UserError } from '../../src/util/errors.js';

async function errorOf(cfg: unknown): Promise<UserError> {
  try {
    await planSweep(cfg);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError, config was accepted');
}

describe('config errors name the JSON path and the allowed values', () => {
  it('unknown top-level key (with a did-you-mean)', async () => {
    const e = await errorOf({ methods: ['ideal'] });
    expect(e.message).toMatch(/^methods: unknown key \(did you mean 'method'\?\)/);
    expect(e.message).toContain('allowed keys in config: model, pool, dataset');
  });

  it('unknown nested key', async () => {
    const e = await errorOf({ defects: { rates: [0.1] } });
    expect(e.message).toMatch(/^defects\.rates: unknown key \(did you mean 'rate'\?\)/);
    expect(e.message).toContain('allowed keys in defects: rate, lrsShare, distribution, clusters, file');
  });

  it('wrong type: a string where a number belongs', async () => {
    const e = await errorOf({ train: { epochs: 'three' } });
    expect(e.message).toBe(
      'train.epochs: got "three"; allowed: an integer in [0, 1000], a list of them, or a range expression "start:step:stop"',
    );
  });

  it('wrong type: an object where a section value belongs', async () => {
    const e = await errorOf({ device: 5 });
    expect(e.message).toMatch(/^device: got 5; allowed: an object with keys gMin, gMax, levels/);
  });

  it('out of range inside a list: rate 1.5 at defects.rate[2]', async () => {
    const e = await errorOf({ defects: { rate: [0, 0.1, 1.5] } });
    expect(e.message).toMatch(/^defects\.rate\[2\]: got 1\.5; allowed: a number in \[0, 1\]/);
    expect(e.field).toBe('defects.rate[2]');
  });

  it('out of range from a range expression', async () => {
    const e = await errorOf({ defects: { rate: '0.5:0.5:1.5' } });
    expect(e.message).toBe('defects.rate (value 2 of "0.5:0.5:1.5"): got 1.5; allowed: a number in [0, 1]');
  });

  it('negative rank', async () => {
    const e = await errorOf({ method: 'lora', lora: { rank: -2 } });
    expect(e.message).toMatch(/^lora\.rank: got -2; allowed: an integer in \[0, 4096\]/);
  });

  it('tile of 0', async () => {
    const e = await errorOf({ crossbar: { tileRows: [128, 0] } });
    expect(e.message).toMatch(/^crossbar\.tileRows\[1\]: got 0; allowed: an integer in \[1, 65536\]/);
  });

  it('levels 1', async () => {
    const e = await errorOf({ device: { levels: 1 } });
    expect(e.message).toMatch(/^device\.levels: got 1; allowed: 0 \(continuous\) or an integer in \[2, 65536\]/);
  });

  it('bad enum value lists the choices', async () => {
    const e = await errorOf({ method: ['ideal', 'SA0-aware'] });
    expect(e.message).toBe(`method[1]: got "SA0-aware"; allowed: one of 'ideal', 'unaware', 'remap', 'fat', 'ittrna', 'lora', 'lori', 'mt-fat', 'mt-lora', 'mt-lori', 'mt-crab', 'spare', 'control'`);
  });

  it('bad crossbar.range object points inside it', async () => {
    const e = await errorOf({ crossbar: { range: [{ kind: 'fixed', wMax: 1 }, { kind: 'fixed', wMax: -1 }] } });
    expect(e.message).toMatch(/^crossbar\.range\[1\]\.wMax: got \{"kind":"fixed","wMax":-1\}; allowed: \{"kind": "fixed"/);
  });

  it('empty list', async () => {
    const e = await errorOf({ seed: [] });
    expect(e.message).toMatch(/^seed: empty list; give at least one value \(an integer in \[0, 2147483647\]\)/);
  });

  it('bad range expression', async () => {
    expect((await errorOf({ seed: '0:0:3' })).message).toBe('seed: range "0:0:3": step must not be 0');
    expect((await errorOf({ defects: { rate: '0.3:0.1:0' } })).message).toMatch(/^defects\.rate: range "0.3:0.1:0" is empty/);
    expect((await errorOf({ seed: '0:foo(:3' })).message).toMatch(/^seed: range "0:foo\(:3": cannot evaluate "foo\("/);
  });

  it('impossible combination: lori with sparsity 1', async () => {
    const e = await errorOf({ method: ['ideal', 'lori'], lora: { rank: 2, sparsity: [0.5, 1] } });
    expect(e.message).toBe(
      "lora.sparsity[1]: method 'lori' (from method[1]) needs lora.sparsity in [0, 1) (fraction of B entries pruned; 1 prunes every entry); got 1",
    );
  });

  it('impossible combination: a programming dead band on continuous cells', async () => {
    const e = await errorOf({ method: ['unaware', 'fat'], device: { levels: 0 }, crossbar: { writeThreshold: 1 } });
    expect(e.message).toMatch(/^crossbar\.writeThreshold: a programming dead band of 1 level steps needs quantised cells: device\.levels must be >= 2/);
    expect((await errorOf({ crossbar: { writeThreshold: -1 } })).message).toMatch(/^crossbar\.writeThreshold: .*>= 0|^crossbar\.writeThreshold: .*\[0, 1000\]/);
  });

  it("impossible combination: distribution 'file' without a file", async () => {
    const e = await errorOf({ defects: { rate: 0.1, distribution: 'file' } });
    expect(e.message).toMatch(/^defects\.file: distribution 'file' \(from defects\.distribution\) needs defects\.file/);
  });

  it("distribution 'file' with a missing file", async () => {
    const e = await errorOf({ defects: { rate: 0.1, distribution: 'file', file: '/nonexistent/map.json' } });
    expect(e.message).toMatch(/^defects\.file: defect map file not found: '\/nonexistent\/map\.json'/);
  });

  it('impossible combination: rank larger than a layer', async () => {
    const e = await errorOf({ method: 'lora', lora: { rank: [4, 16] } });
    expect(e.message).toBe(
      'lora.rank[1]: rank 16 exceeds layer fc3 of mlp (100 x 10): allowed 1..10 (at most min(rows, cols)); or leave fc3 out of lora.layers',
    );
  });

  it('unknown adapter layer name', async () => {
    const e = await errorOf({ model: 'lenet5', method: 'lora', lora: { rank: 2, layers: ['conv1', 'fc9'] } });
    expect(e.message).toBe("lora.layers[1]: unknown layer 'fc9' for model lenet5; allowed: conv1, conv2, fc1, fc2, fc3");
  });

  it('impossible combination: method lora without a rank', async () => {
    const e = await errorOf({ method: ['unaware', 'lora'] });
    expect(e.message).toBe("lora.rank (default): method 'lora' (from method[1]) needs lora.rank >= 1 (the adapter rank); got 0. Set lora.rank, e.g. 4");
  });

  it('impossible combination: gMin >= gMax', async () => {
    const e = await errorOf({ device: { gMin: 1e-4, gMax: 1e-5 } });
    expect(e.message).toMatch(/^device\.gMin: gMin 0\.0001 must be below gMax 0\.00001 \(from device\.gMax\); allowed: 0 < gMin < gMax/);
  });

  it('bad name and non-object config', async () => {
    expect((await errorOf({ name: 'my sweep!' })).message).toMatch(/^name: got "my sweep!"; allowed: a string of letters/);
    expect((await errorOf([1, 2])).message).toMatch(/^config: expected a JSON object/);
  });

  it('unreadable file and invalid JSON name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-cfg-'));
    await expect(loadSweepConfig(join(dir, 'missing.json'))).rejects.toThrow(/config file '.*missing\.json' cannot be read \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.json'), '{"method": [ideal]}');
    await expect(loadSweepConfig(join(dir, 'bad.json'))).rejects.toThrow(/config file '.*bad\.json' is not valid JSON/);
  });
});
