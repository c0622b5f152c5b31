/**
 * A manifest.json that parses but is not a sweep manifest (`{}`, `null`, a list, expectedPoints of
 * the wrong shape, nesting 2,000,000 deep) is bad input: `merge`, `sweep --resume`, `reproduce` and
 * `report` exit 2 with one line naming the file, never an internal error with a stack trace.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliP, ensureBuilt, FAKE_RUNNER_PATH, writeJson } from '../cli/cli_helpers.js';
import { tmp } from './helpers.js';

const FAKE = { RRAMSIM_RUNNER: FAKE_RUNNER_PATH };

describe('manifest.json of the wrong shape', () => {
  let base: string;
  let cfg: string;
  beforeAll(() => {
    ensureBuilt();
    base = tmp('rramsim-manifest-');
    cfg = writeJson(join(base, 'c.json'), { name: 'shape', dataset: 'mnist-embedded', method: ['ideal', 'unaware'], trainLimit: 64 });
    const r = cli(['sweep', cfg, '--out', join(base, 'good'), '--workers', '1'], FAKE);
    expect(r.code, r.stderr).toBe(0);
  });

  const cases: [string, string][] = [
    ['{}', 'configHash'],
    ['null', 'not a JSON object'],
    ['[1, 2]', 'not a JSON object'],
    ['{"configHash": "abc", "config": {}, "expectedPoints": [1]}', 'expectedPoints[0]'],
    [`{"configHash": "abc", "config": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`, 'deep'],
  ];

  for (const [text, why] of cases) {
    it(`${text.slice(0, 40)}: merge, sweep --resume, reproduce and report exit 2 in one line`, async () => {
      const d = join(tmp('rramsim-manifest-case-'), 'd');
      mkdirSync(d);
      cpSync(join(base, 'good'), d, { recursive: true });
      writeFileSync(join(d, 'manifest.json'), text);
      const runs = [
        ['merge', d, '--out', `${d}-merged`],
        ['sweep', cfg, '--out', d, '--resume', '--workers', '1'],
        ['reproduce', d, '--sample', '1'],
      ];
      // the four commands only read the directory (each refuses it before any work): run them at once
      const [rep, ...results] = await Promise.all([cliP(['report', d], FAKE), ...runs.map((argv) => cliP(argv, FAKE))]);
      results.forEach((r, i) => {
        const argv = runs[i];
        expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(2);
        expect(r.stderr.trim().split('\n'), argv[0]).toHaveLength(1);
        expect(r.stderr).toContain('manifest.json');
        expect(r.stderr, argv[0]).toContain(why);
      });
      // the report tolerates missing fields but not a file it cannot even render
      expect(rep.stderr).not.toContain('internal error');
      expect([0, 2]).toContain(rep.code);
    });
  }
});
