// The report renders a manifest with null fields: gitCommit null (run outside a git work tree)
// and finishedAt null (an interrupted sweep), through writeReport and the `rramsim report` CLI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esc } from '../../sim/report/html.js';
import { writeSyntheticSweep } from '../../sim/report/synthetic_sweep.js';
import { writeReport } from '../../sim/report/write_report.js';

describe('report with null manifest fields', () => {
  it('esc(null) and esc(undefined) are empty, numbers are printed', () => {
    expect(esc(null)).toBe('');
    expect(esc(undefined)).toBe('');
    expect(esc(3)).toBe('3');
    expect(esc('<a href="x">&')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;');
  });

  for (const [what, patch, shown] of [
    ['gitCommit null (no git checkout)', { gitCommit: null }, 'not recorded (not run from a git checkout)'],
    ['finishedAt null (interrupted sweep)', { finishedAt: null }, 'not finished (interrupted, or still running)'],
    ['every optional field null', { gitCommit: null, finishedAt: null, startedAt: null, versions: null, command: null, configHash: null, datasetChecksums: null, env: null }, 'not recorded (not run from a git checkout)'],
  ] as const) {
    it(`renders with ${what}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rramsim-nulls-'));
      writeSyntheticSweep(dir, { methods: ['ideal', 'fat'], rates: [0.1], seeds: [1, 2] });
      const mPath = join(dir, 'manifest.json');
      const m = JSON.parse(readFileSync(mPath, 'utf8')) as Record<string, unknown>;
      writeFileSync(mPath, JSON.stringify({ ...m, ...patch }));
      const html = readFileSync(await writeReport(dir), 'utf8');
      expect(html).toContain(`<i>${esc(shown)}</i>`);
      const prov = /<section id="provenance">([\s\S]*?)<\/section>/.exec(html)![1];
      expect(prov).not.toMatch(/<dd>(<code>)?(null|undefined)/);
      expect(prov).not.toContain('undefined');
    });
  }
});
