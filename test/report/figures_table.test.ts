import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../sim/report/aggregate.js';
import { buildFigures, defectFigures } from '../../sim/report/figures.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basePoint } from '../../sim/report/synthetic_sweep.js';
import { loadArtifact, readSweepDir } from '../../sim/report/sweep_dir.js';
import { writeSyntheticSweep } from '../../sim/report/synthetic_sweep.js';
import { buildTable, formatCell, tableCsv } from '../../sim/report/table.js';

function sweep(opts: Parameters<typeof writeSyntheticSweep>[1]) {
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-fig-'));
  writeSyntheticSweep(dir, opts);
  const s = readSweepDir(dir);
  const agg = aggregate(s.records, s.manifest?.expectedPoints);
  return { s, agg, figs: buildFigures(agg, s.artifacts) };
}

/** the traces a legend lists (the seed-marker traces are grouped with their line, not listed) */
const listed = (f: { traces: Record<string, unknown>[] }) => f.traces.filter((t) => t.showlegend !== false);
const pc = (v: number) => Number((v * 100).toPrecision(12));

/** minimal RFC 4180 reader for the round trip */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') q = false; else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += ch;
  }
  return rows;
}

describe('figure specs', () => {
  it('one accuracy panel per model × dataset, one line per method, ideal as a reference line', () => {
    const { figs, agg } = sweep({ datasets: ['mnist', 'fashion-mnist'], methods: ['ideal', 'unaware', 'fat', 'ittrna'], rates: [0.05, 0.1], seeds: [1, 2, 3] });
    const acc = figs.filter((f) => f.id.startsWith('acc-'));
    // groups sort by model then dataset name; each accuracy panel is followed by its loss panel
    expect(figs.filter((f) => f.section === 'accuracy').map((f) => (f.layout.title as { text: string }).text)).toEqual([
      'mlp · fashion-mnist: accuracy vs defect rate',
      'mlp · fashion-mnist: accuracy loss vs ideal (not same-budget)',
      'mlp · mnist: accuracy vs defect rate',
      'mlp · mnist: accuracy loss vs ideal (not same-budget)',
    ]);
    expect(figs.filter((f) => f.section !== 'accuracy')).toHaveLength(0); // no LoRA runs, no artefacts
    for (const f of acc) {
      expect(listed(f).map((t) => t.name)).toEqual(['unaware', 'fat', 'ittrna', 'ideal (no defects, n=3 seeds)']);
      expect(f.layout.xaxis).toMatchObject({ title: { text: 'stuck cells (% of all cells)' } });
      expect(f.layout.yaxis).toMatchObject({ title: { text: 'accuracy (%)' } });
      // x in %, y = mean accuracy in %; with 3 seeds the default band is the 95% CI
      const panel = String((f.layout.title as { text: string }).text).split(':')[0];
      const fat = agg.groups.filter((g) => g.panel === panel && g.fields.method === 'fat');
      const fatTrace = listed(f)[1];
      expect(fatTrace.x).toEqual([5, 10]);
      expect(fatTrace.y).toEqual(fat.map((g) => pc(g.stats.accuracy.mean!)));
      expect((fatTrace.error_y as { array: number[] }).array).toEqual(fat.map((g) => pc(g.stats.accuracy.ci95!)));
      expect((fatTrace.error_y as { arrayminus: number[] }).arrayminus).toEqual(fat.map((g) => pc(g.stats.accuracy.ci95!)));
      expect(f.errors[1].std).toEqual(fat.map((g) => pc(g.stats.accuracy.std!)));
      expect((f.layout.legend as { title: { text: string } }).title.text).toBe('bars: 95% CI of the mean (Student t)');
      const ideal = agg.groups.find((g) => g.panel === panel && g.fields.method === 'ideal')!;
      expect(listed(f)[3].y).toEqual([0, 1].map(() => pc(ideal.stats.accuracy.mean!)));
    }
  });

  it('LoRA runs add accuracy-vs-rank and accuracy-vs-cell-writes; variants split lines', () => {
    const { figs, agg } = sweep({ methods: ['ideal', 'unaware', 'lora', 'lori'], ranks: [2, 8], rates: [0.05, 0.1], distributions: ['uniform', 'clustered'], seeds: [1, 2] });
    expect(figs.map((f) => f.id)).toEqual(['acc-mlp-mnist', 'loss-mlp-mnist', 'rank-mlp-mnist', 'writes-mlp-mnist', 'cells-mlp-mnist']);
    // unaware × 2 distributions + (lora, lori) × 2 ranks × 2 distributions + ideal
    expect(listed(figs[0])).toHaveLength(2 + 8 + 1);
    expect(listed(figs[0]).map((t) => t.name)).toContain('lora · clustered · r=8');
    // rank plot: (lora, lori) × 2 rates × 2 distributions lines, x = ranks
    expect(listed(figs[2])).toHaveLength(8);
    expect(listed(figs[2]).every((t) => JSON.stringify(t.x) === '[2,8]')).toBe(true);
    // writes plot: one marker trace per on-chip method, on a log axis
    expect(listed(figs[3]).map((t) => t.name)).toEqual(['unaware', 'lora', 'lori']);
    expect(figs[3].layout.xaxis).toMatchObject({ type: 'log' });
    expect(figs[3].xScale?.linear).toMatchObject({ type: 'linear' });
    // distinct cells: same markers, x = mean cellsWritten per setting
    expect(listed(figs[4]).map((t) => t.name)).toEqual(['unaware', 'lora', 'lori']);
    const loraCells = agg.groups.filter((g) => g.fields.method === 'lora').map((g) => g.stats.cellsWritten.mean);
    expect(listed(figs[4])[1].x).toEqual(loraCells);
    expect(figs[4].layout.xaxis).toMatchObject({ title: { text: 'distinct cells written (mean), log scale' } });
  });

  it('LoRA runs at a single rank draw no rank panel, only accuracy vs cell writes', () => {
    const { figs } = sweep({ methods: ['unaware', 'lora'], ranks: [8], rates: [0.05, 0.1], distributions: ['uniform'], seeds: [1, 2] });
    expect(figs.map((f) => f.id)).toEqual(['acc-mlp-mnist', 'loss-mlp-mnist', 'writes-mlp-mnist', 'cells-mlp-mnist']);
  });

  it('defect-map and importance heatmaps come from artefacts, one tile per distribution', () => {
    const { figs, s } = sweep({ methods: ['unaware', 'ittrna'], rates: [0.05, 0.2], distributions: ['uniform', 'clustered'], seeds: [1], artifacts: true });
    const d = figs.filter((f) => f.section === 'defects');
    expect(d.map((f) => f.id)).toEqual(['tile-uniform', 'tile-clustered', 'importance-before', 'importance-after']);
    const uniform = s.artifacts.filter((a) => a.defectTilePath).map((a) => loadArtifact(a.defectTilePath!, 'defectTile', [])!).filter((t) => t.distribution === 'uniform');
    const z = d[0].traces[0].z as number[][];
    expect(uniform.some((t) => JSON.stringify(z.flat()) === JSON.stringify(t.state))).toBe(true);
    const stuck = z.flat().filter((v) => v !== 0).length;
    expect(d[0].caption).toContain(`${stuck} stuck`);
    // the importance share on faulty cells is stated and drops after the mapping in this fixture
    const share = (i: number) => Number(/([\d.]+)% on faulty/.exec(String((d[i].layout.title as { text: string }).text))![1]);
    expect(share(3)).toBeLessThan(share(2));
  });
});

