// The method registry's metadata (src/methods/method_info.ts) is what point resolution uses; the
// report's own order and colours must agree with it until the report reads it directly.
import { describe, expect, it } from 'vitest';
import { usesIttrna, usesLora, usesRetrain, trainsOnDevice } from '../../src/config/resolve_point.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { METHOD_INFO, METHOD_NAMES } from '../../src/methods/method_info.js';
import { methods } from '../../src/methods/registry.js';
import { METHOD_ORDER } from '../../src/report/aggregate.js';
import { METHOD_COLOURS } from '../../src/report/figures.js';
import type { PointSpec } from '../../src/methods/point.js';

describe('method registry metadata', () => {
  it('every method has a runner, and the report order/colours agree', () => {
    expect(METHOD_NAMES).toEqual(['ideal', 'unaware', 'remap', 'fat', 'ittrna', 'lora', 'lori']);
    for (const m of METHOD_NAMES) expect(typeof methods[m], m).toBe('function');
    expect(METHOD_ORDER).toEqual(METHOD_NAMES);
    for (const m of METHOD_NAMES) expect(METHOD_COLOURS[m], m).toBe(METHOD_INFO[m].colour);
  });

  it('the section predicates match the documented table (defaults.ts header)', () => {
    const p = (method: string, base = 'unaware') => ({ ...structuredClone(DEFAULTS), method, lora: { ...DEFAULTS.lora, base } }) as PointSpec;
    expect(METHOD_NAMES.filter((m) => usesRetrain(p(m)))).toEqual(['remap', 'fat', 'ittrna', 'lora', 'lori']);
    expect(METHOD_NAMES.filter((m) => trainsOnDevice(p(m)))).toEqual(['fat', 'ittrna', 'lora', 'lori']);
    expect(METHOD_NAMES.filter((m) => usesIttrna(p(m)))).toEqual(['remap', 'ittrna']);
    expect(METHOD_NAMES.filter((m) => usesIttrna(p(m, 'ittrna')))).toEqual(['remap', 'ittrna', 'lora', 'lori']);
    expect(METHOD_NAMES.filter((m) => usesLora(p(m)))).toEqual(['lora', 'lori']);
  });
});
