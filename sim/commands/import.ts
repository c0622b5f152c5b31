/**
 * `rramsim import model.onnx [--out desc.json]`: read an ONNX network (src/onnx), convert it to
 * rramsim's model description and weights, build it, and print a summary (layers, weight layers,
 * model-state floats, the operators of the graph). With --out, write
 *   { format: 'rramsim-onnx-import/1', source, sourceSha256, model: ModelDesc, weightCount,
 *     weightsSha256, ops }
 * (the weights themselves stay in the .onnx file; weightsSha256 = Network.weightsSha256() of the
 * imported network identifies them). An unsupported operator or attribute is a UserError naming
 * it (exit 2). --out never overwrites an existing file unless --force.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadOnnxNetwork } from '../../src/onnx/load_onnx.js';
import { UserError } from '../../src/util/errors.js';

interface ImportArgs {
  model: string;
  out?: string;
  force?: boolean;
}

const command: CommandModule<object, ImportArgs> = {
  command: 'import <model>',
  describe: 'import an ONNX network (PyTorch export) as an rramsim model description; check which operators it uses',
  builder: (y: Argv<object>) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'the .onnx file' })
      .option('out', { type: 'string', describe: 'write the model description (JSON) here' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing --out file' }) as Argv<ImportArgs>,
  handler: (args) => {
    const path = resolve(args.model);
    if (args.out !== undefined && existsSync(resolve(args.out)) && !args.force) {
      throw new UserError(`--out: ${resolve(args.out)} exists (use --force to overwrite)`, 'out');
    }
    const imp = loadOnnxNetwork(path);
    const net = imp.net;
    const weightLayers = net.weightLayers();
    const lines = [
      `${path}: imported as model '${imp.desc.name}', input [C, H, W] = [${imp.desc.input.join(', ')}], ${net.classes} outputs`,
      `operators: ${Object.entries(imp.ops).map(([k, v]) => `${k} ×${v}`).join(', ')}`,
      `layers: ${net.allLayers().length} (${weightLayers.length} weight layers: ${weightLayers.map((l) => `${l.name} ${l.fanIn}x${l.fanOut}`).join(', ')})`,
      `model state: ${net.weightCount()} floats, sha256 ${net.weightsSha256()}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (args.out !== undefined) {
      const out = resolve(args.out);
      mkdirSync(dirname(out), { recursive: true });
      const doc = {
        format: 'rramsim-onnx-import/1',
        source: path,
        sourceSha256: imp.sha256,
        model: imp.desc,
        weightCount: net.weightCount(),
        weightsSha256: net.weightsSha256(),
        ops: imp.ops,
      };
      writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(`wrote ${out}\n`);
    }
  },
};
export default command;
