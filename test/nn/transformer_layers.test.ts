import { erf as mErf, mean, multiply, transpose, variance } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { ClassToken } from '../../src/nn/class_token.js';
import { Embedding } from '../../src/nn/embedding.js';
import { GELU } from '../../src/nn/gelu.js';
import { LayerNorm } from '../../src/nn/layer_norm.js';
import type { MatrixOp } from '../../src/nn/matrix_op.js';
import { MultiHeadSelfAttention } from '../../src/nn/multi_head_attention.js';
import { PatchEmbedding } from '../../src/nn/patch_embedding.js';
import { PositionalEmbedding } from '../../src/nn/positional_embedding.js';
import { TokenDense } from '../../src/nn/token_dense.js';
import { TokenPool } from '../../src/nn/token_pool.js';
import { TransformerBlock } from '../../src/nn/transformer_block.js';
import type { WeightLayer } from '../../src/nn/weight_layer.js';
import { checkLayer, expectClose, EPS, uniform } from './gradcheck.js';

/**
 * Transformer building blocks: forward against independent oracles (mathjs, hand
 * loops), gradients against central finite differences (test/nn/gradcheck.ts; all layers here are
 * smooth, so the O(ε²) curvature error stays far below the float32 rounding budget), buffers reused.
 */

function randomise(l: WeightLayer, seed: string, scale = 0.5): void {
  l.op.weight.value.set(uniform(l.op.weight.value.length, `${seed}/w`, -scale, scale));
  l.bias.value.set(uniform(l.bias.value.length, `${seed}/b`, -0.2, 0.2));
}

/** rows r0..r0+rows of a [*, cols] array as number[][] */
function mat(a: Float32Array, rows: number, cols: number, r0 = 0): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(a.subarray((r0 + i) * cols, (r0 + i + 1) * cols)));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('LayerNorm', () => {
  it('forward: per token over the feature axis, biased variance (mathjs oracle), γ and β applied', () => {
    const [n, T, D] = [2, 3, 5];
    const ln = new LayerNorm('ln', [T, D], { eps: 1e-3 });
    ln.gamma.value.set(uniform(D, 'lng', 0.5, 2));
    ln.beta.value.set(uniform(D, 'lnb'));
    const x = uniform(n * T * D, 'lnx', -2, 3);
    const y = ln.forward(x, n);
    for (let r = 0; r < n * T; r++) {
      const row = Array.from(x.subarray(r * D, (r + 1) * D));
      const mu = mean(row) as number, v = variance(row, 'uncorrected') as number;
      for (let j = 0; j < D; j++) {
        const want = ln.gamma.value[j] * (row[j] - mu) / Math.sqrt(v + 1e-3) + ln.beta.value[j];
        expect(Math.abs(y[r * D + j] - want)).toBeLessThan(2e-6);
      }
    }
  });

  it('gradients match finite differences (x, γ, β)', () => {
    const ln = new LayerNorm('ln', [3, 6]);
    ln.gamma.value.set(uniform(6, 'lng2', 0.5, 2));
    ln.beta.value.set(uniform(6, 'lnb2'));
    expect(checkLayer(ln, uniform(2 * 3 * 6, 'lnx2', -2, 2), 2)).toBeGreaterThan(40);
  });
});

describe('GELU (exact erf form)', () => {
  it('forward equals ½x(1 + erf(x/√2)) with mathjs erf', () => {
    const g = new GELU('gelu', [40]);
    const x = uniform(40, 'gx', -6, 6);
    const y = g.forward(x, 1);
    for (let i = 0; i < 40; i++) {
      const want = 0.5 * x[i] * (1 + (mErf(x[i] / Math.SQRT2) as number));
      expect(Math.abs(y[i] - want)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want)));
    }
  });

  it('gradient matches finite differences', () => {
    expect(checkLayer(new GELU('gelu', [4, 5]), uniform(3 * 20, 'gx2', -3, 3), 3)).toBe(60);
  });
});

