import { describe, expect, it } from 'vitest';
import { TaskAdapterSet } from '../../src/methods/multitask/task_adapters.js';
import { TaskHeads } from '../../src/methods/multitask/task_heads.js';
import { Dense } from '../../src/nn/dense.js';
import type { MatrixOp } from '../../src/nn/matrix_op.js';
import { crossbarBase, randFill, sgdSteps, writesOf, xbarFactory } from './helpers.js';

function setup(variant: 'lora' | 'lori') {
  const b1 = crossbarBase('fc1', 12, 8, 0.1, 1), b2 = crossbarBase('fc2', 8, 6, 0.1, 2);
  const layers: { name: string; op: MatrixOp }[] = [{ name: 'fc1', op: b1 }, { name: 'fc2', op: b2 }];
  const set = new TaskAdapterSet(layers, { variant, rank: 3, alpha: 3 }, 7, xbarFactory(0.6, 0.1, 32));
  return { set, layers, bases: [b1, b2] };
}

function out(op: MatrixOp, X: Float32Array, n: number): number[] {
  const Y = new Float32Array(n * op.cols);
  op.forward(X, n, Y, false);
  return Array.from(Y);
}

describe('per-task adapters on one frozen base', () => {
  it('LoRI: one shared A per layer, identical across tasks, programmed once, never rewritten by later tasks', () => {
    const { set, layers } = setup('lori');
    const X = randFill(new Float32Array(5 * 12), 1, 'test/X');
    const X2 = randFill(new Float32Array(5 * 8), 2, 'test/X2');
    set.addTask();
    const A0 = set.taskOps[0].map((o) => o.opA);
    const aValues = A0.map((a) => Float32Array.from(a.weight.value));
    const aProgram = A0.map(writesOf);
    expect(aProgram.every((w) => w > 0)).toBe(true); // programmed when the first task was added
    set.select(0);
    sgdSteps(layers[0].op, set.trainableParams(0).slice(0, 1), X, 5, 4, 'g0');
    sgdSteps(layers[1].op, set.trainableParams(0).slice(1), X2, 5, 4, 'g1');
    const bWrites0 = set.taskOps[0].map((o) => writesOf(o.opB));
    expect(bWrites0.every((w) => w > 0)).toBe(true); // task 0's B was written
    const k = set.addTask();
    expect(k).toBe(1);
    set.select(1);
    sgdSteps(layers[0].op, set.trainableParams(1).slice(0, 1), X, 5, 4, 'g2');
    sgdSteps(layers[1].op, set.trainableParams(1).slice(1), X2, 5, 4, 'g3');
    set.taskOps[1].forEach((o, l) => {
      expect(o.opA).toBe(A0[l]); // the same op object: one array
      expect(Array.from(o.opA.weight.value)).toEqual(Array.from(aValues[l]));
      expect(writesOf(o.opA)).toBe(aProgram[l]); // no A write while task 1 trained
      expect(o.opB).not.toBe(set.taskOps[0][l].opB);
    });
    // distinct cost counts the shared A once: A cells + 2 B arrays
    const cells = (op: MatrixOp) => op.cost!().cellsUsed;
    const expected = set.taskOps[0].reduce((s, o, l) => s + cells(o.opA) + cells(o.opB) + cells(set.taskOps[1][l].opB), 0);
    expect(set.adapterCost().cellsUsed).toBe(expected);
    // task 0's B kept its writes (not touched by task 1)
    expect(set.taskOps[0].map((o) => writesOf(o.opB))).toEqual(bWrites0);
  });

  it('LoRA: each task has its own A_k (own stream, own array); both A_k and B_k are written', () => {
    const { set, layers } = setup('lora');
    set.addTask(); set.addTask();
    const [o0, o1] = [set.taskOps[0][0], set.taskOps[1][0]];
    expect(o0.opA).not.toBe(o1.opA);
    expect(Array.from(o0.A.value)).not.toEqual(Array.from(o1.A.value));
    expect(set.trainableParams(1).map((p) => p.name)).toEqual(['fc1.loraA.task1', 'fc1.loraB.task1', 'fc2.loraA.task1', 'fc2.loraB.task1']);
    const aBefore = writesOf(o1.opA);
    set.select(1);
    const X = randFill(new Float32Array(4 * 12), 3, 'test/X');
    sgdSteps(layers[0].op, [o1.A, o1.B], X, 4, 3, 'g');
    expect(writesOf(o1.opA)).toBeGreaterThan(aBefore);
    expect(writesOf(o0.opA)).toBe(writesOf(set.taskOps[0][0].opA)); // untouched task 0
  });

  it('switching tasks writes no base cell and leaves the base weights and every other task intact', () => {
    for (const variant of ['lora', 'lori'] as const) {
      const { set, layers, bases } = setup(variant);
      const X = randFill(new Float32Array(6 * 12), 4, 'test/X');
      const baseWrites = bases.map((b) => b.cellWrites());
      const baseW = bases.map((b) => Float32Array.from(b.weight.value));
      const baseOut = out(bases[0], X, 6);
      set.addTask(); set.addTask();
      set.select(0);
      sgdSteps(layers[0].op, set.trainableParams(0).filter((p) => p.name.startsWith('fc1')), X, 6, 3, 'a');
      const y0 = out(layers[0].op, X, 6);
      set.select(1);
      sgdSteps(layers[0].op, set.trainableParams(1).filter((p) => p.name.startsWith('fc1')), X, 6, 3, 'b');
      const y1 = out(layers[0].op, X, 6);
      expect(y1).not.toEqual(y0);
      const adapterWrites = set.adapterCost().cellWrites;
      for (const k of [0, 1, -1, 0, 1]) {
        set.select(k);
        if (k === 0) expect(out(layers[0].op, X, 6)).toEqual(y0);
        if (k === 1) expect(out(layers[0].op, X, 6)).toEqual(y1);
        if (k === -1) { expect(layers[0].op).toBe(bases[0]); expect(out(layers[0].op, X, 6)).toEqual(baseOut); }
      }
      expect(set.adapterCost().cellWrites, variant).toBe(adapterWrites); // switching writes nothing
      expect(bases.map((b) => b.cellWrites()), variant).toEqual(baseWrites);
      bases.forEach((b, l) => expect(Array.from(b.weight.value)).toEqual(Array.from(baseW[l])));
      expect(set.baseCost().cellWrites).toBe(baseWrites[0] + baseWrites[1]);
    }
  });
});

