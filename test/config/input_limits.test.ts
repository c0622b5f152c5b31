// Input limits: caps that fail early with a message, prototype keys,
// non-finite numbers, BOM, deep nesting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_GRID, planSweep, WARN_POINTS } from '../../src/config/expand.js';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { expandRange, loadRangeEngine } from '../../src/config/range_expr.js';
import { UserError } from '../../src/util/errors.js';
import { safeToken } from '../../src/util/safe_text.js';
import { checkShardCount, MAX_SHARDS, parseShard } from '../../sim/sweep/shard.js';

async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

const dir = mkdtempSync(join(tmpdir(), 'rramsim-limits-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('prototype keys are unknown keys', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('%s at the top and nested', async (k) => {
    expect(await messageOf(loadSweepConfig(file('p.json', `{"${k}": 1}`)))).toMatch(new RegExp(`^${k}: unknown key`));
    expect(await messageOf(loadSweepConfig(file('p.json', `{"defects": {"${k}": {"rate": 1}}}`)))).toMatch(new RegExp(`^defects\\.${k}: unknown key`));
  });
});

describe('prototype keys in device.modelParams are unknown parameters', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s', async (k) => {
    for (const model of ['lognormal-d2d', 'clipped-window']) {
      const m = await messageOf(loadSweepConfig(file('mp.json', `{"device": {"model": "${model}", "modelParams": {"${k}": 0.1}}}`)));
      expect(m).toMatch(new RegExp(`^device\\.modelParams\\.${k}: unknown parameter of device model '${model}'; allowed: `));
    }
  });
});

describe('numbers, text and nesting', () => {
  it('1e400 is "not a finite number", never "got null"', async () => {
    const m = await messageOf(loadSweepConfig(file('inf.json', '{"defects": {"rate": 1e400}}')));
    expect(m).toMatch(/^defects\.rate: got .*not a finite number/);
    expect(m).not.toContain('null');
    const m2 = await messageOf(loadSweepConfig(file('inf2.json', '{"lora": {"layers": [[1e400]]}}')));
    expect(m2).not.toMatch(/got null/);
  });

  it('a UTF-8 BOM is dropped', async () => {
    const plan = await loadSweepConfig(file('bom.json', '\uFEFF{"method": "fat"}'));
    expect(plan.points[0].point.method).toBe('fat');
  });

  it('100,000-deep JSON is one clear error, no stack overflow', async () => {
    const m = await messageOf(loadSweepConfig(file('deep.json', `${'['.repeat(100000)}${']'.repeat(100000)}`)));
    expect(m).toMatch(/^config: objects and lists are nested more than 32 deep/);
    const obj = await messageOf(loadSweepConfig(file('deepo.json', `${'{"a":'.repeat(50000)}1${'}'.repeat(50000)}`)));
    expect(obj).toMatch(/nested more than 32 deep/);
  });

  it('control characters in keys are not echoed raw', async () => {
    const m = await messageOf(planSweep({ 'a\u001b[31mred': 1 }));
    expect(m).not.toContain('\u001b');
    expect(safeToken('\u001b[2Jclear\u202Eevil', 40)).toBe('\\x1b[2Jclear\\u202eevil');
  });

  it('description is capped at 10,000 characters', async () => {
    expect(await messageOf(planSweep({ description: 'x'.repeat(10_001) }))).toBe('description: 10001 characters; allowed: a string of at most 10000 characters');
    await expect(planSweep({ description: 'x'.repeat(10_000) })).resolves.toBeDefined();
  });
});

describe('grid and shard caps', () => {
  it(`a grid above ${MAX_GRID} is refused naming the axes; above ${WARN_POINTS} points it warns`, async () => {
    const m = await messageOf(planSweep({ seed: '0:1:9999', train: { epochs: '0:1:10' } }));
    expect(m).toBe(`config: the grid has 110000 points (train.epochs (11) x seed (10000)); at most ${MAX_GRID} allowed: split the sweep into several configs`);
    const warned = await planSweep({ seed: '0:1:5000', defects: { rate: [0, 0.1] } });
    expect(warned.points).toHaveLength(10002);
    expect(warned.warnings.join()).toMatch(/10002 points \(more than 10000\)/);
    expect((await planSweep({ seed: [0, 1] })).warnings).toEqual([]);
  });

  it('shards: n <= 10000 and <= points', () => {
    expect(() => parseShard('0/10001')).toThrow(/0 <= i < n <= 10000/);
    expect(() => parseShard('0/1000000000000')).toThrow(UserError);
    expect(parseShard('9999/10000')).toEqual({ index: 9999, count: 10000 });
    expect(() => checkShardCount(5, 3, '--shard')).toThrow(/got '5' shards for 3 points; allowed: an integer in \[1, 3\]/);
    expect(() => checkShardCount(1e9, 1e6, '--shards')).toThrow(`at most the number of points and ${MAX_SHARDS}`);
    expect(() => checkShardCount(3, 3, '--shard')).not.toThrow();
  });
});

describe('range expressions are scalar arithmetic only', () => {
  it.each(['ones(20000, 20000)', 'zeros(1e9)', 'range(1, 10)', 'matrix([1])', '[1, 2]', 'x = 3', '4!', 'f(x) = x', 'import({})', 'evaluate("1")', 'a.b', '"s"'])(
    '%s is refused before evaluation',
    async (part) => {
      await loadRangeEngine();
      expect(() => expandRange(`0:1:${part}`)).toThrow(/uses|cannot evaluate/);
    },
  );

  it('arithmetic, constants and scalar functions still work', async () => {
    await loadRangeEngine();
    expect(expandRange('0:1/20:0.3')).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(expandRange('0:sqrt(4):2^3 - max(1, 2)')).toEqual([0, 2, 4, 6]);
    expect(expandRange('-(1):1:pi')).toEqual([-1, 0, 1, 2, 3]);
    expect(() => expandRange(`0:1:${'1+'.repeat(60)}1`)).toThrow(/at most 100 allowed/);
  });
});