describe('TokenDense', () => {
  it('applies one weight matrix to every token row; gradients match finite differences', () => {
    const [n, T, D, O] = [2, 3, 4, 5];
    const l = new TokenDense('tfc', [T, D], O);
    randomise(l, 'tfc');
    const x = uniform(n * T * D, 'tfcx');
    const y = l.forward(x, n, true);
    const want = multiply(mat(x, n * T, D), mat(l.op.weight.value, D, O)) as number[][];
    for (let r = 0; r < n * T; r++) for (let j = 0; j < O; j++) expect(Math.abs(y[r * O + j] - want[r][j] - l.bias.value[j])).toBeLessThan(1e-5);
    expect(l.rowsPerSample).toBe(T);
    checkLayer(l, x, n);
  });
});

describe('MultiHeadSelfAttention', () => {
  it('forward equals softmax(Q·Kᵀ/√d)·V per head, concatenated, through o (mathjs oracle)', () => {
    const [n, T, D, H] = [2, 3, 4, 2];
    const d = D / H;
    const a = new MultiHeadSelfAttention('attn', [T, D], H);
    for (const p of [a.q, a.k, a.v, a.o]) randomise(p, p.name, 0.8);
    const x = uniform(n * T * D, 'ax', -1.5, 1.5);
    const y = Float32Array.from(a.forward(x, n, true));
    const lin = (l: TokenDense, X: number[][]) =>
      (multiply(X, mat(l.op.weight.value, D, D)) as number[][]).map((r) => r.map((v, j) => v + l.bias.value[j]));
    for (let b = 0; b < n; b++) {
      const X = mat(x, T, D, b * T);
      const Q = lin(a.q, X), K = lin(a.k, X), V = lin(a.v, X);
      const A: number[][] = Array.from({ length: T }, () => new Array(D).fill(0));
      for (let h = 0; h < H; h++) {
        const cols = (M: number[][]) => M.map((r) => r.slice(h * d, (h + 1) * d));
        const S = (multiply(cols(Q), transpose(cols(K))) as number[][]).map((r) => r.map((v) => v / Math.sqrt(d)));
        const P = S.map((r) => { const e = r.map((v) => Math.exp(v)); const z = e.reduce((s, v) => s + v, 0); return e.map((v) => v / z); });
        const Ah = multiply(P, cols(V)) as number[][];
        for (let i = 0; i < T; i++) for (let c = 0; c < d; c++) A[i][h * d + c] = Ah[i][c];
      }
      const Y = lin(a.o, A);
      for (let i = 0; i < T; i++) for (let j = 0; j < D; j++) expect(Math.abs(y[(b * T + i) * D + j] - Y[i][j])).toBeLessThan(1e-5);
    }
  });

  it('gradients (x and q, k, v, o weights and biases) match finite differences', () => {
    const a = new MultiHeadSelfAttention('attn', [4, 6], 3);
    for (const p of [a.q, a.k, a.v, a.o]) randomise(p, `g/${p.name}`, 0.7);
    expect(checkLayer(a, uniform(2 * 4 * 6, 'ax2', -1.5, 1.5), 2, { maxChecks: 60 })).toBe(48 + 4 * (36 + 6));
  });

  it('exposes q, k, v, o as weight layers named <attn>.q … .o; rejects heads that do not divide the width', () => {
    const a = new MultiHeadSelfAttention('block1.attn', [4, 8], 2);
    expect(a.sublayers().map((l) => l.name)).toEqual(['block1.attn.q', 'block1.attn.k', 'block1.attn.v', 'block1.attn.o']);
    expect(a.sublayers().every((l) => l.kind === 'dense')).toBe(true);
    expect(() => new MultiHeadSelfAttention('a', [4, 8], 3)).toThrow(/heads/);
  });
});

describe('PatchEmbedding', () => {
  it('token t = row-major patch (py, px), flattened (ky·p + kx)·C + c, times W (hand oracle); gradients match', () => {
    const [n, H, W, C, p, D] = [2, 4, 6, 2, 2, 3];
    const pe = new PatchEmbedding('patch', [H, W, C], D, p);
    expect(pe.outShape).toEqual([6, D]);
    expect(pe.kind).toBe('conv2d');
    randomise(pe, 'pe');
    const x = uniform(n * H * W * C, 'pex');
    const y = pe.forward(x, n, true);
    const w = pe.op.weight.value;
    for (let b = 0; b < n; b++) for (let py = 0; py < H / p; py++) for (let px = 0; px < W / p; px++) {
      const t = py * (W / p) + px;
      for (let o = 0; o < D; o++) {
        let s = pe.bias.value[o];
        for (let ky = 0; ky < p; ky++) for (let kx = 0; kx < p; kx++) for (let c = 0; c < C; c++) {
          s += x[((b * H + py * p + ky) * W + px * p + kx) * C + c] * w[((ky * p + kx) * C + c) * D + o];
        }
        expect(Math.abs(y[(b * 6 + t) * D + o] - s)).toBeLessThan(1e-5);
      }
    }
    checkLayer(pe, x, n);
    expect(() => new PatchEmbedding('pe', [5, 4, 1], 3, 2)).toThrow(/divide/);
  });
});

