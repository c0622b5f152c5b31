/**
 * ONNX graph → rramsim model description (src/nn/model.ts) + model state in getWeights() order.
 *
 * Supported (ai.onnx domain, inference graphs such as PyTorch's `torch.onnx.export` of an eval()
 * model): Gemm (transA = 0; W = α·B or α·Bᵀ, bias = β·C, zero without C), MatMul with a constant
 * right operand (+ a following Add of a constant vector = its bias; zero bias otherwise), Conv
 * (2-D, square kernel, equal strides and pads, dilation 1, group 1; without a bias input the
 * imported bias is zero: rramsim's Conv2d always has a bias Param), Relu, MaxPool/AveragePool (square
 * kernel, equal strides, no padding, ceil_mode 0), GlobalAveragePool, BatchNormalization
 * (inference mode; ε = epsilon, rramsim momentum ρ = 1 − ONNX momentum), Add of two activations
 * (a residual join), Flatten (axis 1) and Reshape to [N, features] (both → `flatten`), and the
 * no-ops Identity, Dropout (inference) and Pad with all pads zero. Anything else, or an attribute
 * value outside these, is a UserError naming the operator, node and attribute (CLI exit 2).
 *
 * Constants: initializers, Constant nodes, and Identity nodes of a constant (an alias: PyTorch's
 * exporter keeps one copy of bit-identical initializers, e.g. the zero conv biases of an untrained
 * network after BatchNorm folding or identical BN parameters, and feeds the other users through
 * an Identity); an alias resolves to the tensor it names, through chains of Identity. A weight
 * input that no initializer, Constant, graph input or node output defines is a UserError naming it
 * (a missing initializer).
 *
 * Layout conversion (ONNX is NCHW / OIHW, rramsim NHWC with weights rows = fan-in × cols = outputs):
 *   Conv  W[o, c, ky, kx]  → w[(ky·kw + kx)·C + c][o]            (im2col column order)
 *   Gemm  B[o, i] (transB) → w[i][o];  B[i, o] → w[i][o]
 *   Flatten of a C×H×W tensor: ONNX feature c·H·W + h·W + w is rramsim feature (h·W + w)·C + c,
 *   so the first Dense (or BatchNorm) after it takes its rows (features) in that permuted order:
 *   w[(h·W + w)·C + c][o] = W_onnx[c·H·W + h·W + w][o].
 *
 * Graph structure: the nodes must form a chain from the one graph input to the one graph output,
 * where a tensor with two consumers opens a residual block: both branches are followed until
 * they meet in one Add; the longer branch is the block's body, the other its shortcut (empty =
 * identity); the Add's output continues the chain (a Relu after it is the next layer). Blocks nest,
 * at most MAX_RESIDUAL_DEPTH deep (each level is a recursion of the graph walk and a level of the
 * model description).
 *
 * Names in messages (operators, nodes, tensors, attributes) come from the file: every UserError
 * leaves importOnnxModel through withPrintableErrors (src/util/safe_text.ts), so control
 * characters in them print as visible escapes.
 */
