/**
 * The matrix ops of a network as deployed: every weight layer's op and, depth first, the ops it
 * holds in its fields (a LoRA op's base and adapter arrays, a spare-columns op's inner array, task
 * heads), each once, in layer order. The diagnostics of the experiment layer (repeated evaluation,
 * histograms) walk them so that every crossbar array of a point is seen, whatever method built it.
 */
import type { MatrixOp } from '../nn/matrix_op.js';
import type { Network } from '../nn/network.js';

function isMatrixOp(x: unknown): x is MatrixOp {
  return typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) &&
    typeof (x as MatrixOp).forward === 'function' && typeof (x as MatrixOp).backward === 'function';
}

function walk(op: MatrixOp, out: MatrixOp[], seen: Set<object>): void {
  if (seen.has(op)) return;
  seen.add(op);
  out.push(op);
  for (const v of Object.values(op as unknown as Record<string, unknown>)) {
    for (const x of Array.isArray(v) ? v : [v]) if (isMatrixOp(x)) walk(x, out, seen);
  }
}

/** every op reachable from the network's weight layers (file comment) */
export function networkOps(net: Network): MatrixOp[] {
  const out: MatrixOp[] = [], seen = new Set<object>();
  for (const l of net.weightLayers()) walk(l.op, out, seen);
  return out;
}
