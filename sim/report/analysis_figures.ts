/**
 * Report panels of the opt-in analysis (`analysis`, records with metrics.analysis):
 *
 *   1. layer sensitivity (src/experiment/layer_sensitivity.ts), per model · dataset panel: for each
 *      weight layer k the accuracy drop Δ_k = a_ideal − a_k (percentage points) when only layer k is
 *      on its defective crossbar, one bar group per stuck-cell rate, mean over the seeds' chips:
 *      Δ̄_k = (1/S)·Σ_s Δ_{s,k}. The sensitivity is a property of the trained base and the chip, not
 *      of the method: each (seed, defects, device, crossbar) counts once whatever methods ran on it.
 *   2. histograms (src/experiment/histograms.ts) of chosen points: per panel and method the point of
 *      the highest stuck-cell rate and the lowest seed. Conductance: cells of every array summed per
 *      bin (arrays share the device's bins), stacked healthy G⁺ (or offset cells), healthy G⁻ and
 *      stuck, against the bin centre in µS. Weights: one line per array (bins differ per array),
 *      counts against the bin centre, log count axis.
 */
import type { PointSpec } from '../../src/experiment/point.js';
import type { ArrayHistograms, Histogram } from '../../src/experiment/histograms.js';
import { modelLabel } from '../../src/nn/model.js';
import { stableStringify } from '../../src/util/hash.js';
import type { Aggregate } from './aggregate.js';
import { baseLayout, pct, type FigureSpec, type Json } from './figures.js';

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const panelOf = (p: PointSpec) => `${modelLabel(p.model)} · ${p.dataset}`;
const centres = (h: Histogram) => h.counts.map((_, b) => (h.edges[b] + h.edges[b + 1]) / 2);

function sensitivityFigures(agg: Aggregate): FigureSpec[] {
  // panel → rate → chip key → drops per layer
  const panels = new Map<string, Map<number, Map<string, { layers: string[]; drop: number[] }>>>();
  for (const p of agg.points) {
    const s = p.record?.metrics?.analysis?.layerSensitivity;
    if (p.status !== 'ok' || !s) continue;
    const byRate = panels.get(panelOf(p.point)) ?? new Map();
    panels.set(panelOf(p.point), byRate);
    const chips = byRate.get(p.point.defects.rate) ?? new Map();
    byRate.set(p.point.defects.rate, chips);
    const { seed, defects, device, crossbar, train, trainLimit } = p.point;
    chips.set(stableStringify({ seed, defects, device, crossbar, train, trainLimit }), { layers: s.layers.map((l) => l.layer), drop: s.layers.map((l) => s.idealAccuracy - l.accuracy) });
  }
  const figs: FigureSpec[] = [];
  for (const [panel, byRate] of panels) {
    const traces: Record<string, Json>[] = [];
    for (const rate of [...byRate.keys()].sort((a, b) => a - b)) {
      const chips = [...byRate.get(rate)!.values()];
      const layers = chips[0].layers;
      const mean = layers.map((_, k) => chips.reduce((s, c) => s + c.drop[k], 0) / chips.length);
      traces.push({
        type: 'bar', name: `${pct(rate)}% stuck, n=${chips.length}`, x: layers, y: mean.map(pct),
        hovertemplate: `<b>%{x}</b> alone on the defective crossbar (${pct(rate)}%): accuracy drop %{y:.2f} points<extra></extra>`,
      });
    }
    const layout = baseLayout(`${panel}: per-layer defect sensitivity`, 'layer on the defective crossbar (all others digital)', 'accuracy drop (percentage points)');
    layout.barmode = 'group';
    figs.push({
      id: `sensitivity-${slug(panel)}`, section: 'defects', traces, layout, errors: [],
      caption: 'Accuracy lost by the trained base when only this layer is mapped onto its defective crossbar (every other layer ideal), mean over the seeds\' chips.',
    });
  }
  return figs;
}

function histogramFigures(agg: Aggregate): FigureSpec[] {
  const chosen = new Map<string, { point: PointSpec; h: ArrayHistograms[] }>();
  for (const p of agg.points) {
    const h = p.record?.metrics?.analysis?.histograms;
    if (p.status !== 'ok' || !h) continue;
    const key = `${panelOf(p.point)}\0${p.point.method}`;
    const cur = chosen.get(key);
    const better = !cur || p.point.defects.rate > cur.point.defects.rate || (p.point.defects.rate === cur.point.defects.rate && p.point.seed < cur.point.seed);
    if (better) chosen.set(key, { point: p.point, h });
  }
  const figs: FigureSpec[] = [];
  for (const { point, h } of chosen.values()) {
    const what = `${panelOf(point)} · ${point.method} · ${pct(point.defects.rate)}% · seed ${point.seed}`;
    const id = slug(`${panelOf(point)}-${point.method}`);
    const withCells = h.filter((a) => a.cells);
    if (withCells.length > 0) {
      const c0 = withCells[0].cells!;
      const x = c0.edgesSiemens.slice(0, -1).map((g, b) => ((g + c0.edgesSiemens[b + 1]) / 2) * 1e6);
      const sum = (pick: (a: ArrayHistograms) => Histogram | undefined) => x.map((_, b) => withCells.reduce((s, a) => s + (pick(a)?.counts[b] ?? 0), 0));
      const two = withCells.some((a) => a.cells!.gMinus);
      const traces: Record<string, Json>[] = [
        { type: 'bar', name: two ? 'healthy G⁺' : 'healthy (offset cells)', x, y: sum((a) => a.cells!.gPlus), marker: { color: '#1f77b4' } },
        ...(two ? [{ type: 'bar', name: 'healthy G⁻', x, y: sum((a) => a.cells!.gMinus), marker: { color: '#ff7f0e' } } as Record<string, Json>] : []),
        { type: 'bar', name: 'stuck', x, y: sum((a) => a.cells!.stuck), marker: { color: '#d62728' } },
      ];
      const layout = baseLayout(`${what}: conductances`, 'conductance (µS)', 'cells');
      layout.barmode = 'stack';
      layout.yaxis = { title: { text: 'cells (log)' }, type: 'log' };
      figs.push({ id: `hist-g-${id}`, section: 'defects', traces, layout, errors: [], caption: 'Conductance of every cell of the deployed network (all arrays), stuck cells apart.' });
    }
    const traces: Record<string, Json>[] = h.map((a) => ({ type: 'scatter', mode: 'lines', line: { shape: 'hvh' }, name: a.array, x: centres(a.weights), y: a.weights.counts }));
    const layout = baseLayout(`${what}: weights`, withCells.length ? 'weight realised by the cells' : 'weight', 'weights');
    layout.yaxis = { title: { text: 'weights (log)' }, type: 'log' };
    figs.push({ id: `hist-w-${id}`, section: 'defects', traces, layout, errors: [], caption: 'Weights of the deployed network per array (on crossbars: the weights the cells realise).' });
  }
  return figs;
}

export function analysisFigures(agg: Aggregate): FigureSpec[] {
  return [...sensitivityFigures(agg), ...histogramFigures(agg)];
}
