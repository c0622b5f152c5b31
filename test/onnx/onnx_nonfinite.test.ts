/**
 * Non-finite weights in an imported ONNX model are refused at import, naming the tensor, instead of
 * a sweep recording 'ok' points at chance accuracy. The probe file is the real mlp.onnx fixture with
 * ONE float of one initializer overwritten in place (NaN, +Inf, −Inf), so nothing else differs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOnnxNetwork } from '../../src/onnx/load_onnx.js';
import { decodeOnnx } from '../../src/onnx/read_onnx.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../../sim/main.js';

const FIX = join(process.cwd(), 'test', 'fixtures', 'onnx');

/** mlp.onnx with value `v` written at float index `at` of initializer `name` (found in the file's own bytes) */
function poisoned(name: string, at: number, v: number): string {
  const bytes = readFileSync(join(FIX, 'mlp.onnx'));
  const t = decodeOnnx(bytes, 'mlp.onnx').graph.initializer.find((x) => x.name === name);
  expect(t?.raw_data?.length, `${name} is stored as raw bytes`).toBeGreaterThan(4 * at);
  // protobufjs decodes bytes fields as views of the input buffer: the offset in the file is exact
  expect(t!.raw_data!.buffer).toBe(bytes.buffer);
  const off = t!.raw_data!.byteOffset - bytes.byteOffset + 4 * at;
  bytes.writeFloatLE(v, off);
  const file = join(mkdtempSync(join(tmpdir(), 'rramsim-onnx-nan-')), 'poisoned.onnx');
  writeFileSync(file, bytes);
  return file;
}

describe('ONNX import refuses non-finite weights', () => {
  it('the unmodified fixture imports (the probe changes only the poisoned float)', () => {
    expect(() => loadOnnxNetwork(join(FIX, 'mlp.onnx'))).not.toThrow();
  });

  for (const [label, v] of [['NaN', Number.NaN], ['+Inf', Infinity], ['-Inf', -Infinity]] as const) {
    it(`${label} in fc1.weight: a UserError naming the tensor and the index`, () => {
      const file = poisoned('fc1.weight', 37, v);
      let err: unknown;
      try {
        loadOnnxNetwork(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain("tensor 'fc1.weight'");
      expect((err as Error).message).toContain('non-finite');
      expect((err as Error).message).toContain('index 37');
    });
  }

  it('a NaN bias: `rramsim import` exits 2 with one line naming the tensor', async () => {
    const file = poisoned('fc2.bias', 3, Number.NaN);
    const errs: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await runCli(['import', file]);
    } finally {
      process.stderr.write = orig;
    }
    expect(code).toBe(2);
    const text = errs.join('');
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toContain("tensor 'fc2.bias'");
  });
});
