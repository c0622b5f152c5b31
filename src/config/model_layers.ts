/**
 * Weight-matrix shapes of the built-in models, as the crossbar sees them (rows = fan-in,
 * cols = outputs; conv kernels unrolled to kh·kw·C rows): used to validate `lora.layers` names
 * and `lora.rank` before any work starts.
 *   mlp:    784-300-100-10               fc1 784x300, fc2 300x100, fc3 100x10
 *   lenet5: conv 6@5x5 pad 2, pool, conv 16@5x5, pool, fc 120, fc 84, fc 10 (28x28x1 input)
 *           conv1 25x6, conv2 150x16, fc1 400x120, fc2 120x84, fc3 84x10
 * Layer names follow the model builder (src/nn): conv<k> / fc<k>, numbered from 1 per kind.
 */
import type { ModelName } from '../methods/point.js';

export interface LayerShape {
  name: string;
  rows: number;
  cols: number;
}

export const MODEL_LAYERS: Record<ModelName, LayerShape[]> = {
  mlp: [
    { name: 'fc1', rows: 784, cols: 300 },
    { name: 'fc2', rows: 300, cols: 100 },
    { name: 'fc3', rows: 100, cols: 10 },
  ],
  lenet5: [
    { name: 'conv1', rows: 25, cols: 6 },
    { name: 'conv2', rows: 150, cols: 16 },
    { name: 'fc1', rows: 400, cols: 120 },
    { name: 'fc2', rows: 120, cols: 84 },
    { name: 'fc3', rows: 84, cols: 10 },
  ],
};
