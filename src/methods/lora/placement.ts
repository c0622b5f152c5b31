/**
 * LoRA placement by role: `lora.placement` names adapter roles instead of layers.
 *
 *   role        layers it selects (every block)            ViT names
 *   q, k, v, o  attention projections W_q, W_k, W_v, W_o  <block>.attn.q / .k / .v / .o
 *   embedding   patch or token embedding                   patch<k> (PatchEmbedding), embed<k> (Embedding)
 *   mlp.fc1     MLP first layer (D → M)                    <block>.mlp.fc1
 *   mlp.fc2     MLP second layer (M → D)                   <block>.mlp.fc2
 *   head        the classifier: the LAST weight layer      head
 *
 * A role that matches no weight layer of the model is a UserError naming `lora.placement[i]`,
 * the model and the roles the model has.
 */
import { Embedding } from '../../nn/embedding.js';
import { PatchEmbedding } from '../../nn/patch_embedding.js';
import { UserError } from '../../util/errors.js';
import { LORA_PLACEMENTS, type LoraPlacement } from './lora_spec.js';

/** the role of weight layer `l` (index i of `count` weight layers), or null */
export function placementRole(l: { name: string }, i: number, count: number): LoraPlacement | null {
  if (i === count - 1) return 'head';
  if (l instanceof PatchEmbedding || l instanceof Embedding) return 'embedding';
  const m = /\.(attn\.(q|k|v|o)|mlp\.fc[12])$/.exec(l.name);
  if (!m) return null;
  return (m[2] ?? m[1]) as LoraPlacement;
}

/** names of the weight layers the roles select, in weightLayers() order */
export function placementLayers(
  layers: { name: string; role: LoraPlacement | null }[], placement: readonly string[], at = 'lora.placement', model = 'the model',
): string[] {
  const present = new Set(layers.map((l) => l.role).filter((r): r is LoraPlacement => r !== null));
  placement.forEach((r, i) => {
    if (!(LORA_PLACEMENTS as readonly string[]).includes(r)) {
      throw new UserError(`${at}[${i}]: unknown placement '${r}'; allowed: ${LORA_PLACEMENTS.join(', ')}`, `${at}[${i}]`);
    }
    if (!present.has(r as LoraPlacement)) {
      throw new UserError(`${at}[${i}]: '${r}' matches no weight layer of ${model}; its roles: ${[...present].join(', ')}`, `${at}[${i}]`);
    }
  });
  return layers.filter((l) => l.role !== null && placement.includes(l.role)).map((l) => l.name);
}

/** roles of a network's weight layers (for placementLayers) */
export function rolesOf<L extends { name: string }>(layers: L[]): { name: string; role: LoraPlacement | null }[] {
  return layers.map((l, i) => ({ name: l.name, role: placementRole(l, i, layers.length) }));
}
