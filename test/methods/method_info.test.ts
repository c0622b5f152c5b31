// The method registry's metadata (src/methods/method_info.ts) is what point resolution and the report use.
import { describe, expect, it } from 'vitest';
import { readsDefects, usesIttrna, usesLora, usesMultitask, usesRetrain, trainsOnDevice } from '../../src/config/resolve_point.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { METHOD_NAMES } from '../../src/methods/method_info.js';
import { methods } from '../../src/experiment/method_registry.js';
import { methodFunction } from '../../src/methods/method_functions.js';
import type { PointSpec } from '../../src/experiment/point.js';

describe('method registry metadata', () => {
  it('every method has a runner', () => {
    expect(METHOD_NAMES).toEqual(['ideal', 'unaware', 'remap', 'fat', 'ittrna', 'lora', 'lori', 'mt-fat', 'mt-lora', 'mt-lori', 'mt-crab', 'spare', 'control']);
    // a method without a runner of its own runs its library function on the trained base (run_point.ts)
    for (const m of METHOD_NAMES) expect(typeof (methods[m] ?? methodFunction(m)), m).toBe('function');
  });

  it('the section predicates match the documented table (defaults.ts header)', () => {
    const p = (method: string, base = 'unaware') => ({ ...structuredClone(DEFAULTS), method, lora: { ...DEFAULTS.lora, base } }) as PointSpec;
    expect(METHOD_NAMES.filter((m) => usesRetrain(p(m)))).toEqual(['remap', 'fat', 'ittrna', 'lora', 'lori', 'mt-fat', 'mt-lora', 'mt-lori', 'mt-crab', 'control']);
    expect(METHOD_NAMES.filter((m) => trainsOnDevice(p(m)))).toEqual(['fat', 'ittrna', 'lora', 'lori', 'mt-fat', 'mt-lora', 'mt-lori', 'mt-crab', 'control']);
    expect(METHOD_NAMES.filter((m) => !readsDefects(p(m)))).toEqual(['ideal', 'control']);
    expect(METHOD_NAMES.filter((m) => usesIttrna(p(m)))).toEqual(['remap', 'ittrna']);
    expect(METHOD_NAMES.filter((m) => usesIttrna(p(m, 'ittrna')))).toEqual(['remap', 'ittrna', 'lora', 'lori']);
    expect(METHOD_NAMES.filter((m) => usesLora(p(m)))).toEqual(['lora', 'lori', 'mt-lora', 'mt-lori', 'mt-crab']);
    expect(METHOD_NAMES.filter((m) => usesMultitask(p(m)))).toEqual(['mt-fat', 'mt-lora', 'mt-lori', 'mt-crab']);
  });
});
