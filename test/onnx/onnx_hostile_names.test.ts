// ONNX files whose names hold terminal control sequences, and residual blocks nested past the
// supported depth, through the real CLI: every message is one line with the control characters
// escaped (an ESC[2J in an operator name must not clear the terminal), and the depth limit is named.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ONNX_SCHEMA } from '../../src/onnx/onnx_schema.js';
import { MAX_RESIDUAL_DEPTH } from '../../src/onnx/import_onnx.js';
import { cli, ensureBuilt } from '../cli/cli_helpers.js';

const CLEAR = '\u001b[2J';
const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace).lookupType('onnx.ModelProto');
let T: string;

beforeAll(() => {
  ensureBuilt();
  T = mkdtempSync(join(tmpdir(), 'rramsim-onnx-names-'));
});

interface Node { op_type: string; input: string[]; output: string[]; name?: string }

/** an ONNX model: input x [1, F] (flat), the given nodes, then Gemm(last, W[F, 2]) → y */
function model(nodes: Node[], last: string, F = 4): Uint8Array {
  const w = new Float32Array(F * 2).map((_, i) => (i % 3) - 1);
  const graph = {
    name: 'g',
    node: [...nodes, { op_type: 'Gemm', input: [last, 'W'], output: ['y'], name: 'fc' }],
    initializer: [{ name: 'W', dims: [F, 2], data_type: 1, raw_data: new Uint8Array(w.buffer) }],
    input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }, { dim_value: F }] } } } }],
    output: [{ name: 'y', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }, { dim_value: 2 }] } } } }],
  };
  const msg = ModelProto.fromObject({ ir_version: 8, opset_import: [{ domain: '', version: 13 }], graph });
  return ModelProto.encode(msg).finish();
}

/** `depth` residual blocks inside one another: t_k forks into Relu_k (→ t_k+1) and Add_k(t_k, u_k+1) → u_k */
function nested(depth: number): Uint8Array {
  const nodes: Node[] = [];
  const t = (k: number) => (k === 0 ? 'x' : `t${k}`);
  for (let k = 0; k < depth; k++) nodes.push({ op_type: 'Relu', input: [t(k)], output: [t(k + 1)], name: `relu${k}` });
  nodes.push({ op_type: 'Relu', input: [t(depth)], output: [`u${depth}`], name: 'inner' });
  for (let k = depth - 1; k >= 0; k--) nodes.push({ op_type: 'Add', input: [t(k), `u${k + 1}`], output: [`u${k}`], name: `add${k}` });
  return model(nodes, 'u0');
}

function write(name: string, bytes: Uint8Array): string {
  const f = join(T, name);
  writeFileSync(f, bytes);
  return f;
}

function oneLineNoControl(stderr: string): void {
  expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(stderr.slice(0, -1)).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('rramsim import: names from the file are printed escaped', () => {
  it('an operator type and a node name holding ESC[2J: exit 2, one line, the sequence shown as \\x1b[2J', () => {
    const f = write('evil.onnx', model([{ op_type: `Evil${CLEAR}`, input: ['x'], output: ['h'], name: `n${CLEAR}\u202e` }], 'h'));
    const r = cli(['import', f]);
    expect(r.code).toBe(2);
    oneLineNoControl(r.stderr);
    expect(r.stderr).toContain("unsupported operator 'Evil\\x1b[2J' at node 0 'n\\x1b[2J\\u202e'");
  });

  it('a node off the path, named with a newline and ESC: one line, escaped', () => {
    const f = write('tensor.onnx', model([
      { op_type: 'Relu', input: ['x'], output: ['h'], name: 'r' },
      { op_type: 'Relu', input: ['ghost'], output: [`o\n${CLEAR}`], name: `q\n${CLEAR}` },
    ], 'h'));
    const r = cli(['import', f]);
    expect(r.code).toBe(2);
    oneLineNoControl(r.stderr);
    expect(r.stderr).toContain("nodes not on the path from input to output: 'q\\n\\x1b[2J' (Relu)");
  });

  it('a directory name holding ESC[2J: the imported path is printed escaped', () => {
    const d = join(T, `d${CLEAR}`);
    mkdirSync(d);
    const f = join(d, 'm.onnx');
    writeFileSync(f, model([{ op_type: 'Relu', input: ['x'], output: ['h'], name: 'r' }], 'h'));
    const r = cli(['import', f, '--out', join(d, 'm.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain(`d\\x1b[2J/m.onnx: imported as model 'm'`);
    expect(r.stdout).toContain(`wrote ${T}/d\\x1b[2J/m.json`);
  });
});

describe('rramsim import: residual blocks nested too deep', () => {
  it(`${MAX_RESIDUAL_DEPTH} levels import; ${MAX_RESIDUAL_DEPTH + 1} is exit 2 naming the limit and the fork`, () => {
    const ok = cli(['import', write('deep-ok.onnx', nested(MAX_RESIDUAL_DEPTH))]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Add ×${MAX_RESIDUAL_DEPTH}`);
    const r = cli(['import', write('deep.onnx', nested(MAX_RESIDUAL_DEPTH + 1))]);
    expect(r.code).toBe(2);
    oneLineNoControl(r.stderr);
    expect(r.stderr).toContain(`residual blocks nested more than ${MAX_RESIDUAL_DEPTH} deep: the fork at tensor 't${MAX_RESIDUAL_DEPTH}'`);
    expect(r.stderr).toContain(`would open level ${MAX_RESIDUAL_DEPTH + 1}`);
    expect(r.stderr).not.toContain('feeds 2 nodes');
  });
});
