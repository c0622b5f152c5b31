import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../sim/main.js';
import { writeSyntheticSweep } from '../../sim/report/synthetic_sweep.js';
import { writeReport } from '../../sim/report/write_report.js';

describe('writeReport: one self-contained file', () => {
  it('inlines plotly and the data, loads nothing from outside, survives hostile strings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-html-'));
    const s = writeSyntheticSweep(dir, { methods: ['ideal', 'fat'], rates: [0.1], seeds: [1, 2], failEvery: 3 });
    // an error message that tries to close the script block and inject markup
    const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8').replace('worker ran out of memory', '</script><script>alert(1)</script> & <b>');
    writeFileSync(join(dir, 'results.jsonl'), lines);
    const out = await writeReport(dir);
    expect(out).toBe(join(dir, 'report.html'));
    const html = readFileSync(out, 'utf8');
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    // no external resources of any kind
    expect(html).not.toMatch(/<(script|img|iframe)[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    // exactly three script elements: data, plotly, page script; none closed early by the hostile string
    expect(html.match(/<script[\s>]/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;');
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1];
    const data = JSON.parse(json) as { downloads: { jsonl: { text: string } }; figures: unknown[] };
    expect(data.downloads.jsonl.text).toBe(lines);
    // the accuracy panel and its accuracy-loss panel
    expect(data.figures).toHaveLength(2);
    // the provenance section names how to reproduce
    expect(html).toContain(s.manifest.command!);
    expect(html).toContain(`npx rramsim reproduce ${dir}`);
  });
});

describe('rramsim report', () => {
  let err = '';
  let outText = '';
  beforeEach(() => {
    err = '';
    outText = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => { outText += String(s); return true; });
  });
  afterEach(() => vi.restoreAllMocks());

  it('writes DIR/report.html, or --out FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-cli-'));
    writeSyntheticSweep(dir, { methods: ['ideal', 'unaware'], rates: [0.1], seeds: [1] });
    expect(await runCli(['report', dir])).toBe(0);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(outText).toContain(join(dir, 'report.html'));
    const other = join(dir, 'r.html');
    expect(await runCli(['report', dir, '--out', other])).toBe(0);
    expect(existsSync(other)).toBe(true);
    // a missing directory is named, not created
    expect(await runCli(['report', dir, '--out', join(dir, 'sub', 'r.html')])).toBe(2);
    expect(err).toContain(`--out: directory '${join(dir, 'sub')}' does not exist`);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
  });

  it('a directory without results.jsonl exits 2 with a clear message and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-cli-'));
    expect(await runCli(['report', dir])).toBe(2);
    expect(err).toMatch(/rramsim: report: .* has no results\.jsonl/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('a missing DIR argument exits 2', async () => {
    expect(await runCli(['report'])).toBe(2);
    expect(err).toMatch(/report: DIR is required: rramsim report DIR/);
    expect(await runCli(['report', '/tmp', '--out', ''])).toBe(2);
    expect(err).toMatch(/--out needs a file name/);
    expect(await runCli(['report', '/tmp', '--out', tmpdir()])).toBe(2);
    expect(err).toMatch(/--out: .* is a directory; give a file name/);
  });
});
