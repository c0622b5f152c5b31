import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without type declarations
import { buildWasm, moduleText } from '../../src/kernels/wasm/build.mjs';
import { KERNELS_WASM_BASE64 } from '../../src/kernels/wasm/kernels_wasm.js';
import { PROGRAM_WASM_BASE64 } from '../../src/crossbar/wasm/program_wasm.js';

describe('committed wasm modules', () => {
  for (const [name, committedB64] of [['kernels', KERNELS_WASM_BASE64], ['program', PROGRAM_WASM_BASE64]] as const) {
    it(`rebuilding ${name} with assemblyscript reproduces the committed bytes exactly`, async () => {
      const bytes: Uint8Array = await buildWasm(name);
      const committed = Buffer.from(committedB64, 'base64');
      expect(Buffer.from(bytes).equals(committed)).toBe(true);
      expect(moduleText(bytes, name)).toContain(name === 'kernels' ? 'KERNELS_WASM_BASE64' : 'PROGRAM_WASM_BASE64');
    });
  }
});