describe('PositionalEmbedding, ClassToken, TokenPool', () => {
  it('positional embedding adds E[t] to every sample; gradients match', () => {
    const pe = new PositionalEmbedding('pos', [3, 4]);
    pe.pos.value.set(uniform(12, 'pos'));
    const x = uniform(2 * 12, 'posx');
    const y = pe.forward(x, 2);
    for (let i = 0; i < 24; i++) expect(y[i]).toBe(Math.fround(x[i] + pe.pos.value[i % 12]));
    checkLayer(pe, x, 2);
  });

  it('class token is prepended: [T, D] → [T+1, D]; gradients match', () => {
    const ct = new ClassToken('cls', [2, 3]);
    ct.token.value.set([7, 8, 9]);
    const x = uniform(2 * 6, 'ctx');
    const y = ct.forward(x, 2);
    expect(Array.from(y.subarray(0, 3))).toEqual([7, 8, 9]);
    expect(Array.from(y.subarray(3, 9))).toEqual(Array.from(x.subarray(0, 6)));
    expect(Array.from(y.subarray(9, 12))).toEqual([7, 8, 9]);
    expect(Array.from(y.subarray(12, 18))).toEqual(Array.from(x.subarray(6, 12)));
    checkLayer(ct, x, 2);
  });

  it("token pool 'cls' reads token 0, 'mean' averages the tokens; gradients match", () => {
    const x = uniform(2 * 3 * 4, 'tpx');
    const cls = new TokenPool('tp', [3, 4], 'cls');
    expect(Array.from(cls.forward(x, 2))).toEqual([...x.subarray(0, 4), ...x.subarray(12, 16)]);
    const mp = new TokenPool('tpm', [3, 4], 'mean');
    const y = mp.forward(x, 2);
    for (let b = 0; b < 2; b++) for (let j = 0; j < 4; j++) {
      expect(Math.abs(y[b * 4 + j] - (mean([0, 1, 2].map((t) => x[b * 12 + t * 4 + j])) as number))).toBeLessThan(1e-6);
    }
    checkLayer(cls, x, 2);
    checkLayer(mp, x, 2);
  });
});

/** a non-digital op with the same effective weights (forces Embedding's one-hot product path) */
function wrapped(op: MatrixOp): MatrixOp {
  return {
    rows: op.rows, cols: op.cols, weight: op.weight,
    forward: (X, n, Y, t) => op.forward(X, n, Y, t),
    backward: (X, dY, n, dX) => op.backward(X, dY, n, dX),
    params: () => op.params(),
  };
}

