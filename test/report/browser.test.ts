/**
 * End-to-end: render a report from a small (synthetic, realistic) sweep directory in headless
 * Debian Chromium driven by playwright-core, and check what a reader sees. Needs /usr/bin/chromium
 * (.ci/run installs it: apt-get install chromium); without it both suites skip with one SKIP line
 * (test/support/system_package.ts), and fail under CI=true. Saves test-artifacts/report.png.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, type Aggregate } from '../../sim/report/aggregate.js';
import { pct } from '../../sim/report/figures.js';
import { readSweepDir } from '../../sim/report/sweep_dir.js';
import { writeSyntheticSweep } from '../../sim/report/synthetic_sweep.js';
import { buildTable, tableCsv } from '../../sim/report/table.js';
import { writeReport } from '../../sim/report/write_report.js';
import { requirePackage } from '../support/system_package.js';
import type { ResultRecord } from '../../src/experiment/result.js';

const CHROMIUM = '/usr/bin/chromium';
const noChromium = requirePackage('chromium', () => existsSync(CHROMIUM));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface PlotInfo { id: string; traces: number; traceNames: string[]; xTitle: string; yTitle: string; xTitleDom: string; yTitleDom: string }

/** the names a legend lists: every trace but the seed markers (grouped with their line) */
const legendNames = (names: string[]) => names.filter((n) => !n.endsWith(': seeds'));

