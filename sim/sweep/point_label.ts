/**
 * Short human label of a point for progress output: the values of the grid's varying fields
 * (e.g. "method=fat defects.rate=0.1 seed=1"), or a fixed summary when nothing varies. Values come
 * from a config or a results file: the label passes through printable() (control characters escaped).
 */
import type { Axis } from '../../src/config/expand.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { modelLabel } from '../../src/nn/model.js';
import { printable } from '../../src/util/safe_text.js';

export function pointLabel(p: PointSpec, varying: Axis[] = []): string {
  return printable(rawLabel(p, varying));
}

function rawLabel(p: PointSpec, varying: Axis[]): string {
  if (varying.length === 0) {
    return `${modelLabel(p.model)}/${p.dataset} ${p.method} rate=${p.defects.rate} seed=${p.seed}`;
  }
  return varying
    .map((a) => {
      let v: unknown = p;
      for (const k of a.path) v = (v as Record<string, unknown> | undefined)?.[k];
      if (a.path.length === 1 && a.path[0] === 'model') v = modelLabel(p.model);
      return v === undefined ? '' : `${a.path.join('.')}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
    })
    .filter((s) => s)
    .join(' ');
}
