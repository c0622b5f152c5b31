/**
 * Range expressions in configs: `"start:step:stop"` (or `"start:stop"`, step 1), each part a
 * mathjs expression (e.g. `"0:1/20:0.3"`), evaluated by mathjs `evaluate` (never JS eval).
 *
 * Formula: values v_k = start + k·step for k = 0, 1, … while v_k lies between start and stop,
 * stop INCLUDED. The arithmetic is done in mathjs BigNumber (64 significant digits) and converted
 * to float64 at the end, so "0:0.05:0.3" gives exactly [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
 * (plain float64 would give 0.15000000000000002 and might drop 0.3).
 *
 * Each part is scalar arithmetic only: it is parsed first and every node checked against a
 * whitelist (numbers, parentheses, + − · / ^ mod, unary ±, the constants pi and e, and the scalar
 * functions SCALAR_FUNCTIONS), each part at most MAX_PART_CHARS characters. Matrix constructors
 * (`ones(20000, 20000)`, `zeros`, `range`, `matrix`), factorials, assignments, strings and every
 * other mathjs feature are refused before anything is evaluated, so a config cannot exhaust memory
 * or time through a range string.
 */
import type { BigNumber, MathJsInstance, MathNode } from 'mathjs';

// mathjs takes ~1 s to import, so it is loaded only when a config uses a range expression
let math: MathJsInstance | undefined;

/** Load the mathjs BigNumber instance (once); expandRange needs it. */
export async function loadRangeEngine(): Promise<void> {
  if (math) return;
  const m = await import('mathjs');
  math = m.create(m.all, { number: 'BigNumber', precision: 64 });
}

/** Most values one range may produce (guards against "0:1e-9:1"). */
export const MAX_RANGE_VALUES = 10_000;

const RANGE_RE = /^[^:]+:[^:]+(:[^:]+)?$/;

/** Does this string look like a range expression (two or three parts separated by ':')? */
export function isRangeExpression(s: string): boolean {
  return RANGE_RE.test(s.trim());
}

/**
 * Expand a range expression to numbers. Throws a plain Error with a human message on a bad
 * expression (the caller adds the JSON path and turns it into a UserError).
 */
export function expandRange(expr: string): number[] {
  const math = engine();
  if (expr.length > 3 * MAX_PART_CHARS + 2) {
    throw new Error(`range "${expr.slice(0, 40)}…" has ${expr.length} characters; at most ${3 * MAX_PART_CHARS + 2} allowed`);
  }
  const parts = expr.trim().split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw new Error(`range "${expr}" must be "start:step:stop" or "start:stop"`);
  }
  const nums = parts.map((p) => evalPart(p, expr));
  const [start, step, stop] = parts.length === 3 ? nums : [nums[0], math.bignumber(1), nums[1]];
  if (step.isZero()) throw new Error(`range "${expr}": step must not be 0`);
  const span = stop.minus(start);
  if (!span.isZero() && span.isNegative() !== step.isNegative()) {
    throw new Error(`range "${expr}" is empty: step ${step.toString()} never gets from ${start.toString()} to ${stop.toString()}`);
  }
  const count = span.div(step).floor().toNumber() + 1;
  if (count > MAX_RANGE_VALUES) {
    throw new Error(`range "${expr}" has ${count} values; at most ${MAX_RANGE_VALUES} allowed`);
  }
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(start.plus(step.times(k)).toNumber());
  return out;
}

function engine(): MathJsInstance {
  if (!math) throw new Error('internal: call loadRangeEngine() before expandRange()');
  return math;
}

/** Functions a range part may call (all scalar → scalar). */
export const SCALAR_FUNCTIONS: readonly string[] = ['sqrt', 'exp', 'log', 'log10', 'log2', 'abs', 'floor', 'ceil', 'round', 'min', 'max'];
const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'mod', 'unaryMinus', 'unaryPlus']);
const CONSTANTS = new Set(['pi', 'e']);
/** Longest part of a range expression, in characters. */
export const MAX_PART_CHARS = 100;

/** Throws a plain Error naming the first construct that is not scalar arithmetic. */
function checkScalar(root: MathNode, part: string, expr: string): void {
  const bad = (what: string) => new Error(`range "${expr}": "${part}" uses ${what}; allowed: numbers, + - * / ^ mod, parentheses, pi, e and ${SCALAR_FUNCTIONS.join(', ')}`);
  root.traverse((node: MathNode, _path: string, parent: MathNode | null) => {
    const n = node as MathNode & { fn?: unknown; name?: string; value?: unknown; args?: MathNode[] };
    switch (node.type) {
      case 'ConstantNode':
        if (typeof n.value !== 'number' && !(n.value && typeof n.value === 'object' && 'isBigNumber' in n.value)) throw bad('a non-numeric constant');
        return;
      case 'ParenthesisNode':
        return;
      case 'OperatorNode':
        if (!OPERATORS.has(String(n.fn))) throw bad(`the operator '${(node as unknown as { op: string }).op}'`);
        return;
      case 'FunctionNode': {
        const fname = (n.fn as { name?: string } | undefined)?.name;
        if (!fname || !SCALAR_FUNCTIONS.includes(fname)) throw bad(`the function '${fname ?? '?'}'`);
        return;
      }
      case 'SymbolNode':
        // the function name of a FunctionNode is a SymbolNode child: checked above
        if (parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === node) return;
        if (!CONSTANTS.has(String(n.name))) throw bad(`the symbol '${String(n.name).slice(0, 20)}'`);
        return;
      default:
        throw bad(`an expression of type ${node.type}`);
    }
  });
}

function evalPart(rawPart: string, expr: string): BigNumber {
  const math = engine();
  const part = rawPart.trim();
  if (part.length > MAX_PART_CHARS) throw new Error(`range "${expr.slice(0, 40)}…": a part has ${part.length} characters; at most ${MAX_PART_CHARS} allowed`);
  let v: unknown;
  try {
    const node = math.parse(part);
    checkScalar(node, part, expr);
    v = node.evaluate();
  } catch (e) {
    if ((e as Error).message.startsWith(`range "`)) throw e;
    throw new Error(`range "${expr}": cannot evaluate "${part.trim()}" (${(e as Error).message})`);
  }
  if (math.isNumber(v)) v = math.bignumber(v);
  if (!math.isBigNumber(v) || !(v as BigNumber).isFinite()) {
    throw new Error(`range "${expr}": "${part.trim()}" is not a finite number`);
  }
  return v as BigNumber;
}
