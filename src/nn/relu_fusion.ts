/**
 * ReLU fused into the layer before it (the native backend's BatchNorm → ReLU and residual sum →
 * ReLU pairs of ResNet-20 and VGG-8s):
 *
 *   producer output y' = r(y),  r(v) = v > 0 ? v : 0     (the value ReLU's forward stores from y)
 *   ReLU backward  dx = y' > 0 ? dy : 0                   (y' > 0 ⇔ y > 0: the same mask)
 *
 * A producer (a layer with `fuseRelu`) that is directly followed by a ReLU in the same chain (the
 * network's layer list, a residual block's body or shortcut) is given that ReLU once, when the
 * chain is built. When it can apply r inside its own output pass (native backend) it does, and
 * hands its output buffer to the ReLU (`ReLU.acceptFused`), which then returns that buffer instead
 * of writing its own; a producer that also applies the mask inside its own backward (BatchNorm)
 * says so, and the ReLU's backward hands dy through unchanged. Each value is computed by the same
 * float32 operations as the separate layers compute it, so results keep their bits; only a pass
 * over the activations (and the ReLU's buffers) is saved. When the producer cannot fuse (other
 * backends, a folded BatchNorm) both layers run as before.
 */
import { ReLU } from './relu.js';
import type { Layer } from './layer.js';

/** a layer that can apply the ReLU following it inside its own output pass */
export interface ReluProducer {
  fuseRelu(relu: ReLU): void;
}

function isProducer(l: Layer): l is Layer & ReluProducer {
  return typeof (l as Partial<ReluProducer>).fuseRelu === 'function';
}

/** links every producer directly followed by a ReLU in `chain` to that ReLU */
export function linkReluFusion(chain: readonly Layer[]): void {
  for (let i = 0; i + 1 < chain.length; i++) {
    const next = chain[i + 1];
    if (next instanceof ReLU && isProducer(chain[i])) (chain[i] as Layer & ReluProducer).fuseRelu(next);
  }
}