describe('per-task heads', () => {
  it('each task trains its own head (weight and bias); selecting is routing; restore puts the layer back', () => {
    const d = new Dense('out', 4, 3);
    randFill(d.op.weight.value, 1, 'w'); randFill(d.bias.value, 1, 'b');
    const ownOp = d.op, ownBias = Float32Array.from(d.bias.value);
    const x = randFill(new Float32Array(2 * 4), 2, 'x');
    const yBase = Array.from(d.forward(x, 2, false));
    const heads = new TaskHeads(d);
    heads.addTask(); heads.addTask();
    heads.select(0);
    const y0 = Array.from(d.forward(x, 2, false));
    y0.forEach((v, i) => expect(v).toBeCloseTo(yBase[i], 6)); // starts as the base head
    heads.select(1);
    expect(Array.from(d.forward(x, 2, false))).toEqual(y0);
    const [H1, b1] = heads.trainableParams(1);
    expect([H1.name, b1.name]).toEqual(['out.head1', 'out.head1.bias']);
    b1.value[2] += 0.5;
    const y1 = Array.from(d.forward(x, 2, false));
    expect(y1[2] - y0[2]).toBeCloseTo(0.5, 6);
    expect(y1[0]).toBe(y0[0]);
    heads.select(0);
    expect(Array.from(d.forward(x, 2, false))).toEqual(y0);
    // gradients reach the selected head's own params only
    const dy = randFill(new Float32Array(2 * 3), 3, 'dy');
    for (const p of [...heads.trainableParams(0), ...heads.trainableParams(1)]) p.grad.fill(0);
    d.forward(x, 2, true);
    d.backward(dy, 2, false);
    const [, b0] = heads.trainableParams(0);
    for (let j = 0; j < 3; j++) expect(b0.grad[j]).toBeCloseTo(dy[j] + dy[3 + j], 6);
    expect(b1.grad.every((v) => v === 0)).toBe(true);
    heads.restore();
    expect(d.op).toBe(ownOp);
    expect(Array.from(d.bias.value)).toEqual(Array.from(ownBias));
  });
});
