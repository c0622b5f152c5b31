/**
 * `rramsim doctor [--json]`: which kernel backend is active and why (src/kernels/backend.ts), the
 * native addon's path and state (loaded, or the build/load error / RRAMSIM_NATIVE=0), the
 * instruction set it uses and the ones this CPU and build offer, whether WebAssembly SIMD works,
 * and the numeric contract between the backends. Exit 0 always (a missing addon is a fact to
 * report, not a failure: the wasm backend computes the same bits).
 */
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { availableBackends, backendReason, getBackend } from '../../src/kernels/backend.js';
import { nativeStatus } from '../../src/kernels/native.js';
import { wasmKernels, wasmUnavailableReason } from '../../src/kernels/wasm_memory.js';

interface Args { json?: boolean }

function cpuFlags(): string[] {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags') || l.startsWith('Features')) ?? '';
    const want = ['avx512f', 'avx512bw', 'avx512dq', 'avx512vl', 'avx2', 'fma', 'asimd'];
    const have = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
    return want.filter((f) => have.has(f));
  } catch {
    return [];
  }
}

const command: CommandModule<object, Args> = {
  command: 'doctor',
  describe: 'say which kernel backend is active and why (native addon, wasm, ts), and the CPU features used',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as unknown as Argv<Args>,
  handler: async (a) => {
    const backend = getBackend();
    const native = nativeStatus();
    const report = {
      backend,
      reason: backendReason(),
      available: availableBackends(),
      native,
      wasm: wasmKernels() ? { available: true } : { available: false, reason: wasmUnavailableReason() },
      cpuFeatures: cpuFlags(),
      contract: "'native' and 'wasm' give identical bits (same float32 operations in the same order); 'ts' differs by rounding in GEMM",
    };
    if (a.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const out = [
      `kernel backend: ${backend} (${report.reason})`,
      `available:      ${report.available.join(', ')}`,
      `native addon:   ${native.loaded ? `loaded, instruction set ${native.isa} (this CPU and build offer: ${native.isas!.join(', ')})` : `not loaded: ${native.reason}`}`,
      `                ${native.path}`,
      `wasm SIMD:      ${report.wasm.available ? 'available' : `unavailable: ${(report.wasm as { reason: string }).reason}`}`,
      `CPU features:   ${report.cpuFeatures.join(' ') || '(unknown)'}`,
      `contract:       ${report.contract}`,
      'override:       RRAMSIM_BACKEND=native|wasm|ts, RRAMSIM_NATIVE=0 (no addon), RRAMSIM_NATIVE_ISA=avx512|avx2|base',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  },
};

export default command;