describe('Embedding', () => {
  const [n, T, V, D] = [3, 4, 5, 3];
  const ids = Float32Array.from([0, 4, 2, 2, 1, 3, 0, 4, 4, 4, 1, 0]);
  it('gather forward = one-hot · W + b (bit-identical to the one-hot product through another op); W gradient is the scatter-add of dY', () => {
    const e = new Embedding('embed', [1, T, 1], V, D);
    expect(e.outShape).toEqual([T, D]);
    randomise(e, 'emb');
    const y0 = Float32Array.from(e.forward(ids, n, true));
    for (let r = 0; r < n * T; r++) for (let j = 0; j < D; j++) {
      expect(y0[r * D + j]).toBe(Math.fround(e.op.weight.value[ids[r] * D + j] + e.bias.value[j]));
    }
    const dy = uniform(n * T * D, 'embdy');
    e.op.weight.grad.fill(0); e.bias.grad.fill(0);
    expect(e.backward(dy, n)).toBeNull();
    const g0 = Float32Array.from(e.op.weight.grad), gb0 = Float32Array.from(e.bias.grad);
    // finite differences of L = Σ dy·y with respect to the table
    for (let i = 0; i < V * D; i++) {
      const v = e.op.weight.value[i];
      const L = () => { const y = e.forward(ids, n, true); let s = 0; for (let k = 0; k < y.length; k++) s += dy[k] * y[k]; return s; };
      e.op.weight.value[i] = v + EPS; const lp = L();
      e.op.weight.value[i] = v - EPS; const lm = L();
      e.op.weight.value[i] = v;
      expectClose((lp - lm) / (2 * EPS), g0[i], `embed.weight[${i}]`);
    }
    // the one-hot product path (what a crossbar or LoRA op computes) gives the same bits
    e.op = wrapped(e.op);
    const y1 = e.forward(ids, n, true);
    expect(maxDiff(y0, y1)).toBe(0);
    e.op.weight.grad.fill(0); e.bias.grad.fill(0);
    e.backward(dy, n);
    expect(maxDiff(g0, e.op.weight.grad)).toBeLessThan(1e-6);
    expect(maxDiff(gb0, e.bias.grad)).toBe(0);
  });

  it('rejects ids outside 0..V−1 or not integers', () => {
    const e = new Embedding('embed', [T], V, D);
    expect(() => e.forward(Float32Array.from([0, 1, 5, 2]), 1, false)).toThrow(/token id 5/);
    expect(() => e.forward(Float32Array.from([0, 1.5, 2, 2]), 1, false)).toThrow(/token id 1.5/);
  });
});

describe('TransformerBlock', () => {
  it('gradients through LN, attention, residuals and the GELU MLP match finite differences', () => {
    const blk = new TransformerBlock('block1', [3, 4], { heads: 2, mlpDim: 6 });
    for (const l of [blk.attn.q, blk.attn.k, blk.attn.v, blk.attn.o, blk.fc1, blk.fc2]) randomise(l, `tb/${l.name}`, 0.6);
    blk.ln1.gamma.value.set(uniform(4, 'g1', 0.5, 1.5));
    blk.ln2.beta.value.set(uniform(4, 'b2', -0.3, 0.3));
    expect(checkLayer(blk, uniform(2 * 12, 'tbx', -1.5, 1.5), 2, { maxChecks: 40 })).toBe(24 + 4 * (16 + 4) + 2 * 8 + (24 + 6) + (24 + 4));
  });

  it('y = u + MLP(LN₂(u)), u = x + MHSA(LN₁(x)) (composed from the layers themselves)', () => {
    const blk = new TransformerBlock('b', [3, 4], { heads: 2, mlpDim: 5 });
    for (const l of [blk.attn.q, blk.attn.k, blk.attn.v, blk.attn.o, blk.fc1, blk.fc2]) randomise(l, `tb2/${l.name}`);
    const x = uniform(2 * 12, 'tb2x');
    const y = Float32Array.from(blk.forward(x, 2, false));
    const a = blk.attn.forward(blk.ln1.forward(x, 2), 2, false);
    const u = Float32Array.from(x, (v, i) => v + a[i]);
    const m = blk.fc2.forward(blk.gelu.forward(blk.fc1.forward(blk.ln2.forward(u, 2), 2, false), 2), 2, false);
    expect(maxDiff(y, Float32Array.from(u, (v, i) => v + m[i]))).toBeLessThan(1e-6);
    expect(blk.sublayers().map((l) => l.name)).toEqual(['b.ln1', 'b.attn', 'b.ln2', 'b.mlp.fc1', 'b.mlp.gelu', 'b.mlp.fc2']);
  });

  it('buffers are reused: same output and input-gradient arrays on every step of one batch size', () => {
    const blk = new TransformerBlock('b', [3, 4], { heads: 2, mlpDim: 5 });
    const x = uniform(2 * 12, 'tb3x'), dy = uniform(2 * 12, 'tb3dy');
    const y1 = blk.forward(x, 2, true), dx1 = blk.backward(dy, 2, true);
    const y2 = blk.forward(x, 2, true), dx2 = blk.backward(dy, 2, true);
    expect(y2).toBe(y1);
    expect(dx2).toBe(dx1);
    const pool = new TokenPool('p', [3, 4], 'mean'), pos = new PositionalEmbedding('pos', [3, 4]), ct = new ClassToken('c', [3, 4]);
    for (const l of [pool, pos, ct]) {
      const o1 = l.forward(x, 2), o2 = l.forward(x, 2);
      expect(o2).toBe(o1);
    }
  });
});
