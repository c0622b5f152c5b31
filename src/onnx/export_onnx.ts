/**
 * rramsim Network → ONNX ModelProto bytes (opset 13, IR 7, float32), the inverse of import_onnx.ts,
 * so that PyTorch-side tools (onnxruntime, onnx2torch, deployment flows) run the network:
 *
 *   input 'input' [N, C, H, W] (NCHW; a description whose input is [F, 1, 1] starting with a
 *   flatten takes [N, F]); output 'logits' [N, classes]; N is symbolic.
 *
 * Layers → nodes (rramsim is NHWC with weights rows = fan-in x cols = outputs; ONNX is NCHW/OIHW):
 *   conv2d      Conv W[o, c, ky, kx] = w[(ky·kw + kx)·C + c][o], bias B, pads [p, p, p, p], strides
 *   dense       Gemm transB = 1, B[o, i] = w[r][o] with i = the ONNX feature of rramsim row r (below)
 *   relu        Relu;  maxpool2d / avgpool2d  MaxPool / AveragePool (kernel k, stride s, no padding)
 *   globalavgpool  GlobalAveragePool then Flatten;  flatten  Flatten (axis 1)
 *   batchnorm   BatchNormalization (scale γ, B β, running mean, running var, epsilon ε,
 *               momentum 1 − ρ); a BatchNorm folded at deployment (BatchNorm.folded) is the
 *               identity and writes no node (its γ/σ and β are in the preceding layer's weights)
 *   residual    the body from x, the shortcut from x (none = x itself), Add(body, shortcut)
 * Anything else (transformer layers, embeddings, …) is a UserError naming the layer and the
 * supported kinds, thrown before any byte is produced.
 *
 * Flatten order: rramsim flattens [H, W, C] as r = (h·W + w)·C + c, ONNX flattens C×H×W as
 * i = c·H·W + h·W + w. The exporter keeps the ONNX tensor NCHW and carries, for a flat tensor, the
 * map r → i; element-wise layers (ReLU, BatchNorm with its parameters permuted) keep it, and the
 * next dense layer consumes it (its Gemm columns follow i). A dense layer reading an [H, W, C]
 * tensor directly gets a Flatten node first. This is exactly what import_onnx.ts undoes, so
 * import → export → import gives identical weights.
 *
 * Weights (`ExportOptions.weights`):
 *   'trained'    each weight layer's logical weights op.weight (what the method trained or
 *                programmed as its target); a LoRA op (LoraMatrixOp: base + adapters) is merged:
 *                W0 + s·A·B, summed in float64 and rounded once
 *   'effective'  what the crossbar realises: an op with effectiveWeights() (CrossbarMatrixOp: stuck
 *                cells, quantised levels, programming variation) gives those; a LoRA op gives
 *                effective(base) + ΔW with the merge's own ΔW = opB(s·opA(I)) (lora/merge.ts,
 *                loraDelta); any other op its product with the identity in inference mode,
 *                W_used = op(I) (lora/merge.ts, usedWeights); a plain digital op its weights.
 *                Read-path effects that are no weight (converters, read noise, line resistance)
 *                are not representable and left out.
 * Biases, BatchNorm parameters and statistics are digital: exported as they are.
 */
import { BatchNorm } from '../nn/batch_norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dense } from '../nn/dense.js';
import { Flatten } from '../nn/flatten.js';
import { GlobalAvgPool } from '../nn/global_avg_pool.js';
import type { Layer } from '../nn/layer.js';
import { DigitalMatrixOp, type MatrixOp } from '../nn/matrix_op.js';
import { AvgPool2d } from '../nn/avg_pool2d.js';
import { MaxPool2d } from '../nn/max_pool2d.js';
import type { Network } from '../nn/network.js';
import { ReLU } from '../nn/relu.js';
import { ResidualBlock } from '../nn/residual_block.js';
import type { WeightLayer } from '../nn/weight_layer.js';
import { UserError } from '../util/errors.js';
import { LoraMatrixOp } from '../methods/lora/lora_matrix_op.js';
import { loraDelta, usedWeights } from '../methods/lora/merge.js';
import { modelProto } from './read_onnx.js';

export const EXPORT_WEIGHTS = ['trained', 'effective'] as const;
export type ExportWeights = (typeof EXPORT_WEIGHTS)[number];

export const EXPORT_OPSET = 13;
export const EXPORT_IR_VERSION = 7;
/** ModelProto.producer_name of the files this module writes */
export const EXPORT_PRODUCER = 'rramsim';

export const EXPORTABLE_LAYERS = ['dense', 'conv2d', 'relu', 'maxpool2d', 'avgpool2d', 'globalavgpool', 'flatten', 'batchnorm', 'residual'] as const;

export interface ExportOptions {
  /** which weights to write (header); default 'trained' */
  weights?: ExportWeights;
  /** graph name (default: the description's name) */
  name?: string;
  /** free text stored as the model's doc_string (provenance) */
  doc?: string;
  /** producer_version (the rramsim version) */
  version?: string;
}