import type { LayerSpec, ModelDesc } from '../nn/model.js';
import { UserError } from '../util/errors.js';
import { withPrintableErrors } from '../util/safe_text.js';
import { floatTensor, int64Tensor, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './read_onnx.js';

export const SUPPORTED_OPS = [
  'Gemm', 'MatMul', 'Conv', 'Relu', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization',
  'Add', 'Flatten', 'Reshape', 'Identity', 'Dropout', 'Pad', 'Constant',
] as const;

/** residual blocks nested deeper than this are refused */
export const MAX_RESIDUAL_DEPTH = 64;

export interface ImportedModel {
  readonly desc: ModelDesc;
  /** model state in Network.getWeights() order */
  readonly weights: Float32Array;
  /** ONNX input name and shape [C, H, W] (NCHW per sample) or [F] */
  readonly input: { name: string; onnxShape: number[] };
  readonly output: string;
  /** operator counts of the graph */
  readonly ops: Record<string, number>;
  /** Identity nodes that only alias a constant (PyTorch's shared identical initializers) */
  readonly constantAliases: number;
  /**
   * where the graph's BatchNorm is: `kept` BatchNormalization nodes (imported as batchnorm
   * layers); `exporterConvs` of `convs` Conv nodes take a weight the exporter computed (a name
   * 'onnx::…', not a module parameter): what torch.onnx.export's constant folding writes when it
   * fuses an eval-mode BatchNorm into the preceding Conv
   */
  readonly batchNorm: { kept: number; convs: number; exporterConvs: number };
}

/** per-sample shape as ONNX sees it; `from` = the C×H×W a flat vector was flattened from */
type Shape = { kind: 'chw'; C: number; H: number; W: number } | { kind: 'flat'; F: number; from?: { C: number; H: number; W: number } };

interface Chain {
  specs: LayerSpec[];
  params: Float32Array[];
  end: string;
  shape: Shape;
  /** the residual join this branch ended in */
  join?: OnnxNode;
}

const nodeLabel = (n: OnnxNode, i: number) => `node ${i} '${n.name || n.output[0]}' (${n.op_type})`;

export function importOnnxModel(model: OnnxModel, what: string, name = 'onnx'): ImportedModel {
  return withPrintableErrors(() => importGraph(model, what, name));
}

function importGraph(model: OnnxModel, what: string, name: string): ImportedModel {
  const g = model.graph;
  const ops: Record<string, number> = {};
  for (const n of g.node) ops[n.op_type] = (ops[n.op_type] ?? 0) + 1;
  // operators and domains first: a clear message before anything else
  g.node.forEach((n, i) => {
    if (n.domain && n.domain !== 'ai.onnx') throw new UserError(`${what}: unsupported operator '${n.domain}.${n.op_type}' at ${nodeLabel(n, i)} (custom domain)`, 'model');
    if (!(SUPPORTED_OPS as readonly string[]).includes(n.op_type)) {
      throw new UserError(`${what}: unsupported operator '${n.op_type}' at ${nodeLabel(n, i)}; supported: ${SUPPORTED_OPS.join(', ')}`, 'model');
    }
  });
  const consts = new Map<string, OnnxTensor>();
  for (const t of g.initializer) consts.set(t.name, t);
  const index = new Map<OnnxNode, number>();
  g.node.forEach((n, i) => index.set(n, i));
  /** nodes that only define constants: Constant, and Identity of a constant (an alias) */
  const constNodes = new Set<OnnxNode>();
  for (const n of g.node) {
    if (n.op_type !== 'Constant') continue;
    const v = n.attribute.find((a) => a.name === 'value');
    if (!v?.t) throw new UserError(`${what}: Constant node '${n.name}' without a tensor 'value' attribute (unsupported attribute ${n.attribute.map((a) => a.name).join(', ')})`, 'model');
    consts.set(n.output[0], { ...v.t, name: n.output[0] });
    constNodes.add(n);
  }
  // PyTorch's exporter stores one copy of bit-identical initializers and gives every other user an
  // Identity of it (an untrained network's zero conv biases after BatchNorm folding, identical BN
  // parameters): such an Identity names the same constant. Chains of them resolve in any order.
  for (let grew = true; grew;) {
    grew = false;
    for (const n of g.node) {
      if (n.op_type !== 'Identity' || constNodes.has(n) || !n.input[0] || !n.output[0] || n.output[0] === g.output[0]?.name) continue;
      const t = consts.get(n.input[0]);
      if (!t) continue;
      consts.set(n.output[0], t);
      constNodes.add(n);
      grew = true;
    }
  }
  // tensors something defines (an initializer, a Constant, a graph input, a node's output): a weight input outside them is a missing initializer
  const defined = new Set<string>([...consts.keys(), ...g.input.map((v) => v.name)]);
  for (const n of g.node) for (const t of n.output) if (t) defined.add(t);
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of g.node) {
    if (constNodes.has(n)) continue;
    for (const t of n.input) if (t && !consts.has(t)) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  }
  const inputs = g.input.filter((v) => !consts.has(v.name));
  if (inputs.length !== 1) throw new UserError(`${what}: the graph must have exactly one data input (has ${inputs.length}: ${inputs.map((v) => v.name).join(', ')})`, 'model');
  if (g.output.length !== 1) throw new UserError(`${what}: the graph must have exactly one output (has ${g.output.length})`, 'model');
  const outName = g.output[0].name;
  const dims = (inputs[0].type?.tensor_type?.shape?.dim ?? []).map((d) => d.dim_value ?? 0);
  let shape0: Shape;
  let pre: LayerSpec[] = [];
  let descInput: [number, number, number];
  if (dims.length === 4 && dims.slice(1).every((d) => d > 0)) {
    shape0 = { kind: 'chw', C: dims[1], H: dims[2], W: dims[3] };
    descInput = [dims[1], dims[2], dims[3]];
  } else if (dims.length === 2 && dims[1] > 0) {
    shape0 = { kind: 'flat', F: dims[1] };
    descInput = [dims[1], 1, 1];
    pre = [{ type: 'flatten' }];
  } else {
    throw new UserError(`${what}: input '${inputs[0].name}' has shape [${dims.join(', ')}]; supported: [N, C, H, W] or [N, features] with fixed sizes`, 'model');
  }

  const attr = (n: OnnxNode, a: string): OnnxAttribute | undefined => n.attribute.find((x) => x.name === a);
  const ints = (n: OnnxNode, a: string, dflt: number[]): number[] => attr(n, a)?.ints ?? dflt;
  const int = (n: OnnxNode, a: string, dflt: number): number => attr(n, a)?.i ?? dflt;
  const flt = (n: OnnxNode, a: string, dflt: number): number => attr(n, a)?.f ?? dflt;
  const bad = (n: OnnxNode, a: string, v: unknown, allowed: string): never => {
    throw new UserError(`${what}: unsupported attribute ${a}=${JSON.stringify(v)} of ${nodeLabel(n, index.get(n)!)}; supported: ${allowed}`, 'model');
  };
  const constOf = (n: OnnxNode, k: number): OnnxTensor => {
    const t = consts.get(n.input[k]);
    if (!t && !defined.has(n.input[k])) {
      throw new UserError(`${what}: input ${k} ('${n.input[k]}') of ${nodeLabel(n, index.get(n)!)} is missing: no initializer, Constant, graph input or node output has that name`, 'model');
    }
    if (!t) throw new UserError(`${what}: input ${k} ('${n.input[k]}') of ${nodeLabel(n, index.get(n)!)} must be a constant (initializer); computed weights are not supported`, 'model');
    return t;
  };
  const need = (n: OnnxNode, s: Shape, kind: 'chw' | 'flat'): void => {
    if (s.kind !== kind) throw new UserError(`${what}: ${nodeLabel(n, index.get(n)!)} needs a ${kind === 'chw' ? 'C×H×W' : 'flat'} input here`, 'model');
  };
  const onlyFirstOutputUsed = (n: OnnxNode): void => {
    for (const o of n.output.slice(1)) if (o && (consumers.get(o)?.length || o === outName)) bad(n, 'outputs', n.output, 'only the first output may be used');
  };
  const size = (s: Shape) => (s.kind === 'chw' ? s.C * s.H * s.W : s.F);
  /** rramsim feature r ← ONNX feature perm[r] for a flat vector flattened from C×H×W */
  const flatPerm = (s: Shape): Int32Array | undefined => {
    if (s.kind !== 'flat' || !s.from || s.from.H * s.from.W === 1 || s.from.C === 1) return undefined;
    const { C, H, W } = s.from;
    const p = new Int32Array(C * H * W);
    for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) p[(h * W + w) * C + c] = c * H * W + h * W + w;
    return p;
  };
  const isJoin = (n: OnnxNode) => n.op_type === 'Add' && n.input.length === 2 && n.input.every((t) => !consts.has(t));

  /** dense weights [fanIn, out] from a getter W(onnxRow, o) */
  const denseFrom = (fanIn: number, out: number, get: (i: number, o: number) => number, perm?: Int32Array): Float32Array => {
    const w = new Float32Array(fanIn * out);
    for (let r = 0; r < fanIn; r++) {
      const i = perm ? perm[r] : r;
      for (let o = 0; o < out; o++) w[r * out + o] = get(i, o);
    }
    return w;
  };
  const vec = (t: OnnxTensor | undefined, n: number, node: OnnxNode, label: string, scale = 1): Float32Array => {
    if (!t) return new Float32Array(n);
    const v = floatTensor(t, what);
    if (v.length !== n) bad(node, label, `${v.length} values`, `${n} values (one per output)`);
    return scale === 1 ? v : v.map((x) => x * scale);
  };

  const visited = new Set<OnnxNode>();
  /** translate one node; returns the layers, their state, the output tensor and shape */
  const translate = (n: OnnxNode, s: Shape): { specs: LayerSpec[]; params: Float32Array[]; out: string; shape: Shape } => {
    const i = index.get(n)!;
    const out = n.output[0];
    switch (n.op_type) {
      case 'Relu':
        return { specs: [{ type: 'relu' }], params: [], out, shape: s };
      case 'Identity':
      case 'Dropout':
        onlyFirstOutputUsed(n);
        return { specs: [], params: [], out, shape: s };
      case 'Pad': {
        const pads = n.input[1] ? int64Tensor(constOf(n, 1), what) : ints(n, 'pads', []);
        if (pads.some((p) => p !== 0)) bad(n, 'pads', pads, 'all zero (a no-op)');
        return { specs: [], params: [], out, shape: s };
      }
      case 'Flatten': {
        const axis = int(n, 'axis', 1);
        if (axis !== 1) bad(n, 'axis', axis, '1');
        return { specs: [{ type: 'flatten' }], params: [], out, shape: flatten(s) };
      }
      case 'Reshape': {
        const target = int64Tensor(constOf(n, 1), what);
        const F = size(s);
        if (!(target.length === 2 && (target[0] === -1 || target[0] === 0) && (target[1] === F || target[1] === -1)) &&
            !(target.length === 2 && target[1] === F)) {
          bad(n, 'shape', target, `[-1, ${F}] or [N, ${F}] (a flatten)`);
        }
        return { specs: [{ type: 'flatten' }], params: [], out, shape: flatten(s) };
      }
      case 'GlobalAveragePool':
        need(n, s, 'chw');
        return { specs: [{ type: 'globalavgpool' }], params: [], out, shape: { kind: 'chw', C: (s as { C: number }).C, H: 1, W: 1 } };
      case 'MaxPool':
      case 'AveragePool': {
        need(n, s, 'chw');
        onlyFirstOutputUsed(n);
        const c = s as { C: number; H: number; W: number };
        const k = ints(n, 'kernel_shape', []);
        if (k.length !== 2 || k[0] !== k[1]) bad(n, 'kernel_shape', k, 'a square 2-D kernel');
        const st = ints(n, 'strides', [1, 1]);
        if (st.length !== 2 || st[0] !== st[1]) bad(n, 'strides', st, 'equal strides');
        const pads = ints(n, 'pads', [0, 0, 0, 0]);
        if (pads.some((p) => p !== 0)) bad(n, 'pads', pads, 'no padding');
        const ap = attr(n, 'auto_pad')?.s;
        if (ap && !['NOTSET', 'VALID'].includes(Buffer.from(ap).toString())) bad(n, 'auto_pad', Buffer.from(ap).toString(), 'NOTSET, VALID');
        if (int(n, 'ceil_mode', 0) !== 0) bad(n, 'ceil_mode', 1, '0');
        const dil = ints(n, 'dilations', [1, 1]);
        if (dil.some((d) => d !== 1)) bad(n, 'dilations', dil, '1');
        const OH = Math.floor((c.H - k[0]) / st[0]) + 1, OW = Math.floor((c.W - k[0]) / st[0]) + 1;
        return { specs: [{ type: 'pool', pool: n.op_type === 'MaxPool' ? 'max' : 'avg', kernel: k[0], stride: st[0] }], params: [], out, shape: { kind: 'chw', C: c.C, H: OH, W: OW } };
      }
      case 'Conv': {
        need(n, s, 'chw');
        const c = s as { C: number; H: number; W: number };
        const Wt = constOf(n, 1);
        const [O, Ci, kh, kw] = Wt.dims;
        if (Wt.dims.length !== 4) bad(n, 'weight dims', Wt.dims, '[out, in, kh, kw]');
        if (int(n, 'group', 1) !== 1) bad(n, 'group', int(n, 'group', 1), '1');
        if (Ci !== c.C) bad(n, 'weight dims', Wt.dims, `${c.C} input channels`);
        if (kh !== kw) bad(n, 'kernel_shape', [kh, kw], 'a square kernel');
        const ks = ints(n, 'kernel_shape', [kh, kw]);
        if (ks[0] !== kh || ks[1] !== kw) bad(n, 'kernel_shape', ks, `[${kh}, ${kw}] (the weight's)`);
        const st = ints(n, 'strides', [1, 1]);
        if (st.length !== 2 || st[0] !== st[1]) bad(n, 'strides', st, 'equal strides');
        const pads = ints(n, 'pads', [0, 0, 0, 0]);
        if (pads.some((p) => p !== pads[0])) bad(n, 'pads', pads, 'equal pads on every side');
        const ap = attr(n, 'auto_pad')?.s;
        if (ap && !['NOTSET', 'VALID'].includes(Buffer.from(ap).toString())) bad(n, 'auto_pad', Buffer.from(ap).toString(), 'NOTSET, VALID');
        const dil = ints(n, 'dilations', [1, 1]);
        if (dil.some((d) => d !== 1)) bad(n, 'dilations', dil, '1');
        const src = floatTensor(Wt, what);
        const w = new Float32Array(kh * kw * Ci * O);
        for (let o = 0; o < O; o++) for (let ci = 0; ci < Ci; ci++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
          w[((y * kw + x) * Ci + ci) * O + o] = src[((o * Ci + ci) * kh + y) * kw + x];
        }
        const bias = vec(n.input[2] ? constOf(n, 2) : undefined, O, n, 'B');
        const p = pads[0] ?? 0;
        const OH = Math.floor((c.H + 2 * p - kh) / st[0]) + 1, OW = Math.floor((c.W + 2 * p - kw) / st[0]) + 1;
        return { specs: [{ type: 'conv2d', out: O, kernel: kh, stride: st[0], pad: p }], params: [w, bias], out, shape: { kind: 'chw', C: O, H: OH, W: OW } };
      }
      case 'Gemm':
      case 'MatMul': {
        need(n, s, 'flat');
        const F = size(s);
        const B = constOf(n, 1);
        if (B.dims.length !== 2) bad(n, 'B dims', B.dims, '2-D');
        const transB = n.op_type === 'Gemm' ? int(n, 'transB', 0) : 0;
        if (n.op_type === 'Gemm' && int(n, 'transA', 0) !== 0) bad(n, 'transA', 1, '0');
        const alpha = n.op_type === 'Gemm' ? flt(n, 'alpha', 1) : 1;
        const beta = n.op_type === 'Gemm' ? flt(n, 'beta', 1) : 1;
        const [fanIn, outN] = transB ? [B.dims[1], B.dims[0]] : [B.dims[0], B.dims[1]];
        if (fanIn !== F) bad(n, 'B dims', B.dims, `${F} inputs`);
        const src = floatTensor(B, what);
        const get = transB ? (r: number, o: number) => src[o * fanIn + r] * alpha : (r: number, o: number) => src[r * outN + o] * alpha;
        const w = denseFrom(fanIn, outN, get, flatPerm(s));
        let bias: Float32Array;
        let outT = out;
        if (n.op_type === 'Gemm') {
          bias = vec(n.input[2] ? constOf(n, 2) : undefined, outN, n, 'C', beta);
        } else {
          // MatMul + Add(constant) = a dense layer with that bias
          const next = consumers.get(out) ?? [];
          const add = next.length === 1 && next[0].op_type === 'Add' && !isJoin(next[0]) ? next[0] : undefined;
          if (add) {
            const bt = consts.get(add.input[0] === out ? add.input[1] : add.input[0])!;
            bias = vec(bt, outN, add, 'B (bias)');
            outT = add.output[0];
            visited.add(add);
          } else bias = new Float32Array(outN);
        }
        return { specs: [{ type: 'dense', out: outN }], params: [w, bias], out: outT, shape: { kind: 'flat', F: outN } };
      }
      case 'BatchNormalization': {
        onlyFirstOutputUsed(n);
        if (int(n, 'training_mode', 0) !== 0) bad(n, 'training_mode', 1, '0 (inference: export an eval() model, e.g. model.eval(), then torch.onnx.export with training=TrainingMode.PRESERVE or the default EVAL)');
        if (attr(n, 'spatial') && int(n, 'spatial', 1) !== 1) bad(n, 'spatial', 0, '1');
        const C = s.kind === 'chw' ? s.C : s.F;
        const [gam, bet, mean, v] = [1, 2, 3, 4].map((k) => vec(constOf(n, k), C, n, ['scale', 'B', 'mean', 'var'][k - 1]));
        const perm = flatPerm(s);
        const params = perm ? [gam, bet, mean, v].map((a) => a.map((_, r) => a[perm[r]])) : [gam, bet, mean, v];
        const eps = flt(n, 'epsilon', 1e-5);
        const rho = Math.round((1 - flt(n, 'momentum', 0.9)) * 1e6) / 1e6;
        const spec: LayerSpec = { type: 'batchnorm' };
        if (Math.abs(eps - 1e-5) > 1e-12) spec.eps = eps;
        if (rho !== 0.1) spec.momentum = rho;
        return { specs: [spec], params, out, shape: s };
      }
      default:
        throw new UserError(`${what}: unsupported operator '${n.op_type}' at ${nodeLabel(n, i)} in this position; supported: ${SUPPORTED_OPS.join(', ')}`, 'model');
    }
  };
  function flatten(s: Shape): Shape {
    return s.kind === 'chw' ? { kind: 'flat', F: s.C * s.H * s.W, from: { C: s.C, H: s.H, W: s.W } } : s;
  }

  /** follow the chain from tensor t; in a branch, stop before the residual join */
  const follow = (t: string, s: Shape, inBranch: boolean, depth: number): Chain => {
    const specs: LayerSpec[] = [];
    const params: Float32Array[] = [];
    for (;;) {
      const cons = consumers.get(t) ?? [];
      if (cons.length === 0) {
        if (inBranch) throw new UserError(`${what}: branch ending in '${t}' never joins its residual Add (unsupported graph topology)`, 'model');
        if (t !== outName) throw new UserError(`${what}: tensor '${t}' is not used and is not the graph output (unsupported graph topology)`, 'model');
        return { specs, params, end: t, shape: s };
      }
      if (cons.length === 1) {
        const n = cons[0];
        if (isJoin(n)) {
          if (inBranch) return { specs, params, end: t, shape: s, join: n };
          throw new UserError(`${what}: Add '${n.name}' joins two tensors that do not fork from one tensor (unsupported graph topology)`, 'model');
        }
        if (visited.has(n)) throw new UserError(`${what}: node '${n.name}' reached twice (unsupported graph topology)`, 'model');
        visited.add(n);
        const r = translate(n, s);
        specs.push(...r.specs);
        params.push(...r.params);
        t = r.out;
        s = r.shape;
        continue;
      }
      if (cons.length > 2) throw new UserError(`${what}: tensor '${t}' feeds ${cons.length} nodes; only a two-way fork into a residual Add is supported`, 'model');
      if (depth >= MAX_RESIDUAL_DEPTH) {
        throw new UserError(
          `${what}: residual blocks nested more than ${MAX_RESIDUAL_DEPTH} deep: the fork at tensor '${t}' (into ${cons.map((c) => nodeLabel(c, index.get(c)!)).join(' and ')}) ` +
            `would open level ${depth + 1}; at most ${MAX_RESIDUAL_DEPTH} levels of residual blocks inside one another are supported`,
          'model',
        );
      }
      const branch = (n: OnnxNode): Chain => {
        if (isJoin(n)) return { specs: [], params: [], end: t, shape: s, join: n };
        if (visited.has(n)) throw new UserError(`${what}: node '${n.name}' reached twice (unsupported graph topology)`, 'model');
        visited.add(n);
        const r = translate(n, s);
        const rest = follow(r.out, r.shape, true, depth + 1);
        return { ...rest, specs: [...r.specs, ...rest.specs], params: [...r.params, ...rest.params] };
      };
      const [a, b] = [branch(cons[0]), branch(cons[1])];
      if (a.join !== b.join) throw new UserError(`${what}: the two branches from '${t}' end in different Add nodes (unsupported graph topology)`, 'model');
      if (a.specs.length === 0 && b.specs.length === 0) throw new UserError(`${what}: Add '${a.join!.name}' adds a tensor to itself (unsupported)`, 'model');
      const sizeA = size(a.shape), sizeB = size(b.shape);
      if (sizeA !== sizeB) throw new UserError(`${what}: residual branches from '${t}' end in different shapes`, 'model');
      const [body, short] = a.specs.length >= b.specs.length ? [a, b] : [b, a];
      const block: LayerSpec = short.specs.length ? { type: 'residual', body: body.specs, shortcut: short.specs } : { type: 'residual', body: body.specs };
      specs.push(block);
      params.push(...body.params, ...short.params);
      visited.add(a.join!);
      t = a.join!.output[0];
      s = body.shape;
    }
  };
  const chain = follow(inputs[0].name, shape0, false, 0);
  const last = chain.shape;
  if (last.kind !== 'flat') throw new UserError(`${what}: the graph output '${outName}' is not a flat vector of logits (ends in a ${last.C}×${last.H}×${last.W} tensor)`, 'model');
  const unused = g.node.filter((n) => !constNodes.has(n) && !visited.has(n));
  if (unused.length) throw new UserError(`${what}: nodes not on the path from input to output: ${unused.map((n) => `'${n.name}' (${n.op_type})`).join(', ')} (unsupported graph topology)`, 'model');
  const total = chain.params.reduce((a, p) => a + p.length, 0);
  const weights = new Float32Array(total);
  let o = 0;
  for (const p of chain.params) { weights.set(p, o); o += p.length; }
  const convs = g.node.filter((n) => n.op_type === 'Conv');
  return {
    desc: { name, input: descInput, layers: [...pre, ...chain.specs] },
    weights,
    input: { name: inputs[0].name, onnxShape: dims.slice(1) },
    output: outName,
    ops,
    constantAliases: [...constNodes].filter((n) => n.op_type === 'Identity').length,
    batchNorm: { kept: ops.BatchNormalization ?? 0, convs: convs.length, exporterConvs: convs.filter((n) => (n.input[1] ?? '').startsWith('onnx::')).length },
  };
}
