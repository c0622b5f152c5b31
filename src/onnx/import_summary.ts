/**
 * The summary `rramsim import` prints for an imported network (one fact per line):
 *
 *   <file>: imported as model '<name>', input [C, H, W] = [...], <classes> outputs
 *   operators: Conv ×7, Relu ×6, …, Identity ×4 (4 alias a shared initializer)
 *   BatchNorm: <where it is: see below>
 *   layers: <all layers> (<k> weight layers)
 *   crossbar rows x cols per weight layer: conv1 27x8, block1.conv1 72x8, …, fc1 16x10
 *   model state: <floats> floats, sha256 <hex>
 *
 * Crossbar shape = the weight matrix as mapped onto the arrays: rows = fan-in (word lines: a
 * kh×kw×C_in → C_out conv is (kh·kw·C_in) x C_out, a 3x3x16→32 conv 144x32; a dense layer
 * inputs x outputs), cols = outputs (bit lines); tiling splits it further (crossbar.tile).
 *
 * BatchNorm, as it arrived and as rramsim treats it:
 *   - BatchNormalization nodes in the graph: imported as batchnorm layers, digital at deployment by
 *     default (`crossbar.batchNorm: 'digital'`); `crossbar.batchNorm: 'fold'` folds those that
 *     directly follow a conv/dense layer into its crossbar weights (counted with foldBatchNorm on
 *     a copy), the others stay digital;
 *   - none, and Conv weights the exporter computed ('onnx::…' names, ImportedModel.batchNorm): the
 *     exporter folded BatchNorm into the convolutions (torch.onnx.export's default eval-mode
 *     export with constant folding); the crossbars hold the folded weights, nothing is left to fold;
 *   - otherwise: no BatchNorm in the graph.
 */
import { foldBatchNorm } from '../nn/fold_batch_norm.js';
import type { Network } from '../nn/network.js';
import { printable } from '../util/safe_text.js';
import type { ImportedModel } from './import_onnx.js';

/** One sentence on where the imported network's BatchNorm is (see the header). */
export function batchNormSummary(imp: ImportedModel, net: Network): string {
  const { kept, convs, exporterConvs } = imp.batchNorm;
  if (kept > 0) {
    const foldable = foldBatchNorm(net.clone()).length;
    const rest = kept - foldable;
    return `BatchNorm: kept (${kept} BatchNormalization node${kept === 1 ? '' : 's'} imported as batchnorm layers); ` +
      `digital at deployment by default (crossbar.batchNorm 'digital'); crossbar.batchNorm 'fold' folds the ${foldable} ` +
      `that directly follow a conv/dense layer into its crossbar weights${rest > 0 ? ` and keeps ${rest} digital` : ''}`;
  }
  if (exporterConvs > 0) {
    return `BatchNorm: arrived folded into the convolutions by the exporter (no BatchNormalization nodes; ${exporterConvs} of ${convs} ` +
      "Conv weights are constants the exporter computed, 'onnx::…', as torch.onnx.export's default constant folding writes " +
      'them): the crossbars hold the folded weights, nothing left for rramsim to fold (export with ' +
      'training=TrainingMode.PRESERVE, do_constant_folding=False to keep BatchNorm as its own digital layer)';
  }
  return 'BatchNorm: none in the graph';
}

/** The summary lines (see the header); `path` is the file as the user named it. */
export function importSummary(path: string, imp: ImportedModel, net: Network): string[] {
  const weightLayers = net.weightLayers();
  const ops = Object.entries(imp.ops).map(([k, v]) => {
    const note = k === 'Identity' && imp.constantAliases > 0 ? ` (${imp.constantAliases} alias a shared initializer)` : '';
    return `${printable(k)} ×${v}${note}`;
  });
  return [
    `${printable(path)}: imported as model '${printable(imp.desc.name)}', input [C, H, W] = [${imp.desc.input.join(', ')}], ${net.classes} outputs`,
    `operators: ${ops.join(', ')}`,
    batchNormSummary(imp, net),
    `layers: ${net.allLayers().length} (${weightLayers.length} weight layers)`,
    `crossbar rows x cols per weight layer: ${weightLayers.map((l) => `${printable(l.name)} ${l.op.rows}x${l.op.cols}`).join(', ')}`,
    `model state: ${net.weightCount()} floats, sha256 ${net.weightsSha256()}`,
  ];
}
