/**
 * Assembles the self-contained report page: inline CSS, plotly.js (the cartesian partial bundle, inlined from npm),
 * the data as one JSON <script type="application/json"> block, and the page script. A
 * Content-Security-Policy meta tag forbids every network fetch (default-src 'none'), so the file
 * works offline from file:// and provably loads nothing else.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import type { Aggregate, PointStatus } from './aggregate.js';
import { CLIENT_SCRIPT } from './client_script.js';
import type { FigureSpec } from './figures.js';
import { pct } from './figures.js';
import type { SweepManifest } from './sweep_dir.js';
import { formatCell, type Table } from './table.js';
import { shellQuote } from '../../src/util/shell_quote.js';
import { modelLabel } from '../../src/nn/model.js';

let plotlyCache: { source: string; version: string } | null = null;

/**
 * plotly.js bundle to inline: the official cartesian partial bundle (scatter, heatmap: all the
 * report uses; 1.4 MB, ~3x faster to parse and run than the full 4.8 MB bundle), else the full one.
 */
export function plotlySource(): { source: string; version: string } {
  if (plotlyCache) return plotlyCache;
  const require = createRequire(import.meta.url);
  for (const [pkg, file] of [['plotly.js-cartesian-dist-min', 'plotly-cartesian.min.js'], ['plotly.js-dist', 'plotly.js']]) {
    try {
      const path = require.resolve(`${pkg}/${file}`);
      const version = (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
      plotlyCache = { source: readFileSync(path, 'utf8'), version: `${pkg}@${version}` };
      return plotlyCache;
    } catch {
      /* try the next one */
    }
  }
  throw new Error('plotly.js-dist(-min) is not installed: run npm install');
}

/** HTML-escape text; null/undefined → '' (manifest fields may be null), other values via String(). */
export function esc(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON safe inside <script>: `<` escaped as \u003c so no `</script>` can end the block early. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text: a literal `</script` would close the element; escape it (a no-op for plotly 3). */
function scriptText(s: string): string {
  return s.replace(/<\/script/gi, '<\\/script');
}

const CSS = `
:root { --fg:#1d1d1f; --muted:#5f6368; --line:#dadce0; --bg:#ffffff; --warn:#fff4e5; --warnline:#f0a020; --okbg:#eef7ee; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color:var(--fg); background:var(--bg); }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 8px; }
nav a { margin-right: 14px; color: #1a57b6; text-decoration: none; } nav a:hover { text-decoration: underline; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background:#f6f8fa; border:1px solid var(--line); padding:8px 10px; overflow:auto; max-height: 360px; }
.banner { border-left: 4px solid var(--warnline); background: var(--warn); padding: 8px 12px; margin: 12px 0; }
.banner.ok { border-left-color: #3c9a3c; background: var(--okbg); }
.banner ul { margin: 4px 0 0 18px; padding: 0; }
.controls { margin: 6px 0 10px; } .controls label { margin-right: 8px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px 20px; }
figure { margin: 0; } figcaption { color: var(--muted); font-size: 12.5px; margin: 2px 8px 8px 8px; }
.tablewrap { overflow: auto; max-height: 70vh; border: 1px solid var(--line); }
table { border-collapse: collapse; font-size: 12.5px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #f1f3f4; cursor: pointer; user-select: none; text-align: left; border-bottom: 1px solid var(--line); }
thead th[aria-sort=ascending]::after { content: " ▲"; } thead th[aria-sort=descending]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.has-problem td { background: #fff8ec; }
tbody tr:hover td { background: #eef3fd; }
button { font: inherit; padding: 4px 10px; margin: 0 6px 8px 0; border: 1px solid var(--line); background: #f8f9fa; border-radius: 4px; cursor: pointer; }
button:hover { background: #eef3fd; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; } dl.prov dt { color: var(--muted); } dl.prov dd { margin: 0; }
.help p { max-width: 900px; }
`;

export interface PageInput {
  dir: string;
  agg: Aggregate;
  figures: FigureSpec[];
  table: Table;
  csv: string;
  rawJsonl: string;
  manifest: SweepManifest | null;
  warnings: string[];
}

function problemSummary(agg: Aggregate): string {
  const total = agg.points.length;
  const bad = agg.failed.length + agg.missing.length;
  return `${bad} of ${total} expected point(s) have no result: ${agg.failed.length} failed, ${agg.missing.length} missing.`;
}

function warningBanner(p: PageInput): string {
  const items: string[] = [];
  const { agg } = p;
  if (agg.failed.length + agg.missing.length > 0) items.push(`<b>${esc(problemSummary(agg))}</b> They are listed under <a href="#problems">Failed and missing points</a> and counted per row of the table; statistics use the ok points only.`);
  if (agg.duplicates > 0) items.push(`${agg.duplicates} duplicate record(s) of the same point (retries or merges): the last ok record of each point is used.`);
  if (agg.unexpected > 0) items.push(`${agg.unexpected} point(s) in results.jsonl are not among the manifest's expected points (included anyway).`);
  for (const w of p.warnings) items.push(esc(w));
  // not a problem, a note: old sweeps recorded one ideal/control point per rate (the same network)
  const note = agg.collapsed > 0
    ? ` <span id="collapsed-note">${agg.collapsed} recorded point(s) of <code>ideal</code>/<code>control</code> at a defect rate &gt; 0 (planned before their rate was reset: the same network as the rate-0 point) are counted once per network.</span>`
    : '';
  if (items.length === 0) {
    return `<div id="warnings" class="banner ok" data-failed="0" data-missing="0">All ${agg.points.length} expected points have results.${note}</div>`;
  }
  return `<div id="warnings" class="banner" role="alert" data-failed="${agg.failed.length}" data-missing="${agg.missing.length}"><b>Warnings (${items.length})</b><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>${note}</div>`;
}

function figureHtml(f: FigureSpec): string {
  return `<figure><div id="${esc(f.id)}" class="plot" data-traces="${f.traces.length}"></div><figcaption>${esc(f.caption)}</figcaption></figure>`;
}

function tableHtml(t: Table, highlight: boolean): string {
  const nFailed = t.columns.findIndex((c) => c.key === 'nFailed');
  const nMissing = t.columns.findIndex((c) => c.key === 'nMissing');
  const head = t.columns.map((c) => `<th data-key="${esc(c.key)}" data-kind="${c.kind}"${c.help ? ` title="${esc(c.help)}"` : ''}>${esc(c.label)}</th>`).join('');
  const body = t.rows.map((r) => {
    const problem = highlight && ((Number(r[nFailed]) || 0) + (Number(r[nMissing]) || 0)) > 0;
    const cells = r.map((v, i) => {
      const c = t.columns[i];
      const dv = v === null ? '' : String(v);
      return `<td data-col="${esc(c.key)}" data-v="${esc(dv)}"${c.kind === 'number' ? ' class="num"' : ''}>${esc(formatCell(v, c.format))}</td>`;
    }).join('');
    return `<tr${problem ? ' class="has-problem"' : ''}>${cells}</tr>`;
  }).join('\n');
  return `<table id="results-table" class="sortable"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function problemsHtml(list: PointStatus[]): string {
  if (list.length === 0) return '<p id="problems-none">None: every expected point has a result.</p>';
  const rows = list.map((p) => {
    const q = p.point;
    return `<tr><td data-v="${p.status}">${p.status}</td><td data-v="${esc(p.pointHash)}"><code>${esc(p.pointHash)}</code></td><td data-v="${esc(modelLabel(q.model))}">${esc(modelLabel(q.model))}</td><td data-v="${esc(q.dataset)}">${esc(q.dataset)}</td><td data-v="${esc(q.method)}">${esc(q.method)}</td><td data-v="${q.defects.rate}" class="num">${q.defects.rate}</td><td data-v="${q.defects.lrsShare}" class="num">${q.defects.lrsShare}</td><td data-v="${esc(q.defects.distribution)}">${esc(q.defects.distribution)}</td><td data-v="${q.lora.rank}" class="num">${q.lora.rank}</td><td data-v="${q.seed}" class="num">${q.seed}</td><td data-v="${esc(p.error ?? '')}">${esc(p.error ?? (p.status === 'missing' ? 'no record in results.jsonl' : ''))}</td></tr>`;
  }).join('\n');
  return `<div class="tablewrap"><table id="problems-table" class="sortable"><thead><tr><th data-kind="text">status</th><th data-kind="text">point hash</th><th data-kind="text">model</th><th data-kind="text">dataset</th><th data-kind="text">method</th><th data-kind="number">defect rate</th><th data-kind="number">LRS share</th><th data-kind="text">distribution</th><th data-kind="number">LoRA rank</th><th data-kind="number">seed</th><th data-kind="text">error</th></tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

function provenanceHtml(dir: string, m: SweepManifest | null, plotlyVersion: string): string {
  const absDir = resolve(dir);
  const reproduce = `npx rramsim reproduce ${shellQuote(absDir)}`;
  if (!m) {
    return `<p>No manifest.json: provenance unknown.</p><p>Re-check the stored results with <code>${esc(reproduce)}</code>.</p>`;
  }
  const dd = (label: string, value: string | null | undefined, code = false, missing = 'not recorded') =>
    `<dt>${esc(label)}</dt><dd>${value === undefined || value === null || value === '' ? `<i>${esc(missing)}</i>` : code ? `<code>${esc(value)}</code>` : esc(value)}</dd>`;
  const flat = (o: Record<string, unknown> | null | undefined) =>
    o && typeof o === 'object' ? Object.entries(o).map(([k, v]) => `${k} ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : undefined;
  const versions = flat(m.versions);
  const command = typeof m.command === 'string' ? m.command : undefined;
  return `<dl class="prov">
${dd('sweep directory', absDir, true)}
${dd('config hash', m.configHash, true)}
${dd('git commit', m.gitCommit, true, 'not recorded (not run from a git checkout)')}
${dd('started', m.startedAt)}
${dd('finished', m.finishedAt, false, 'not finished (interrupted, or still running)')}
${dd('versions', versions)}
${dd('kernel backend and environment', flat(m.env), false, 'not recorded (written before rramsim recorded it: the wasm backend)')}
${dd('report drawn with', plotlyVersion)}
${dd('command that ran the sweep', command, true)}
${dd('re-run the whole sweep', command ? (command.startsWith('rramsim ') ? `npx ${command}` : command) : undefined, true)}
${dd('or from the embedded config', `npx rramsim sweep config.json --out ${shellQuote(absDir + '-rerun')}   (config.json: download below)`, true)}
${dd('re-run points and compare with the stored results', reproduce, true)}
</dl>
<p><button data-download="config">download config.json</button></p>
<h3>Dataset checksums</h3>
<pre id="dataset-checksums">${esc(JSON.stringify(m.datasetChecksums ?? null, null, 2))}</pre>
<h3>Config</h3>
<pre id="config">${esc(JSON.stringify(m.config ?? null, null, 2))}</pre>`;
}


const HOW_TO_READ = `<div class="help">
<p><b>Accuracy vs defect rate.</b> One panel per model × dataset. Each line is one training method (and variant); each point is the mean accuracy on the evaluation split over the seeds that finished. The bars depend on the number of seeds n: below 3 seeds they span the seeds' minimum to maximum and every seed is drawn as a hollow marker (a 95% interval from 2 values is ±12.7·s/√2, wider than anything the data say); from 3 seeds they are the 95% confidence interval of the mean (Student t with n − 1 degrees of freedom). The switch above the plots draws one band for every point instead (seed range, 95% CI, ± one sample standard deviation, none); the legend title says which band is drawn, and the y axis follows the data. The dashed line is the defect-free <code>ideal</code> network, the dotted one the same-budget <code>control</code>. Hover a point for its numbers, n and band.</p>
<p><b>Accuracy loss against the control.</b> Per method and rate, accuracy(method) − accuracy(control) of the same seed, averaged with the same band rule: the <code>control</code> method retrains the base with the same <code>retrain</code> budget on crossbars without stuck cells, so this is what the defects cost after the method. Without control points the panel says so and uses <code>ideal</code> (not the same budget).</p>
<p><b>LoRA.</b> Accuracy against the adapter rank, and accuracy against the number of cell writes spent on training or adaptation for every method: settings up and to the left buy more accuracy for fewer writes. The write axes are logarithmic (switch to linear above them); a method that writes nothing during training sits at the tick 0.</p>
<p><b>Defect maps.</b> One crossbar tile per defect distribution, cropped to the cells its layer uses (the title gives the tile size): grey cells are healthy, blue cells are stuck at HRS (high resistance, low conductance, "stuck-off"), red cells are stuck at LRS (low resistance, high conductance, "stuck-on"). The importance maps show where the important weights sit before and after the ITT-RNA mapping; a red outline marks a faulty cell (click it in the legend to hide them) and the title gives the share of total importance that sits on faulty cells.</p>
<p><b>Drift, wires, lifetime.</b> Accuracy against the time after programming (log axis; lines per refresh period), against the wire resistance per cell segment, and, for lifetime experiments, accuracy and worn-out cells against the adaptation round (mean over seeds; the dashed line is the lifetime threshold; the legend gives the mean number of rounds before accuracy first falls below it).</p>
<p><b>Table.</b> Every aggregated number per setting; a field is empty where the setting's method does not read it; click a header to sort. Accuracy columns are in %; the CSV download keeps fractions at full precision.</p>
</div>`;

export function renderPage(p: PageInput): string {
  const plotly = plotlySource();
  const m = p.manifest;
  const sections: Record<FigureSpec['section'], FigureSpec[]> = { accuracy: [], lora: [], multitask: [], defects: [], device: [] };
  for (const f of p.figures) sections[f.section].push(f);
  const data = {
    figures: p.figures,
    downloads: {
      jsonl: { name: 'results.jsonl', type: 'application/x-ndjson', text: p.rawJsonl },
      csv: { name: 'results_aggregated.csv', type: 'text/csv', text: p.csv },
      config: { name: 'config.json', type: 'application/json', text: JSON.stringify(m?.config ?? null, null, 2) + '\n' },
    },
  };
  const nOk = p.agg.points.filter((x) => x.status === 'ok').length;
  const title = `rramsim report: ${basename(resolve(p.dir))}`;
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";
  const nav = [
    ['accuracy', 'Accuracy'],
    ...(sections.lora.length ? [['lora', 'LoRA']] : []),
    ...(sections.multitask.length ? [['multitask', 'Many tasks']] : []),
    ...(sections.defects.length ? [['defects', 'Defect maps']] : []),
    ...(sections.device.length ? [['device', 'Drift, wires, lifetime']] : []),
    ['results', 'Table'],
    ['problems', 'Failed/missing'],
    ['provenance', 'Provenance'],
    ['help', 'How to read'],
  ];
  const bestAcc = p.agg.groups.filter((g) => g.stats.accuracy.mean !== null).length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="meta">${p.agg.points.length} point(s), ${nOk} ok, in ${p.agg.groups.length} setting(s) (${bestAcc} with results) · config hash <code>${esc(m?.configHash ?? 'unknown')}</code> · ${esc(m?.startedAt ?? '')}${m?.finishedAt ? ` → ${esc(m.finishedAt)}` : ''}</p>
<nav>${nav.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>
${warningBanner(p)}
<section id="accuracy"><h2>Accuracy vs defect rate</h2>
<div class="controls"><label for="errmode">Bands:</label><select id="errmode"><option value="auto" selected>by n: seed range (n &lt; 3) or 95% CI (n ≥ 3)</option><option value="range">seed range (min–max) and seeds</option><option value="ci">95% CI of the mean (Student t)</option><option value="std">± 1 std (sample)</option><option value="none">none</option></select></div>
${sections.accuracy.length ? `<div class="grid">${sections.accuracy.map(figureHtml).join('\n')}</div>` : '<p id="no-plots">No finished points to plot yet (see the warnings above).</p>'}
</section>
${sections.lora.length ? `<section id="lora"><h2>LoRA: rank and cell writes</h2><div class="controls"><label for="xscale">Write axes:</label><select id="xscale"><option value="log" selected>log</option><option value="linear">linear</option></select></div><div class="grid">${sections.lora.map(figureHtml).join('\n')}</div></section>` : ''}
${sections.multitask.length ? `<section id="multitask"><h2>Many tasks on one chip: accuracy matrices, accuracy and forgetting vs writes</h2><div class="grid" style="grid-template-columns: 1fr">${sections.multitask.map(figureHtml).join('\n')}</div></section>` : ''}
${sections.defects.length ? `<section id="defects"><h2>Defect maps</h2><div class="grid">${sections.defects.map(figureHtml).join('\n')}</div></section>` : ''}
${sections.device.length ? `<section id="device"><h2>Device physics over time and along the wires</h2><div class="grid">${sections.device.map(figureHtml).join('\n')}</div></section>` : ''}
<section id="results"><h2>Results by setting (mean over seeds)</h2>
<p><button data-download="jsonl">download raw results.jsonl</button><button data-download="csv">download table as CSV</button> ${p.table.rows.length} row(s); accuracy in % (${esc(String(pct(1)))} = all correct).</p>
<div class="tablewrap">${tableHtml(p.table, true)}</div>
</section>
<section id="problems"><h2>Failed and missing points (${p.agg.failed.length + p.agg.missing.length})</h2>
${problemsHtml([...p.agg.failed, ...p.agg.missing])}
</section>
<section id="provenance"><h2>Provenance</h2>
${provenanceHtml(p.dir, m, plotly.version)}
</section>
<section id="help"><h2>How to read this report</h2>${HOW_TO_READ}</section>
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${scriptText(plotly.source)}</script>
<script>${scriptText(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
