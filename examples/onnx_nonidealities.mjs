// An ONNX network (exported from PyTorch) evaluated on crossbars with stuck cells, read noise and
// IR drop (line resistance), each added in turn.
// Run: npm run build && node examples/onnx_nonidealities.mjs [file.onnx]
import { fileURLToPath } from 'node:url';
import { DEFAULT_TRAIN, convertToAnalog, evaluate, loadDataset, loadOnnxNetwork, train } from 'rramsim';

// default: the repository's test fixture, an MLP 784-32-10 exported untrained by torch.onnx.export
const file = process.argv[2] ?? fileURLToPath(new URL('../test/fixtures/onnx/mlp.onnx', import.meta.url));
const data = await loadDataset('mnist-embedded');
const { net, desc } = loadOnnxNetwork(file);
console.log(`imported ${desc.name}: ${net.weightLayers().map((l) => `${l.name} ${l.op.rows}x${l.op.cols}`).join(', ')}`);
// the fixture is untrained: fine-tune it digitally first (an exported trained network needs no training)
train(net, data.train, { ...DEFAULT_TRAIN, epochs: 1 }, { seed: 0, limit: 2000 });
console.log(`digital:                      accuracy ${evaluate(net, data.eval).accuracy.toFixed(4)}`);

const settings = [
  ['5 % stuck cells', { defects: { rate: 0.05 } }],
  ['+ read noise 2 %', { defects: { rate: 0.05 }, device: { readSigma: 0.02 } }],
  ['+ IR drop (2 ohm wire segments)', { defects: { rate: 0.05 }, device: { readSigma: 0.02 }, crossbar: { lineResistance: { rWire: 2 } } }],
];
for (const [what, options] of settings) {
  const copy = net.clone();
  convertToAnalog(copy, { ...options, seed: 1 });
  console.log(`${what.padEnd(29)} accuracy ${evaluate(copy, data.eval).accuracy.toFixed(4)}`);
}
