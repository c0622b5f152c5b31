/**
 * `rramsim import model.onnx [--out desc.json]`: read an ONNX network (src/onnx), convert it to
 * rramsim's model description and weights, build it, and print a summary (src/onnx/import_summary.ts:
 * the operators, where BatchNorm is — kept, or folded into the convolutions by the exporter — the
 * crossbar rows x cols of each weight layer, the model-state floats). With --out, write
 *   { format: 'rramsim-onnx-import/1', source, sourceSha256, model: ModelDesc, weightCount,
 *     weightsSha256, ops }
 * (the weights themselves stay in the .onnx file; weightsSha256 = Network.weightsSha256() of the
 * imported network identifies them). An unsupported operator or attribute is a UserError naming
 * it (exit 2). --out replaces only a description rramsim import wrote (its first field is that
 * format), anything else only with --force; its directory must exist (src/util/output_file.ts); the
 * write is atomic. Names from the file (operators, layers, the path) print through printable().
 */
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { importSummary } from '../../src/onnx/import_summary.js';
import { loadOnnxNetwork } from '../../src/onnx/load_onnx.js';
import { writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { checkOutputFile } from '../../src/util/output_file.js';
import { printable } from '../../src/util/safe_text.js';

const FORMAT = 'rramsim-onnx-import/1';
/** the first bytes of a description rramsim import wrote */
const isOwn = (head: string) => head.startsWith(`{\n  "format": "${FORMAT}"`);

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
      .option('force', { type: 'boolean', default: false, describe: 'let --out replace an existing file rramsim import did not write' }) as Argv<ImportArgs>,
  handler: (args) => {
    const path = resolve(args.model);
    if (args.out !== undefined) checkOutputFile(args.out, { flag: '--out', force: args.force === true, what: 'a description rramsim import wrote', isOwn });
    const imp = loadOnnxNetwork(path);
    const net = imp.net;
    const lines = importSummary(path, imp, net);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (args.out !== undefined) {
      const out = resolve(args.out);
      const doc = {
        format: FORMAT,
        source: path,
        sourceSha256: imp.sha256,
        model: imp.desc,
        weightCount: net.weightCount(),
        weightsSha256: net.weightsSha256(),
        ops: imp.ops,
      };
      writeFileAtomicSync(out, `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(`wrote ${printable(out)}\n`);
    }
  },
};
export default command;