describe('large artefacts', () => {
  it('a layer-sized importance map draws one tile of cells; the shares cover the whole layer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-big-'));
    const rows = 300, cols = 100, n = rows * cols;
    // faulty: every 7th cell; importance 1 everywhere before, and 0 on faulty cells after
    const faulty = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const before = faulty.map(() => 1);
    const after = faulty.map((f) => (f ? 0 : 1.23456789));
    mkdirSync(join(dir, 'h1'));
    writeFileSync(join(dir, 'h1', 'importance_map.json'), JSON.stringify({ layer: 'fc1', rows, cols, faulty, before, after }));
    const p = basePoint();
    p.method = 'ittrna';
    p.crossbar.tileRows = 32;
    p.crossbar.tileCols = 16;
    const figs = defectFigures([{ pointHash: 'h1', importanceMapPath: join(dir, 'h1', 'importance_map.json') }], new Map([['h1', p]]));
    expect(figs.map((f) => f.id)).toEqual(['importance-before', 'importance-after']);
    const z = figs[1].traces[0].z as number[][];
    expect([z.length, z[0].length]).toEqual([32, 16]);
    expect(z[0][1]).toBe(1.235); // 4 significant digits keep the file small
    const nFaulty = faulty.filter((f) => f).length;
    expect((figs[0].layout.title as { text: string }).text).toContain(`${((100 * nFaulty) / n).toFixed(1)}% on faulty cells`);
    expect((figs[1].layout.title as { text: string }).text).toContain('0.0% on faulty cells');
    expect(figs[0].caption).toContain('rows 0–31, columns 0–15 (one tile) of 300×100');
    // the markers are exactly the faulty cells of the window
    const xs = figs[0].traces[1].x as number[];
    expect(xs.length).toBe(faulty.filter((f, i) => f && Math.floor(i / cols) < 32 && i % cols < 16).length);
  });
});

