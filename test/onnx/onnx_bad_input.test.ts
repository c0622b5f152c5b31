/**
 * Bad ONNX files, made from a real PyTorch export (test/fixtures/onnx/pytorch/vgg_bn.onnx): every
 * one is a single UserError naming what is wrong (the node and tensor where there is one), and
 * `rramsim import` exits 2 on it. Truncation is checked at every 7th byte and at each of the
 * last 16 (a cut at a field boundary decodes: the missing opset_import gives it away).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnxModel } from '../../src/onnx/import_onnx.js';
import { ONNX_SCHEMA } from '../../src/onnx/onnx_schema.js';
import { decodeOnnx, type OnnxModel } from '../../src/onnx/read_onnx.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../../sim/main.js';

const SRC = join(process.cwd(), 'test', 'fixtures', 'onnx', 'pytorch', 'vgg_bn.onnx');
const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace).lookupType('onnx.ModelProto');
let T: string;
let bytes: Buffer;

beforeAll(() => {
  T = mkdtempSync(join(tmpdir(), 'rramsim-onnx-bad-'));
  bytes = readFileSync(SRC);
});

/** the error of decoding and importing `b` (undefined when it imports) */
function importError(b: Uint8Array): unknown {
  try {
    importOnnxModel(decodeOnnx(b, 'f.onnx'), 'f.onnx');
    return undefined;
  } catch (e) {
    return e;
  }
}

async function cliExit(name: string, b: Uint8Array): Promise<number> {
  const f = join(T, name);
  writeFileSync(f, b);
  const code = await runCli(['import', f]);
  process.exitCode = undefined;
  return code;
}

function edited(edit: (m: OnnxModel) => void): Uint8Array {
  const m = decodeOnnx(bytes, 'vgg_bn.onnx');
  edit(m);
  return ModelProto.encode(ModelProto.fromObject(m as unknown as Record<string, unknown>)).finish();
}

describe('bad ONNX input: one UserError each, exit 2', () => {
  it('the untouched file and its re-encoding import (the edits below are the only change)', () => {
    expect(importError(bytes)).toBeUndefined();
    expect(importError(edited(() => undefined))).toBeUndefined();
  });

  it('a truncated file: every prefix is a UserError (protobuf fails, or the opset_import is missing)', async () => {
    const lengths = [...Array.from({ length: Math.floor(bytes.length / 7) }, (_, i) => i * 7), ...Array.from({ length: 16 }, (_, i) => bytes.length - 16 + i)];
    for (const len of lengths) expect(importError(bytes.subarray(0, len)), `prefix of ${len} bytes`).toBeInstanceOf(UserError);
    expect(importError(bytes.subarray(0, bytes.length - 1))).toBeInstanceOf(UserError);
    expect((importError(bytes.subarray(0, bytes.length - 4)) as Error).message).toMatch(/truncated\? \(no opset_import/);
    expect((importError(bytes.subarray(0, bytes.length >> 1)) as Error).message).toMatch(/^f\.onnx: not a readable ONNX model, truncated or corrupt \(protobuf decoding failed/);
    expect(await cliExit('half.onnx', bytes.subarray(0, bytes.length >> 1))).toBe(2);
  });

  it('a corrupt file (its first bytes overwritten): UserError, exit 2', async () => {
    const b = Buffer.from(bytes);
    b.fill(0xff, 0, 16);
    expect(importError(b)).toBeInstanceOf(UserError);
    expect(await cliExit('corrupt.onnx', b)).toBe(2);
  });

  it('a missing initializer (a BN running mean, a Conv weight): names the tensor and the node', async () => {
    const noMean = edited((m) => { m.graph.initializer = m.graph.initializer.filter((t) => t.name !== 'features.1.running_mean'); });
    const e = importError(noMean) as Error;
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe("f.onnx: input 3 ('features.1.running_mean') of node 1 '/features/features.1/BatchNormalization' (BatchNormalization) is missing: no initializer, Constant, graph input or node output has that name");
    expect(await cliExit('no-mean.onnx', noMean)).toBe(2);
    const noW = edited((m) => { m.graph.initializer = m.graph.initializer.filter((t) => t.name !== 'features.3.weight'); });
    expect((importError(noW) as Error).message).toMatch(/input 1 \('features\.3\.weight'\) of node 3 '\/features\/features\.3\/Conv' \(Conv\) is missing/);
  });

  it('a PyTorch export of a train()-mode network (BatchNormalization training_mode = 1): asks for an eval() export', async () => {
    const b = readFileSync(join(process.cwd(), 'test', 'fixtures', 'onnx', 'pytorch', 'train_mode.onnx'));
    const e = importError(b) as Error;
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/unsupported attribute training_mode=1 of node \d+ '[^']*BatchNormalization' \(BatchNormalization\); supported: 0 \(inference: export an eval\(\) model/);
    expect(await cliExit('train-mode.onnx', b)).toBe(2);
  });

  it('an unsupported operator (a Relu turned into Sigmoid): names the operator and the node', async () => {
    const b = edited((m) => { m.graph.node.find((n) => n.name === '/features/features.5/Relu')!.op_type = 'Sigmoid'; });
    expect((importError(b) as Error).message).toMatch(/^f\.onnx: unsupported operator 'Sigmoid' at node 5 '\/features\/features\.5\/Relu' \(Sigmoid\); supported: Gemm, /);
    expect(await cliExit('sigmoid.onnx', b)).toBe(2);
  });
});
