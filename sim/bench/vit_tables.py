#!/usr/bin/env python3
"""
Tables of the issue-19 ViT sweeps (reports/vit-*), read from their results.jsonl (last ok record
per point hash). Mean ± 2·std (sample std over seeds, n = 3) per group; "recovery" = accuracy of
the point − accuracy of `unaware` at the same rate and seed (paired by seed, then averaged).

  python3 sim/bench/vit_tables.py reports/vit-placement reports/vit-placement-digital reports/vit-halora reports/vit-mof

Definitions printed with the tables:
  cells written (unmerged, adapters on crossbars) = extra.adapterCells (every adapter cell is
      programmed at deployment; training then rewrites extra.adapterCellsWritten of them)
  cells written (merged) = extra.mergeCellsWritten (distinct base cells the merge rewrote)
  recovery per 1k cells = recovery (percentage points) / (cells written / 1000)
"""
import json, math, os, sys
from collections import defaultdict


def records(d):
    out = {}
    p = os.path.join(d, 'results.jsonl')
    if not os.path.exists(p):
        return []
    for line in open(p):
        try:
            r = json.loads(line)
        except Exception:
            continue
        if r.get('status') == 'ok':
            out[r['pointHash']] = r
    return list(out.values())


def ms(xs):
    n = len(xs)
    if n == 0:
        return float('nan'), float('nan'), 0
    m = sum(xs) / n
    s = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1)) if n > 1 else float('nan')
    return m, s, n


def fmt(xs, scale=100, digits=2):
    m, s, n = ms(xs)
    return f"{m * scale:.{digits}f} ± {2 * s * scale:.{digits}f} (n={n})"


def pl(r):
    p = r['point']['lora'].get('placement')
    if p is None:
        return '-'
    if len(p) == 8:
        return 'all'
    if p == ['mlp.fc1', 'mlp.fc2']:
        return 'mlp'
    return '+'.join(p)


def main(dirs):
    recs = [r for d in dirs for r in records(d)]
    unaware = {(r['point']['defects']['rate'], r['point']['seed']): r['metrics']['accuracy'] for r in recs if r['point']['method'] == 'unaware'}
    ideal = defaultdict(list)
    for r in recs:
        if r['point']['method'] == 'ideal':
            ideal[r['point']['dataset']].append(r['metrics']['accuracy'])
    for k, v in ideal.items():
        print(f"ideal (digital) {k}: {fmt(v)} %")
    groups = defaultdict(list)
    for r in recs:
        p = r['point']
        if p['method'] == 'ideal':
            continue
        lo = p['lora']
        key = (p['defects']['rate'], p['method'], lo.get('rank', 0), pl(r), lo.get('adapters', 'crossbar'),
               lo.get('halora', 0), ','.join(lo.get('experts', [])), 'noise' if lo.get('noise') else '')
        groups[key].append(r)
    print()
    print('| rate | method | r | placement | adapters | HaLoRA λ | experts | noise | accuracy % (mean ± 2 std) | recovery pp | merged acc % | merged recovery pp | adapter cells | merge cells written | rec./1k adapter cells | merged rec./1k merge cells | extra MACs/img | analog / digital MACs/img |')
    print('|' + '---|' * 18)
    for key in sorted(groups, key=lambda k: (k[0], ['unaware', 'fat', 'lora', 'lori'].index(k[1]), k[2], k[3], k[4], k[5], k[6])):
        rs = groups[key]
        rate, method, rank, place, adapters, hal, experts, noise = key
        acc = [r['metrics']['accuracy'] for r in rs]
        rec = [r['metrics']['accuracy'] - unaware[(rate, r['point']['seed'])] for r in rs if (rate, r['point']['seed']) in unaware]
        ex = [r['metrics'].get('extra', {}) for r in rs]
        merged = [e['mergedAccuracy'] for e in ex if 'mergedAccuracy' in e]
        mrec = [e['mergedAccuracy'] - unaware[(rate, r['point']['seed'])] for e, r in zip(ex, rs) if 'mergedAccuracy' in e and (rate, r['point']['seed']) in unaware]
        cells = ms([e.get('adapterCells', 0) for e in ex])[0]
        mcells = ms([e['mergeCellsWritten'] for e in ex if 'mergeCellsWritten' in e])[0]
        rec_m = ms(rec)[0]
        mrec_m = ms(mrec)[0]
        per = f"{rec_m * 100 / (cells / 1000):.3f}" if cells and rec else '-'
        mper = f"{mrec_m * 100 / (mcells / 1000):.3f}" if mcells and mrec else '-'
        macs = ms([r['metrics'].get('extraMacsPerImage', 0) for r in rs])[0]
        an = ms([e.get('analogMacsPerImage', e.get('macsPerImage', 0)) for e in ex])[0]
        dg = ms([e.get('digitalMacsPerImage', 0) for e in ex])[0]
        print(f"| {rate:g} | {method} | {rank or '-'} | {place} | {adapters if method == 'lora' else '-'} | {hal or '-'} | {experts or '-'} | {noise or '-'} | {fmt(acc)} | "
              f"{fmt(rec) if rec else '-'} | {fmt(merged) if merged else '-'} | {fmt(mrec) if mrec else '-'} | {cells:,.0f} | {mcells if mcells == mcells else 0:,.0f} | {per} | {mper} | {macs:,.0f} | {an:,.0f} / {dg:,.0f} |")


if __name__ == '__main__':
    main(sys.argv[1:])