describe('results table and CSV', () => {
  it('one row per setting; cells are the aggregated numbers; CSV round-trips them exactly', () => {
    const { agg } = sweep({ methods: ['ideal', 'unaware', 'lora'], ranks: [4], rates: [0.1], seeds: [1, 2, 3], failEvery: 4, missingEvery: 5 });
    const t = buildTable(agg);
    expect(t.rows).toHaveLength(agg.groups.length);
    const col = (k: string) => t.columns.findIndex((c) => c.key === k);
    agg.groups.forEach((g, i) => {
      expect(t.rows[i][col('method')]).toBe(g.fields.method);
      expect(t.rows[i][col('accuracy.mean')]).toBe(g.stats.accuracy.mean);
      expect(t.rows[i][col('accuracy.ci95')]).toBe(g.stats.accuracy.ci95);
      expect(t.rows[i][col('n')]).toBe(g.nOk);
      expect(t.rows[i][col('nFailed')] as number + (t.rows[i][col('nMissing')] as number)).toBe(g.nFailed + g.nMissing);
      // LoRA rank only applies to LoRA methods; ideal does not read the defect rate
      expect(t.rows[i][col('lora.rank')]).toBe(g.fields.method === 'lora' ? 4 : null);
      expect(t.rows[i][col('defects.rate')]).toBe(g.fields.method === 'ideal' ? null : 0.1);
    });
    expect(agg.failed.length + agg.missing.length).toBeGreaterThan(0);
    const csv = parseCsv(tableCsv(t));
    expect(csv[0]).toEqual(t.columns.map((c) => c.key));
    csv.slice(1).forEach((r, i) => {
      expect(Number(r[col('accuracy.mean')])).toBe(t.rows[i][col('accuracy.mean')]);
      expect(r[col('lora.rank')]).toBe(t.rows[i][col('lora.rank')] === null ? '' : String(t.rows[i][col('lora.rank')]));
    });
  });
  it('formats: accuracy in % with 2 decimals, integers grouped, missing as a dash', () => {
    expect(formatCell(0.98765, 'pct')).toBe('98.77');
    expect(formatCell(1234567, 'int')).toBe('1,234,567');
    expect(formatCell(null, 'pct')).toBe('—');
    expect(formatCell(0.5, 'num')).toBe('0.5');
  });
});

describe('nothing finished yet', () => {
  it('a sweep whose points are all missing draws no empty plot but keeps every row and warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-empty-'));
    writeSyntheticSweep(dir, { methods: ['ideal', 'unaware'], rates: [0.1], seeds: [1, 2] });
    writeFileSync(join(dir, 'results.jsonl'), '');
    const s = readSweepDir(dir);
    const agg = aggregate(s.records, s.manifest?.expectedPoints);
    expect(buildFigures(agg, s.artifacts)).toEqual([]);
    expect(agg.missing).toHaveLength(4);
    expect(buildTable(agg).rows).toHaveLength(2);
  });
});