describe.skipIf(noChromium)('report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let agg: Aggregate;
  let fileUrl: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-e2e-'));
    writeSyntheticSweep(dir, {
      datasets: ['mnist', 'fashion-mnist'],
      methods: ['ideal', 'unaware', 'fat', 'ittrna', 'lora'],
      rates: [0.05, 0.1, 0.2],
      ranks: [2, 8],
      distributions: ['uniform', 'clustered'],
      seeds: [1, 2, 3],
      failEvery: 19,
      missingEvery: 29,
      tornLastLine: true,
      artifacts: true,
    });
    const sweep = readSweepDir(dir);
    agg = aggregate(sweep.records, sweep.manifest?.expectedPoints);
    const out = await writeReport(dir);
    fileUrl = pathToFileURL(out).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(fileUrl);
    await page.waitForSelector('body[data-rendered]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders without console errors and without any request but the file itself', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([fileUrl]);
    mkdirSync(resolve('test-artifacts'), { recursive: true });
    await page.screenshot({ path: resolve('test-artifacts/report.png'), fullPage: true });
  });

  it('draws the expected plots, traces and axis titles', async () => {
    const plots: PlotInfo[] = await page.evaluate(() => {
      type Gd = HTMLElement & { data: { name?: string }[]; layout: { xaxis: { title: { text: string } }; yaxis: { title: { text: string } } } };
      return Array.from(document.querySelectorAll('.js-plotly-plot')).map((n) => {
        const el = n as Gd;
        return {
          id: el.id,
          traces: el.data.length,
          traceNames: el.data.map((t) => t.name ?? ''),
          xTitle: el.layout.xaxis.title.text,
          yTitle: el.layout.yaxis.title.text,
          xTitleDom: el.querySelector('.g-xtitle')?.textContent ?? '',
          yTitleDom: el.querySelector('.g-ytitle')?.textContent ?? '',
        };
      });
    });
    // per panel (2 datasets): accuracy vs rate and the loss against the control, accuracy vs rank, vs write events, vs distinct cells; then 2 tiles + importance before/after
    expect(plots.map((p) => p.id)).toEqual([
      'acc-mlp-fashion-mnist', 'loss-mlp-fashion-mnist', 'acc-mlp-mnist', 'loss-mlp-mnist',
      'rank-mlp-fashion-mnist', 'writes-mlp-fashion-mnist', 'cells-mlp-fashion-mnist', 'rank-mlp-mnist', 'writes-mlp-mnist', 'cells-mlp-mnist',
      'tile-uniform', 'tile-clustered', 'importance-before', 'importance-after',
    ]);
    const byId = new Map(plots.map((p) => [p.id, p]));
    for (const panel of ['mlp-mnist', 'mlp-fashion-mnist']) {
      // unaware, fat, ittrna × 2 distributions + lora × 2 ranks × 2 distributions + ideal reference
      const acc = byId.get(`acc-${panel}`)!;
      expect(legendNames(acc.traceNames)).toHaveLength(11);
      expect(acc.traces).toBe(11 + 10); // each line's seed markers
      const idealN = agg.groups.find((g) => g.fields.method === 'ideal' && `acc-${g.panel.replace(' · ', '-')}` === `acc-${panel}`)!.nOk;
      expect(acc.traceNames).toContain(`ideal (no defects, n=${idealN} seeds)`);
      expect(acc.traceNames).toContain('lora · clustered · r=8');
      expect([acc.xTitleDom, acc.yTitleDom]).toEqual(['stuck cells (% of all cells)', 'accuracy (%)']);
      // lora × 3 rates × 2 distributions
      const rank = byId.get(`rank-${panel}`)!;
      expect(legendNames(rank.traceNames)).toHaveLength(6);
      expect([rank.xTitleDom, rank.yTitleDom]).toEqual(['LoRA rank r', 'accuracy (%)']);
      const writes = byId.get(`writes-${panel}`)!;
      expect(legendNames(writes.traceNames)).toEqual(['unaware', 'fat', 'ittrna', 'lora']);
      expect(writes.xTitleDom).toBe('cell writes in training/adaptation (mean), log scale');
      const cells = byId.get(`cells-${panel}`)!;
      expect(legendNames(cells.traceNames)).toEqual(['unaware', 'fat', 'ittrna', 'lora']);
      expect(cells.xTitleDom).toBe('distinct cells written (mean), log scale');
    }
    for (const id of ['tile-uniform', 'tile-clustered']) expect(byId.get(id)).toMatchObject({ traces: 1, xTitleDom: 'bit line (column)', yTitleDom: 'word line (row)' });
    for (const id of ['importance-before', 'importance-after']) expect(byId.get(id)).toMatchObject({ traces: 2, traceNames: ['', 'faulty cell'] });
  });

  it('the table shows exactly the aggregated numbers', async () => {
    const rows: Record<string, [string, string]>[] = await page.$$eval('#results-table tbody tr', (trs) =>
      trs.map((tr) => Object.fromEntries(Array.from((tr as HTMLTableRowElement).cells).map((td) => [td.dataset.col!, [td.dataset.v!, td.textContent!]]))));
    expect(rows).toHaveLength(agg.groups.length);
    agg.groups.forEach((g, i) => {
      const r = rows[i];
      expect(r.method[0]).toBe(g.fields.method);
      // ideal does not read the defect rate: its cell is empty
      expect(r['defects.rate'][0]).toBe(g.fields.method === 'ideal' ? '' : String(g.fields['defects.rate']));
      expect(Number(r.n[0])).toBe(g.nOk);
      expect(Number(r.nFailed[0])).toBe(g.nFailed);
      expect(Number(r.nMissing[0])).toBe(g.nMissing);
      for (const stat of ['mean', 'std', 'ci95', 'ci95Lo', 'ci95Hi', 'min', 'max'] as const) {
        const v = g.stats.accuracy[stat];
        const [dv, text] = r[`accuracy.${stat}`];
        if (v === null) {
          expect([dv, text]).toEqual(['', '—']);
        } else {
          expect(Number(dv)).toBe(v); // exact, full precision
          expect(text).toBe(pct(v).toFixed(2)); // what the reader sees
        }
      }
      expect(Number(r['cellWrites.mean'][0])).toBe(g.stats.cellWrites.mean);
    });
  });

  it('failed and missing points are counted in a visible warning and listed', async () => {
    expect(agg.failed.length).toBeGreaterThan(0);
    expect(agg.missing.length).toBeGreaterThan(0);
    const banner = page.locator('#warnings');
    await expect(banner.isVisible()).resolves.toBe(true);
    const text = await banner.innerText();
    expect(text).toContain(`${agg.failed.length + agg.missing.length} of ${agg.points.length} expected point(s) have no result: ${agg.failed.length} failed, ${agg.missing.length} missing.`);
    expect(text).toMatch(/last line \(line \d+\) is incomplete/);
    expect(await page.locator('#problems-table tbody tr').count()).toBe(agg.failed.length + agg.missing.length);
    expect(await page.locator('#problems-table tbody tr', { hasText: 'synthetic failure' }).count()).toBe(agg.failed.length);
  });

  it('hovering a point shows its mean, n, std, CI, min/max and failures', async () => {
    const text = await page.evaluate(() => {
      const el = document.getElementById('acc-mlp-mnist') as HTMLElement;
      (window as unknown as { Plotly: { Fx: { hover: (el: HTMLElement, pts: unknown[]) => void } } }).Plotly.Fx.hover(el, [{ curveNumber: 0, pointNumber: 0 }]);
      return el.querySelector('.hovertext')?.textContent ?? '';
    });
    const spec = JSON.parse(await page.locator('#report-data').textContent() as string).figures.find((f: { id: string }) => f.id === 'acc-mlp-mnist');
    const t0 = spec.traces[0];
    const g = agg.groups.find((x) => x.panel === 'mlp · mnist' && `${x.fields.method} · ${x.fields['defects.distribution']}` === t0.name && x.fields['defects.rate'] === 0.05)!;
    const a = g.stats.accuracy;
    const p2 = (v: number | null) => (v === null ? '—' : (v * 100).toFixed(2));
    expect(text).toContain(t0.name);
    expect(text).toContain('stuck cells 5%');
    expect(text).toContain(`accuracy ${p2(a.mean)}% (mean of n=${a.n})`);
    expect(text).toContain(`std ${p2(a.std)} · 95% CI ±${p2(a.ci95)}`);
    expect(text).toContain(`min ${p2(a.min)} · max ${p2(a.max)}`);
    expect(text).toContain(`failed or missing: ${g.nFailed + g.nMissing}`);
    expect(text).toContain(`default band: ${a.n < 3 ? `seed min–max (n=${a.n} < 3)` : '95% CI of the mean'}`);
  });

  it('the band control switches between the n rule, seed range, 95% CI, std and none', async () => {
    const errorsOf = () => page.evaluate(() => {
      const el = document.getElementById('acc-mlp-mnist') as HTMLElement & { data: { error_y?: { array?: number[]; arrayminus?: number[]; visible?: boolean } }[] };
      return { visible: el.data[0].error_y?.visible, array: el.data[0].error_y?.array, arrayminus: el.data[0].error_y?.arrayminus };
    });
    const spec = JSON.parse(await page.locator('#report-data').textContent() as string).figures.find((f: { id: string }) => f.id === 'acc-mlp-mnist');
    const e = spec.errors[0];
    // the default: per point, the seed range below 3 seeds (some points lost a seed), else the CI
    const auto = await errorsOf();
    expect(auto.visible).toBe(true);
    e.auto.forEach((b: string, j: number) => {
      expect(auto.array![j]).toBe(b === 'ci' ? e.ci[j] : e.hi[j]);
      expect(auto.arrayminus![j]).toBe(b === 'ci' ? e.ci[j] : e.lo[j]);
    });
    await page.selectOption('#errmode', 'ci');
    expect(await errorsOf()).toEqual({ visible: true, array: e.ci, arrayminus: e.ci });
    await page.selectOption('#errmode', 'std');
    expect(await errorsOf()).toEqual({ visible: true, array: e.std, arrayminus: e.std });
    expect(e.std).not.toEqual(e.ci);
    await page.selectOption('#errmode', 'range');
    expect(await errorsOf()).toEqual({ visible: true, array: e.hi, arrayminus: e.lo });
    await page.selectOption('#errmode', 'none');
    expect((await errorsOf()).visible).toBe(false);
    await page.selectOption('#errmode', 'auto');
  });

  it('sorts the table by a clicked column', async () => {
    const col = () => page.$$eval('#results-table tbody td[data-col="accuracy.mean"]', (tds) => tds.map((td) => (td as HTMLElement).dataset.v!));
    await page.click('#results-table th[data-key="accuracy.mean"]');
    const asc = (await col()).filter((v) => v !== '').map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.click('#results-table th[data-key="accuracy.mean"]');
    const desc = (await col()).filter((v) => v !== '').map(Number);
    expect(desc).toEqual([...asc].sort((a, b) => b - a));
  });

  it('downloads the CSV and the raw JSONL from embedded data, with no network', async () => {
    const grab = async (which: string) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-download="${which}"]`)]);
      return { name: dl.suggestedFilename(), text: readFileSync((await dl.path())!, 'utf8') };
    };
    const csv = await grab('csv');
    expect(csv.name).toBe('results_aggregated.csv');
    expect(csv.text).toBe(tableCsv(buildTable(agg)));
    const jsonl = await grab('jsonl');
    expect(jsonl.name).toBe('results.jsonl');
    expect(jsonl.text.split('\n').length).toBeGreaterThan(agg.points.length - agg.missing.length);
    // only the file itself and the in-memory blob: URLs of the downloads
    expect(requests.filter((u) => u !== fileUrl && !u.startsWith('blob:'))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

/**
 * The committed output of a real tiny sweep (test/report/fixtures/real_tiny_sweep: results.jsonl,
 * manifest.json and the two defect tiles the report draws, made with
 * `node dist/sim/cli.js sweep test/report/fixtures/tiny_sweep.json --out DIR --workers 1` at the
 * commit named in its manifest: 48 points, all ok, including LoRA ranks 2 and 8; the failed-point
 * path is covered by the synthetic sweep above).
 */
describe.skipIf(noChromium)('report of a real tiny sweep in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let records: ResultRecord[];
  let seeds: Set<number>;
  let agg: Aggregate;
  let fileUrl: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-e2e-real-'));
    cpSync(resolve('test/report/fixtures/real_tiny_sweep'), dir, { recursive: true });
    const sweep = readSweepDir(dir);
    records = sweep.records;
    seeds = new Set(records.map((r) => r.point.seed));
    agg = aggregate(sweep.records, sweep.manifest?.expectedPoints);
    fileUrl = pathToFileURL(await writeReport(dir)).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(fileUrl);
    await page.waitForSelector('body[data-rendered]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders its plots with no console errors and no requests', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([fileUrl]);
    const plots = await page.evaluate(() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((n) => {
      const el = n as HTMLElement & { data: { name?: string }[] };
      return { id: el.id, names: el.data.map((t) => t.name ?? ''), x: el.querySelector('.g-xtitle')?.textContent, y: el.querySelector('.g-ytitle')?.textContent };
    }));
    expect(plots.map((p) => p.id)).toEqual(['acc-mlp-mnist-embedded', 'loss-mlp-mnist-embedded', 'rank-mlp-mnist-embedded', 'writes-mlp-mnist-embedded', 'tile-uniform', 'tile-clustered']);
    // n of the ideal line = the number of seeds (the fixture holds 8 ideal records for 2 networks)
    const idealN = seeds.size;
    expect(idealN).toBe(2);
    expect(records.filter((r) => r.point.method === 'ideal').length).toBeGreaterThan(idealN);
    expect({ ...plots[0], names: legendNames(plots[0].names) }).toEqual({
      id: 'acc-mlp-mnist-embedded',
      names: [
        'unaware · clustered', 'unaware · uniform', 'fat · clustered', 'fat · uniform', 'ittrna · clustered', 'ittrna · uniform',
        'lora · clustered · r=2', 'lora · clustered · r=8', 'lora · uniform · r=2', 'lora · uniform · r=8',
        `ideal (no defects, n=${idealN} seeds)`,
      ],
      x: 'stuck cells (% of all cells)',
      y: 'accuracy (%)',
    });
    // one line per defect rate × distribution, each through both ranks (lora.alpha, set equal to
    // the rank by the config, does not split them)
    expect(legendNames(plots[2].names)).toEqual(['lora · rate=0.05 · clustered', 'lora · rate=0.05 · uniform', 'lora · rate=0.2 · clustered', 'lora · rate=0.2 · uniform']);
    expect(legendNames(plots[3].names)).toEqual(['unaware', 'fat', 'ittrna', 'lora']);
  });

  it('with 2 seeds the default band is the seed range, the writes axis is logarithmic', async () => {
    const drawn = await page.evaluate(() => {
      type Gd = HTMLElement & { data: { name?: string; x: number[]; y: number[]; error_y?: { array?: number[]; arrayminus?: number[]; visible?: boolean } }[]; layout: { xaxis: { type: string }; legend: { title: { text: string } } } };
      const acc = document.getElementById('acc-mlp-mnist-embedded') as Gd;
      const writes = document.getElementById('writes-mlp-mnist-embedded') as Gd;
      return {
        lines: acc.data.map((t) => ({ name: t.name ?? '', x: t.x, y: t.y, up: t.error_y?.array, down: t.error_y?.arrayminus, visible: t.error_y?.visible })),
        legendTitle: acc.layout.legend.title.text,
        writesType: writes.layout.xaxis.type,
        writesTickLabels: Array.from(writes.querySelectorAll('.xtick text')).map((t) => t.textContent),
      };
    });
    expect(drawn.legendTitle).toContain('seed min–max');
    // unaware · uniform at each rate: the bar spans exactly the two seeds' accuracies, which are drawn
    const line = drawn.lines.find((l) => l.name === 'unaware · uniform')!;
    const seedsLine = drawn.lines.find((l) => l.name === 'unaware · uniform: seeds')!;
    line.x.forEach((x, j) => {
      const accs = records.filter((r) => r.point.method === 'unaware' && r.point.defects.distribution === 'uniform' && pct(r.point.defects.rate) === x).map((r) => pct(r.metrics!.accuracy));
      expect(accs).toHaveLength(2);
      expect(line.y[j] + line.up![j]).toBeCloseTo(Math.max(...accs), 9);
      expect(line.y[j] - line.down![j]).toBeCloseTo(Math.min(...accs), 9);
      const drawnSeeds = seedsLine.x.map((sx, k) => [sx, seedsLine.y[k]]).filter(([sx]) => sx === x).map(([, y]) => y).sort();
      expect(drawnSeeds).toEqual([...accs].sort());
    });
    expect(drawn.writesType).toBe('log');
    expect(drawn.writesTickLabels).toContain('0');
    // the switch back to linear
    await page.selectOption('#xscale', 'linear');
    expect(await page.evaluate(() => (document.getElementById('writes-mlp-mnist-embedded') as HTMLElement & { layout: { xaxis: { type: string } } }).layout.xaxis.type)).toBe('linear');
    await page.selectOption('#xscale', 'log');
  });

  it('panel titles are not covered by the plotly toolbar', async () => {
    const overlaps = await page.evaluate(() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((el) => {
      const title = el.querySelector('.gtitle')?.getBoundingClientRect();
      const bar = el.querySelector('.modebar')?.getBoundingClientRect();
      if (!title || !bar) return { id: el.id, missing: true, overlap: false };
      const overlap = title.left < bar.right && bar.left < title.right && title.top < bar.bottom && bar.top < title.bottom;
      return { id: el.id, missing: false, overlap };
    }));
    expect(overlaps.length).toBeGreaterThan(0);
    for (const o of overlaps) expect(o, o.id).toMatchObject({ missing: false, overlap: false });
  });

  it('its table equals the aggregate and the banner says every point has a result', async () => {
    const rows: Record<string, string>[] = await page.$$eval('#results-table tbody tr', (trs) =>
      trs.map((tr) => Object.fromEntries(Array.from((tr as HTMLTableRowElement).cells).map((td) => [td.dataset.col!, td.dataset.v!]))));
    expect(rows).toHaveLength(agg.groups.length);
    agg.groups.forEach((g, i) => {
      expect(rows[i].method).toBe(g.fields.method);
      expect(rows[i]['accuracy.mean']).toBe(g.stats.accuracy.mean === null ? '' : String(g.stats.accuracy.mean));
      expect(rows[i]['accuracy.ci95']).toBe(g.stats.accuracy.ci95 === null ? '' : String(g.stats.accuracy.ci95));
      expect(Number(rows[i].nFailed)).toBe(g.nFailed);
    });
    expect(agg.failed.length + agg.missing.length).toBe(0);
    // the fixture's ideal records at rates > 0 (planned before the reset) are one network per seed: a note, not a warning
    expect(await page.locator('#warnings').innerText()).toBe(`All ${agg.points.length} expected points have results. ${agg.collapsed} recorded point(s) of ideal/control at a defect rate > 0 (planned before their rate was reset: the same network as the rate-0 point) are counted once per network.`);
    expect(agg.collapsed).toBe(6);
    expect(await page.locator('#problems-none').count()).toBe(1);
  });
});
