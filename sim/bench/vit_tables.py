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
        if experts:
            adapters = 'merged before mapping'
        print(f"| {rate:g} | {method} | {rank or '-'} | {place} | {adapters if method == 'lora' else '-'} | {hal or '-'} | {experts or '-'} | {noise or '-'} | {fmt(acc)} | "
              f"{fmt(rec) if rec else '-'} | {fmt(merged) if merged else '-'} | {fmt(mrec) if mrec else '-'} | {cells:,.0f} | {mcells if mcells == mcells else 0:,.0f} | {per} | {mper} | {macs:,.0f} | {an:,.0f} / {dg:,.0f} |")


def paired(dirs):
    """paired differences (same seed, same rate) between two groups: mean ± 2·std over seeds"""
    recs = [r for d in dirs for r in records(d)]

    def key(r, metric):
        p = r['point']
        lo = p['lora']
        return (p['method'], p['defects']['rate'], lo.get('rank', 0), pl(r), lo.get('adapters', 'crossbar'), lo.get('halora', 0),
                ','.join(lo.get('experts', [])), bool(lo.get('noise')))

    by = {}
    for r in recs:
        by[key(r, None) + (r['point']['seed'],)] = r

    def acc(r, metric):
        return r['metrics']['accuracy'] if metric == 'accuracy' else r['metrics']['extra'][metric]

    def diff(label, a, b, ma='accuracy', mb='accuracy'):
        ds = []
        for k, r in by.items():
            if k[:-1] == a and k[:-1][:0] == () and (b + (k[-1],)) in by:
                ds.append(acc(r, ma) - acc(by[b + (k[-1],)], mb))
        if ds:
            print(f"| {label} | {fmt(ds)} |")

    print()
    print('| paired difference (same rate and seed) | pp, mean ± 2 std |')
    print('|---|---|')
    for rate in (0.1, 0.2):
        for rank in (4, 8):
            for ad in ('crossbar', 'digital'):
                diff(f"{rate:g}: Q+K − Q+V, r {rank}, adapters {ad}", ('lora', rate, rank, 'q+k', ad, 0, '', False), ('lora', rate, rank, 'q+v', ad, 0, '', False))
    for place in ('q+v', 'q+k', 'q+k+v+o', 'mlp', 'all'):
        diff(f"0.2: digital − crossbar adapters, r 4, {place}", ('lora', 0.2, 4, place, 'digital', 0, '', False), ('lora', 0.2, 4, place, 'crossbar', 0, '', False))
    for rate in (0.1, 0.2):
        for rank in (4, 8):
            for place in ('q+v', 'q+k', 'q+k+v+o', 'mlp', 'all'):
                diff(f"{rate:g}: merged − unmerged, r {rank}, {place}", ('lora', rate, rank, place, 'crossbar', 0, '', False), ('lora', rate, rank, place, 'crossbar', 0, '', False), 'mergedAccuracy', 'accuracy')
    diff('0.2: HaLoRA λ 0.05 − λ 0 (r 4, q+v, noise-aware)', ('lora', 0.2, 4, 'q+v', 'crossbar', 0.05, '', True), ('lora', 0.2, 4, 'q+v', 'crossbar', 0, '', True))
    diff('0.2: noise-aware − plain (r 4, q+v, crossbar adapters)', ('lora', 0.2, 4, 'q+v', 'crossbar', 0, '', True), ('lora', 0.2, 4, 'q+v', 'crossbar', 0, '', False))
    diff('0.2: MoF [stuck, prog] − MoF [stuck]', ('lora', 0.2, 4, 'q+v', 'crossbar', 0, 'stuck,prog', True), ('lora', 0.2, 4, 'q+v', 'crossbar', 0, 'stuck', True))
    diff('0.2: MoF [stuck] − LoRA r 4 q+v merged (crossbar-trained)', ('lora', 0.2, 4, 'q+v', 'crossbar', 0, 'stuck', True), ('lora', 0.2, 4, 'q+v', 'crossbar', 0, '', False), 'accuracy', 'mergedAccuracy')
    diff('0.2: MoF [stuck, prog] − LoRA r 4 q+v merged (crossbar-trained)', ('lora', 0.2, 4, 'q+v', 'crossbar', 0, 'stuck,prog', True), ('lora', 0.2, 4, 'q+v', 'crossbar', 0, '', False), 'accuracy', 'mergedAccuracy')
    for rate in (0.1, 0.2):
        diff(f"{rate:g}: fat − unaware", ('fat', rate, 0, '-', 'crossbar', 0, '', False), ('unaware', rate, 0, '-', 'crossbar', 0, '', False))


if __name__ == '__main__':
    main(sys.argv[1:])
    paired(sys.argv[1:])
