/**
 * Environment-driven configuration of the kernels (RRAMSIM_BACKEND, RRAMSIM_WASM_MEMORY_MB).
 * Each case re-imports the modules with vi.resetModules() so module state starts fresh.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const saved = { b: process.env.RRAMSIM_BACKEND, m: process.env.RRAMSIM_WASM_MEMORY_MB };
afterEach(() => {
  const put = (k: string, v: string | undefined) => { if (v === undefined) delete process.env[k]; else process.env[k] = v; };
  put('RRAMSIM_BACKEND', saved.b);
  put('RRAMSIM_WASM_MEMORY_MB', saved.m);
  vi.resetModules();
});

async function fresh() {
  vi.resetModules();
  const gemmMod = await import('../../src/kernels/gemm.js');
  const alloc = await import('../../src/kernels/alloc.js');
  const mem = await import('../../src/kernels/wasm_memory.js');
  const errors = await import('../../src/util/errors.js');
  return { ...gemmMod, ...alloc, ...mem, UserError: errors.UserError };
}

describe('RRAMSIM_BACKEND', () => {
  it('selects the backend', async () => {
    process.env.RRAMSIM_BACKEND = 'ts';
    const m = await fresh();
    expect(m.getBackend()).toBe('ts');
  });
  it('rejects an unknown value with a UserError naming the variable and the allowed values', async () => {
    process.env.RRAMSIM_BACKEND = 'cuda';
    const m = await fresh();
    expect(() => m.getBackend()).toThrow(m.UserError);
    expect(() => m.getBackend()).toThrow(/RRAMSIM_BACKEND must be one of 'ts', 'wasm', got 'cuda'/);
  });
});

describe('RRAMSIM_WASM_MEMORY_MB', () => {
  it('rejects a bad size with a UserError', async () => {
    process.env.RRAMSIM_WASM_MEMORY_MB = 'lots';
    const m = await fresh();
    expect(() => m.allocF32(4)).toThrow(/RRAMSIM_WASM_MEMORY_MB must be an integer number of MiB in \[16, 4095\], got 'lots'/);
  });

  it('with a tiny memory, allocF32 falls back to plain arrays and a gemm too big for scratch falls back to TS (same bits as TS)', async () => {
    process.env.RRAMSIM_WASM_MEMORY_MB = '16';
    const m = await fresh();
    expect(m.arenaStats().memoryBytes).toBe(16 << 20);
    const a = m.allocF32(8);
    expect(m.inWasmMemory(a)).toBe(false); // 16 MiB is all scratch reserve
    expect(Array.from(a)).toEqual(new Array(8).fill(0));
    // A alone is 4096·1024·4 = 16 MiB: more than the whole memory
    const [M, N, K] = [4096, 2, 1024];
    const A = new Float32Array(M * K), B = new Float32Array(K * N);
    for (let i = 0; i < A.length; i++) A[i] = ((i * 37) % 101) / 101 - 0.5;
    for (let i = 0; i < B.length; i++) B[i] = ((i * 53) % 97) / 97 - 0.5;
    const Cw = new Float32Array(M * N), Ct = new Float32Array(M * N);
    m.setBackend('wasm');
    m.gemm(false, false, M, N, K, A, B, Cw, false);
    m.setBackend('ts');
    m.gemm(false, false, M, N, K, A, B, Ct, false);
    expect(Buffer.from(Cw.buffer).equals(Buffer.from(Ct.buffer))).toBe(true);
    // a small product still runs in wasm (copied into scratch): differs from TS only by rounding
    m.setBackend('wasm');
    const As = A.subarray(0, 8 * 300), Bs = B.subarray(0, 300 * 2), Cs = new Float32Array(16), Cts = new Float32Array(16);
    m.gemm(false, false, 8, 2, 300, As, Bs, Cs, false);
    m.setBackend('ts');
    m.gemm(false, false, 8, 2, 300, As, Bs, Cts, false);
    for (let i = 0; i < 16; i++) expect(Math.abs(Cs[i] - Cts[i])).toBeLessThan(1e-4);
  });
});
