import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without type declarations
import { buildWasm, moduleText } from '../../src/kernels/wasm/build.mjs';
import { KERNELS_WASM_BASE64 } from '../../src/kernels/wasm/kernels_wasm.js';

describe('committed wasm module', () => {
  it('rebuilding kernels.as with assemblyscript reproduces the committed bytes exactly', async () => {
    const bytes: Uint8Array = await buildWasm();
    const committed = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    expect(Buffer.from(bytes).equals(committed)).toBe(true);
    expect(typeof moduleText(bytes)).toBe('string');
  });
});
