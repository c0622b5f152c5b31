// LoRA adapters on a LeNet-5 deployed on defective crossbars: the adapters live on crossbars of
// their own, the base arrays are never rewritten; prints the cell writes of the adaptation.
// Run: npm run build && node examples/lora_lenet5_writes.mjs
import { DEFAULT_TRAIN, buildModel, loadDataset, presetDesc, runMethod, train } from 'rramsim';

const data = await loadDataset('mnist-embedded');
const net = buildModel(presetDesc('lenet5', { input: data.shape }), 0);
train(net, data.train, { ...DEFAULT_TRAIN, epochs: 1, lr: 0.05 }, { seed: 0, limit: 4000 });

const m = runMethod('lora', net, data, {
  defects: { rate: 0.1 }, // 10 % stuck cells, half at LRS, uniform
  lora: { rank: 4 },
  retrain: { epochs: 1, lr: 0.02 },
  trainLimit: 2000,
  log: (line) => console.log(`  ${line}`),
});
console.log(`base on the defective crossbars: accuracy ${m.extra.baseAccuracy.toFixed(4)}`);
console.log(`with rank-4 adapters:           accuracy ${m.accuracy.toFixed(4)}`);
console.log(`cell writes of the adaptation: ${m.cellWrites} (adapter programming ${m.extra.adapterProgramWrites}, base arrays ${m.extra.baseWrites})`);
console.log(`merged into the base arrays: accuracy ${m.extra.mergedAccuracy.toFixed(4)}, ${m.extra.mergeWrites} writes`);
