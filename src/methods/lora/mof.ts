/**
 * MoF-LoRA-style experts (after MoF-LoRA, JETCAS 2026): one LoRA adapter per
 * non-ideality, each trained (digital adapters, point.retrain) on the frozen trained base W0
 * under that non-ideality alone, then all merged into the base BEFORE it is mapped:
 *
 *   expert 'stuck': base deployed on the point's defective crossbars (the unaware deployment, the
 *                   same defect map the chip has), adapter trained through it    → ΔW_stuck
 *   expert 'prog':  base digital with programming-variation noise, every base weight
 *                   w + σ·wMax·ε redrawn every k steps (noise_aware.ts, lora.noise {sigma, every})
 *                                                                                → ΔW_prog
 *   W' = W0 + Σ_e ΔW_e,   ΔW_e = (α/r)·A_e·B_e   (adapted layers: lora.placement / lora.layers)
 *
 * W' is then programmed onto the defective crossbars (a Deployment of the merged network: the
 * programming is extra.programWrites, as for unaware) and evaluated: metrics.accuracy. No adapter
 * arrays remain (extraMacsPerImage 0). Shuffle streams `mof/<expert>/lora/shuffle/epoch<k>`; both
 * experts start from the same A init (`lora/<layer>/A`). The sum (not an average, no gating) is
 * this simulator's choice: the paper's router is not modelled. Drift is not an expert here (no
 * drift model on the training path yet).
 */
import type { Network } from '../../nn/network.js';
import { evaluate } from '../../nn/train.js';
import { Deployment, finishMetrics } from '../deploy.js';
import type { MethodContext } from '../method_context.js';
import type { PointMetrics } from '../method_metrics.js';
import type { LoraOptions } from '../method_options.js';
import { unawareDeployment } from '../unaware.js';
import { adaptNetwork } from './method.js';
import { loraDelta } from './merge.js';

/**
 * MoF on the trained network `trainedBase()` returns: a new copy of the same trained network on
 * every call (one per expert and one for the merge).
 */
export async function mof(trainedBase: () => Network | Promise<Network>, point: LoraOptions, ctx: MethodContext): Promise<PointMetrics> {
  const t0 = ctx.startedAt ?? performance.now();
  const experts = point.lora.experts ?? [];
  const sum = new Map<string, Float32Array>();
  const extra: Record<string, number | string | boolean | null> = { experts: experts.join(','), rank: point.lora.rank };
  let adapterParams = 0;
  for (const e of experts) {
    let net;
    if (e === 'stuck') {
      const d = unawareDeployment(await trainedBase(), point);
      extra.baseAccuracy = evaluate(d.net, ctx.dataset.eval).accuracy;
      net = d.net;
    } else {
      net = await trainedBase();
    }
    const noise = e === 'prog' ? point.lora.noise : undefined;
    if (e === 'prog' && !noise) throw new Error('mof: expert prog needs lora.noise (checked at planning)');
    const res = adaptNetwork(net, point, ctx, 'lora', 'digital', noise, `mof/${e}`);
    extra[`expert_${e}_accuracy`] = evaluate(net, ctx.dataset.eval).accuracy;
    for (const l of net.weightLayers()) {
      const op = res.ops.find((o) => o === l.op);
      if (!op) continue;
      const dW = loraDelta(op);
      const acc = sum.get(l.name);
      if (acc) for (let i = 0; i < acc.length; i++) acc[i] += dW[i];
      else sum.set(l.name, Float32Array.from(dW));
      adapterParams += op.A.value.length + op.B.value.length;
    }
  }
  // merge Σ ΔW_e into W0, then map the merged network onto the defective chip
  const base = await trainedBase();
  let changed = 0;
  for (const l of base.weightLayers()) {
    const dW = sum.get(l.name);
    if (!dW) continue;
    const w = l.op.weight.value;
    for (let i = 0; i < w.length; i++) { const v = w[i] + dW[i]; if (v !== w[i]) changed++; w[i] = v; }
  }
  const d = new Deployment(base, point, true);
  extra.mergedWeightsChanged = changed;
  extra.adapterParams = adapterParams;
  const m = finishMetrics(d.net, ctx, { t0, deployment: d, trainableParams: adapterParams, extra });
  m.extra!.mergedAccuracy = m.accuracy;
  return m;
}