/** ONNX TensorProto data types used here */
const FLOAT = 1;
const INT64 = 7;

interface Node { op_type: string; name: string; input: string[]; output: string[]; attribute: Record<string, unknown>[] }
interface Tensor { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }
type Shape = { kind: 'chw'; C: number; H: number; W: number } | { kind: 'flat'; F: number; order?: Int32Array };

/** Throw the UserError of the first layer the exporter cannot write (none: returns). */
export function checkExportable(net: Network): void {
  const visit = (layers: readonly Layer[]) => {
    for (const l of layers) {
      if (l instanceof ResidualBlock) { visit(l.body); visit(l.shortcut); continue; }
      if (!(l instanceof Dense || l instanceof Conv2d || l instanceof ReLU || l instanceof MaxPool2d || l instanceof AvgPool2d ||
        l instanceof GlobalAvgPool || l instanceof Flatten || l instanceof BatchNorm)) {
        throw new UserError(`export: layer '${l.name}' (${l.kind}) of model '${net.desc.name}' has no ONNX export; exportable layers: ${EXPORTABLE_LAYERS.join(', ')}`, 'model');
      }
    }
  };
  visit(net.layers);
}

/** one weight matrix (rows x cols) as the options ask (header: 'trained' / 'effective') */
export function exportedWeights(op: MatrixOp, mode: ExportWeights): Float32Array {
  if (op instanceof LoraMatrixOp) {
    const base = exportedWeights(op.base, mode);
    const out = new Float32Array(base.length);
    if (mode === 'trained') {
      const { rows, cols, rank } = op, a = op.A.value, b = op.B.value;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let k = 0; k < rank; k++) s += a[r * rank + k] * b[k * cols + c];
        out[r * cols + c] = base[r * cols + c] + op.scale * s;
      }
    } else {
      // ΔW = opB(s · opA(I)): the merge's own delta (lora/merge.ts)
      const dW = loraDelta(op);
      for (let i = 0; i < out.length; i++) out[i] = base[i] + dW[i];
    }
    return out;
  }
  if (mode === 'trained') return Float32Array.from(op.weight.value);
  const eff = (op as { effectiveWeights?: () => Float32Array }).effectiveWeights;
  if (typeof eff === 'function') return Float32Array.from(eff.call(op));
  if (op instanceof DigitalMatrixOp) return Float32Array.from(op.weight.value);
  return Float32Array.from(usedWeights(op));
}

const bytesOf = (v: Float32Array) => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
const floatT = (name: string, dims: number[], v: Float32Array): Tensor => ({ name, dims, data_type: FLOAT, raw_data: bytesOf(v) });
function int64T(name: string, v: number[]): Tensor {
  const b = new Uint8Array(8 * v.length);
  const dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setBigInt64(8 * i, BigInt(x), true));
  return { name, dims: [v.length], data_type: INT64, raw_data: b };
}
const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
const int = (name: string, v: number) => ({ name, type: 2, i: v });
const flt = (name: string, v: number) => ({ name, type: 1, f: v });

