/**
 * The files rramsim export writes pass the ONNX project's own checker, as a PyTorch-side tool sees
 * them: Debian's python3-onnx (1.12) `onnx.checker.check_model(full_check=True)` and strict shape
 * inference, which must infer the output 'logits' as [N, classes]. Networks: the presets mlp,
 * lenet5, resnet20 (BatchNorm kept and folded) and a PyTorch export imported and exported again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { foldBatchNorm } from '../../src/nn/fold_batch_norm.js';
import { exportOnnx } from '../../src/onnx/export_onnx.js';
import { loadOnnxNetwork } from '../../src/onnx/load_onnx.js';
import { requirePackage } from '../support/system_package.js';

const PY = '/usr/bin/python3';
const skip = requirePackage('python3-onnx', () => spawnSync(PY, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0);

const CHECK = `
import sys, onnx
for f in sys.argv[1:]:
    m = onnx.load(f)
    onnx.checker.check_model(m, full_check=True)
    g = onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True).graph
    dims = [d.dim_value or d.dim_param for d in g.output[0].type.tensor_type.shape.dim]
    print(f.rsplit('/', 1)[-1], 'ok', g.output[0].name, dims)
`;

describe.skipIf(skip)('exported ONNX passes onnx.checker (full check) and strict shape inference', () => {
  it('mlp, lenet5, resnet20 (BatchNorm kept and folded), a re-exported PyTorch file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-onnx-check-'));
    const files: Record<string, Uint8Array> = {
      'mlp.onnx': exportOnnx(buildModel(presetDesc('mlp'), 1)),
      'lenet5.onnx': exportOnnx(buildModel(presetDesc('lenet5'), 1)),
      'resnet20.onnx': exportOnnx(buildModel(presetDesc('resnet20', { input: [3, 32, 32] }), 1)),
      'vgg_bn.onnx': exportOnnx(loadOnnxNetwork(join(process.cwd(), 'test', 'fixtures', 'onnx', 'pytorch', 'vgg_bn.onnx')).net),
    };
    const folded = buildModel(presetDesc('resnet20', { input: [3, 32, 32] }), 1);
    foldBatchNorm(folded);
    files['resnet20_folded.onnx'] = exportOnnx(folded);
    const paths = Object.entries(files).map(([name, b]) => {
      writeFileSync(join(dir, name), b);
      return join(dir, name);
    });
    const r = spawnSync(PY, ['-c', CHECK, ...paths], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(Object.keys(files).map((n) => `${n} ok logits ['N', 10]`));
  }, 60_000);
});
