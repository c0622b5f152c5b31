/**
 * The exact line-resistance solver against ngspice on a full 128×128 tile (npm run test:long).
 * Not in the default suite: Debian's ngspice-39 has only the Sparse 1.3 matrix solver (no KLU),
 * whose pivot ordering of this 33 000-node circuit takes about 3 CPU minutes (measured 2 min 54 s
 * user time; max relative difference of the 128 output currents 1.31e-12). The default suite
 * compares 8×8, 32×32, 128×8 and 8×128 tiles (test/crossbar/line_resistance/spice.test.ts).
 * Stream: stream(1, 'test/line_resistance/128x128/a').
 */
import { describe, expect, it } from 'vitest';
import { ngspiceAvailable, spiceAgreement } from '../crossbar/line_resistance/ngspice.js';
import { requirePackage } from '../support/system_package.js';

const skip = requirePackage('ngspice', ngspiceAvailable);

describe.skipIf(skip)('exact solver vs ngspice, 128×128', () => {
  it('output currents within 1e-6 relative (r_wl 2.5 Ω, r_bl 1 Ω, R_drv 10 Ω, R_sense 5 Ω, G 1–100 µS)', () => {
    const err = spiceAgreement({ tag: 'a', rows: 128, cols: 128, gHi: 1e-4, spec: { rWordLine: 2.5, rBitLine: 1, rDriver: 10, rSense: 5 } });
    process.stdout.write(`ngspice 128×128: max relative difference of the output currents ${err.toExponential(2)}\n`);
    expect(err).toBeLessThan(1e-6);
  }, 60 * 60_000);
});