/** The ONNX bytes of `net` (header). Throws a UserError for a layer without an export, before any output. */
export function exportOnnx(net: Network, opts: ExportOptions = {}): Uint8Array {
  checkExportable(net);
  const mode = opts.weights ?? 'trained';
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  const [C0, H0, W0] = net.desc.input;
  const flatInput = H0 === 1 && W0 === 1 && net.layers[0] instanceof Flatten;
  let shape: Shape = flatInput ? { kind: 'flat', F: C0 } : { kind: 'chw', C: C0, H: H0, W: W0 };
  const node = (op_type: string, name: string, input: string[], attribute: Record<string, unknown>[] = []): string => {
    const out = `${name}:out`;
    nodes.push({ op_type, name, input, output: [out], attribute });
    return out;
  };
  /** the flattened ONNX tensor of a C×H×W one, and rramsim feature r → ONNX feature order[r] */
  const flatten = (t: string, s: Shape, name: string): { t: string; s: Shape } => {
    if (s.kind === 'flat') return { t, s };
    const { C, H, W } = s;
    let order: Int32Array | undefined;
    if (C > 1 && H * W > 1) {
      order = new Int32Array(C * H * W);
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) order[(h * W + w) * C + c] = c * H * W + h * W + w;
    }
    return { t: node('Flatten', name, [t], [int('axis', 1)]), s: { kind: 'flat', F: C * H * W, order } };
  };
  /** rramsim channel/feature values → ONNX order */
  const perm = (v: Float32Array, s: Shape): Float32Array => {
    if (s.kind !== 'flat' || !s.order) return Float32Array.from(v);
    const out = new Float32Array(v.length);
    for (let r = 0; r < v.length; r++) out[s.order[r]] = v[r];
    return out;
  };

  const chain = (layers: readonly Layer[], t: string, s: Shape): { t: string; s: Shape } => {
    for (const l of layers) {
      if (l instanceof ResidualBlock) {
        const body = chain(l.body, t, s);
        const short = chain(l.shortcut, t, s);
        t = node('Add', `${l.name}/add`, [body.t, short.t]);
        s = body.s;
      } else if (l instanceof Conv2d) {
        const { kh, kw, C, outChannels: O, stride, pad } = l;
        const w = exportedWeights(l.op, mode);
        const oihw = new Float32Array(O * C * kh * kw);
        for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
          oihw[((o * C + c) * kh + y) * kw + x] = w[((y * kw + x) * C + c) * O + o];
        }
        inits.push(floatT(`${l.name}.weight`, [O, C, kh, kw], oihw), floatT(`${l.name}.bias`, [O], Float32Array.from(l.bias.value)));
        t = node('Conv', l.name, [t, `${l.name}.weight`, `${l.name}.bias`],
          [ints('kernel_shape', [kh, kw]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad]), ints('dilations', [1, 1]), int('group', 1)]);
        s = { kind: 'chw', C: O, H: l.OH, W: l.OW };
      } else if (l instanceof Dense) {
        ({ t, s } = flatten(t, s, `${l.name}/flatten`));
        const fin = l.inFeatures, out = l.outFeatures;
        const w = exportedWeights(l.op, mode);
        const order = s.kind === 'flat' ? s.order : undefined;
        const B = new Float32Array(out * fin);
        for (let r = 0; r < fin; r++) {
          const i = order ? order[r] : r;
          for (let o = 0; o < out; o++) B[o * fin + i] = w[r * out + o];
        }
        inits.push(floatT(`${l.name}.weight`, [out, fin], B), floatT(`${l.name}.bias`, [out], Float32Array.from(l.bias.value)));
        t = node('Gemm', l.name, [t, `${l.name}.weight`, `${l.name}.bias`], [flt('alpha', 1), flt('beta', 1), int('transB', 1)]);
        s = { kind: 'flat', F: out };
      } else if (l instanceof ReLU) {
        t = node('Relu', l.name, [t]);
      } else if (l instanceof MaxPool2d || l instanceof AvgPool2d) {
        const { k, s: st, OH, OW, C } = l.g;
        t = node(l instanceof MaxPool2d ? 'MaxPool' : 'AveragePool', l.name, [t], [ints('kernel_shape', [k, k]), ints('strides', [st, st]), ints('pads', [0, 0, 0, 0])]);
        s = { kind: 'chw', C, H: OH, W: OW };
      } else if (l instanceof GlobalAvgPool) {
        t = node('GlobalAveragePool', l.name, [t]);
        ({ t, s } = flatten(t, { kind: 'chw', C: l.C, H: 1, W: 1 }, `${l.name}/flatten`));
      } else if (l instanceof Flatten) {
        ({ t, s } = flatten(t, s, l.name));
      } else if (l instanceof BatchNorm) {
        if (l.folded) continue;
        const p = [l.gamma.value, l.beta.value, l.runningMean, l.runningVar].map((v) => perm(v, s));
        const names = ['scale', 'bias', 'mean', 'var'].map((k) => `${l.name}.${k}`);
        p.forEach((v, i) => inits.push(floatT(names[i], [v.length], v)));
        t = node('BatchNormalization', l.name, [t, ...names], [flt('epsilon', l.eps), flt('momentum', 1 - l.momentum)]);
      }
    }
    return { t, s };
  };
  const end = chain(net.layers.slice(flatInput ? 1 : 0), 'input', shape);
  shape = end.s;
  if (shape.kind !== 'flat') throw new UserError(`export: model '${net.desc.name}' does not end in a flat vector of logits`, 'model');
  // the last node writes the graph output 'logits'
  const last = nodes[nodes.length - 1];
  if (!last || last.output[0] !== end.t) throw new UserError(`export: model '${net.desc.name}' has no layer to export`, 'model');
  last.output[0] = 'logits';
  for (const n of nodes) n.input = n.input.map((x) => (x === end.t ? 'logits' : x));

  const dim = (d: number | string) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d });
  const vi = (name: string, dims: (number | string)[]) => ({ name, type: { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map(dim) } } } });
  const graph = {
    name: opts.name ?? net.desc.name,
    node: nodes,
    initializer: inits,
    input: [vi('input', flatInput ? ['N', C0] : ['N', C0, H0, W0])],
    output: [vi('logits', ['N', net.classes])],
  };
  const model = {
    ir_version: EXPORT_IR_VERSION,
    opset_import: [{ domain: '', version: EXPORT_OPSET }],
    producer_name: EXPORT_PRODUCER,
    producer_version: opts.version ?? '',
    doc_string: opts.doc ?? '',
    graph,
  };
  const T = modelProto();
  return T.encode(T.fromObject(model)).finish();
}
