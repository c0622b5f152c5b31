// --threads and RRAMSIM_THREADS (kernel threads per point, src/kernels/threads.ts): a count outside
// 1..256 is bad input, one line naming the flag or variable, exit 2; a valid count is accepted.
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from './cli_helpers.js';

beforeAll(() => ensureBuilt());

describe('--threads', () => {
  it.each(['0', '257', '1.5', 'two', '-1'])('--threads %s: exit 2 naming --threads and the allowed range', (v) => {
    const r = cli(['doctor', `--threads=${v}`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--threads must be an integer from 1 to 256');
  });

  it('RRAMSIM_THREADS=abc: exit 2 naming the variable', () => {
    const r = cli(['doctor'], { RRAMSIM_THREADS: 'abc' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('RRAMSIM_THREADS must be an integer from 1 to 256');
  });

  it('--threads 2 is accepted', () => {
    expect(cli(['doctor', '--threads', '2']).code).toBe(0);
  });
});
