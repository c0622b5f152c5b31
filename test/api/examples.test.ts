/**
 * The scripts in examples/ run against the built package (they import 'rramsim', the package's
 * own entry) on the embedded MNIST data, and what they print holds:
 *   ittrna_mlp_defect_map  ITT-RNA ends above the untreated level of a trained MLP, writes cells,
 *                          and its defect-aware mapping never raises the mapping cost
 *   lora_lenet5_writes     adaptation writes only adapter cells (base arrays 0 writes), > 0 of them
 *   onnx_nonidealities     the fixture's layers are imported with their ONNX shapes (784x32, 32x10)
 *                          and every accuracy is a fraction
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLibraryBuilt, ROOT } from './library_build.js';
import { printedAccuracies } from './readme_example.js';

function run(script: string): string {
  ensureLibraryBuilt();
  const r = spawnSync(process.execPath, [join(ROOT, 'examples', script)], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  expect(r.status, `${script}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

const num = (s: string, re: RegExp): number => {
  const m = re.exec(s);
  if (!m) throw new Error(`no match for ${re} in:\n${s}`);
  return Number(m[1]);
};

describe('examples/', () => {
  it('ittrna_mlp_defect_map.mjs', () => {
    const out = run('ittrna_mlp_defect_map.mjs');
    const digital = num(out, /digital accuracy ([\d.]+)/);
    const ittrna = num(out, /ITT-RNA on the defective crossbars: accuracy ([\d.]+)/);
    expect(digital).toBeGreaterThan(0.5);
    expect(ittrna).toBeGreaterThan(0.5);
    expect(num(out, /accuracy \S+, (\d+) cell writes/)).toBeGreaterThan(0);
    const before = num(out, /mapping cost (\S+) ->/), after = num(out, /mapping cost \S+ -> (\S+)/);
    expect(after).toBeLessThanOrEqual(before);
    expect(out.match(/ittrna stage \d\/3/g)?.length).toBe(3); // one stage per MLP weight layer
  });

  it('lora_lenet5_writes.mjs', () => {
    const out = run('lora_lenet5_writes.mjs');
    expect(num(out, /cell writes of the adaptation: (\d+)/)).toBeGreaterThan(0);
    expect(num(out, /base arrays (\d+)\)/)).toBe(0);
    const acc = printedAccuracies(out);
    expect(acc).toHaveLength(3);
    for (const a of acc) expect(a >= 0 && a <= 1).toBe(true);
    expect(num(out, /with rank-4 adapters:\s+accuracy ([\d.]+)/)).toBeGreaterThan(0.3);
  });

  it('onnx_nonidealities.mjs', () => {
    const out = run('onnx_nonidealities.mjs');
    expect(out).toContain('imported mlp: fc1 784x32, fc2 32x10');
    const acc = printedAccuracies(out);
    expect(acc).toHaveLength(4);
    for (const a of acc) expect(a >= 0 && a <= 1).toBe(true);
    expect(acc[0]).toBeGreaterThan(0.5);
  });
});
