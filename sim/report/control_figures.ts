/**
 * Panel "accuracy loss against the control", one per model × dataset:
 *
 *   Δ(method, setting, seed) = accuracy(method, setting, seed) − accuracy(reference, seed)
 *
 * in percentage points, summarised over the seeds both have (stats.ts, the same band rule as the
 * accuracy panel: seed range for n < 3, 95% CI from 3). The reference is the same-budget
 * defect-free control (method `control`: the base retrained with the `retrain` budget on crossbars
 * without stuck cells, src/methods/control.ts), so Δ is what the defects cost after the method with
 * the effect of the extra training factored out. A sweep without control points says so and falls
 * back to `ideal` (the digital base, no retraining: "not same-budget"); without either the panel
 * says there is nothing to compare with.
 *
 * The reference point of a setting is the reference group of the same seed whose training fields
 * (train, trainLimit, retrainLimit, retrain, device, crossbar, pool) agree with the setting's on the
 * most fields (the first on a tie).
 */
import { stableStringify } from '../../src/util/hash.js';
import type { GroupStats } from './aggregate.js';
import type { ErrorSet, Json } from './bands.js';
import { baseLayout, hoverStats, lineTraces, linesBy, pct, variantFields, type FigureSpec } from './figures.js';
import { summarise } from './stats.js';

const MATCH_FIELDS = ['train', 'trainLimit', 'retrainLimit', 'retrain', 'device', 'crossbar', 'pool'] as const;

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** the reference group of `g` among `refs`: most training fields equal */
export function referenceOf(g: GroupStats, refs: GroupStats[]): GroupStats | undefined {
  let best: GroupStats | undefined;
  let bestScore = -1;
  for (const r of refs) {
    let score = 0;
    for (const f of MATCH_FIELDS) {
      const a = (g.point as unknown as Record<string, unknown>)[f];
      const b = (r.point as unknown as Record<string, unknown>)[f];
      if (stableStringify(a ?? null) === stableStringify(b ?? null)) score++;
    }
    if (score > bestScore) { best = r; bestScore = score; }
  }
  return best;
}

/** `g` with its accuracies replaced by Δ against `ref` on the seeds both have (undefined: none shared) */
export function deltaGroup(g: GroupStats, ref: GroupStats): GroupStats | undefined {
  const refAcc = new Map<number, number>();
  ref.seeds.forEach((s, i) => { const a = ref.accuracies[i]; if (a !== null && a !== undefined) refAcc.set(s, a); });
  const seeds: number[] = [];
  const deltas: number[] = [];
  g.seeds.forEach((s, i) => {
    const a = g.accuracies[i];
    const r = refAcc.get(s);
    if (a === null || a === undefined || r === undefined) return;
    seeds.push(s);
    deltas.push(a - r);
  });
  if (deltas.length === 0) return undefined;
  return { ...g, seeds, accuracies: deltas, stats: { ...g.stats, accuracy: summarise(deltas) } };
}

export function lossVsControl(panel: string, groups: GroupStats[]): FigureSpec {
  const withResults = groups.filter((g) => g.stats.accuracy.n > 0);
  const controls = withResults.filter((g) => g.fields.method === 'control');
  const ideals = withResults.filter((g) => g.fields.method === 'ideal');
  const refs = controls.length > 0 ? controls : ideals;
  const refName = controls.length > 0 ? 'control' : 'ideal';
  const id = `loss-${slug(panel)}`;
  const title = `${panel}: accuracy loss vs ${controls.length > 0 ? 'control (same budget)' : ideals.length > 0 ? 'ideal (not same-budget)' : 'control'}`;
  const layout = baseLayout(title, 'stuck cells (% of all cells)', `accuracy − ${refName} (percentage points)`);
  if (refs.length === 0) {
    layout.annotations = [{ text: "No control (method 'control') or ideal points in this panel: nothing to compare with.", showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5 }];
    layout.xaxis = { visible: false };
    layout.yaxis = { visible: false };
    return { id, section: 'accuracy', traces: [], layout, errors: [], caption: "No control points in this sweep (add method 'control' to compare every method with the same retraining budget on a defect-free chip), and no ideal points either." };
  }
  const derived: GroupStats[] = [];
  for (const g of withResults) {
    if (g.fields.method === 'ideal' || g.fields.method === 'control') continue;
    const r = referenceOf(g, refs);
    const d = r && deltaGroup(g, r);
    if (d) derived.push(d);
  }
  const variants = variantFields(derived, ['defects.rate']);
  const lines = linesBy(derived, 'defects.rate', variants);
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  lineTraces(lines, (g) => pct(Number(g.fields['defects.rate'])), 'stuck cells %{x}%', errors, traces, hoverStats(`accuracy − ${refName}`, ' pp'));
  const rates = derived.map((g) => pct(Number(g.fields['defects.rate'])));
  traces.push({
    type: 'scatter',
    mode: 'lines',
    name: controls.length > 0 ? '0 = control (same budget, no defects)' : '0 = ideal (not same-budget)',
    x: [0, rates.length ? Math.max(...rates) : 1],
    y: [0, 0],
    line: { color: '#444444', dash: 'dash', width: 1.2 },
    hoverinfo: 'skip',
  });
  layout.yaxis = { title: { text: `accuracy − ${refName} (percentage points)` }, range: [-1, 1], zeroline: false };
  const n = refs.reduce((s, r) => s + r.stats.accuracy.n, 0);
  const caption = controls.length > 0
    ? `Per method and rate: accuracy(method) − accuracy(control) of the same seed, mean over seeds (control: the base retrained with the same retrain budget on defect-free crossbars; ${n} control run(s)). Below 0: the defects still cost accuracy after the method.`
    : `No control points in this sweep (method 'control'): the reference is ideal (the digital base, no retraining), not the same budget; a method's retraining can put it above 0. ${n} ideal run(s).`;
  return { id, section: 'accuracy', traces, layout, errors, caption };
}
