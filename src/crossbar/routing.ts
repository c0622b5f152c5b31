/**
 * Routing of a crossbar op: which physical slot each logical weight sits on, and the lists the
 * programming and read loops derive from it. Logical (i, j) sits on slot (permR[i], permC[j])
 * (pure routing: the ideal function is unchanged). On every permutation change `rebuild` refills:
 *   partial / partialSlot  logical indices (ascending) whose slot has a stuck cell, and their slots
 *                          (the fast kernels program these apart: crossbar_array.ts); in wasm
 *                          memory (allocI32) so the wasm loops read them in place
 *   stuckIdx               logical indices whose cells are all stuck (no gradient: ste_backward.ts)
 *   mask                   the weight's update mask: 0 where all cells are stuck, else 1
 *                          (these two from what the methods know, array.knownKind: the physical
 *                          slot kinds unless wear-out is on, then only detected faults count)
 *   rowList / colList      logical rows (cols) ordered by physical row (col), so a tile row is a
 *                          contiguous run (tiled read path)
 *   identity / colIdentity both permutations / the column permutation are the identity
 */
import { allocI32 } from '../kernels/alloc.js';
import { SlotKind } from './cell_state.js';
import type { CrossbarArray } from './crossbar_array.js';

function checkPerm(perm: Int32Array, n: number, what: string): void {
  if (perm.length !== n) throw new RangeError(`${what} permutation has length ${perm.length}, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = perm[i];
    if (!(p >= 0 && p < n) || seen[p]) throw new RangeError(`${what} permutation is not a permutation of 0..${n - 1}`);
    seen[p] = 1;
  }
}

export class Routing {
  /** in wasm memory (allocI32) so the row-permuted wasm programming loop can read it in place */
  readonly permR: Int32Array;
  readonly permC: Int32Array;
  readonly rowList: Int32Array;
  readonly colList: Int32Array;
  readonly mask: Float32Array;
  // in wasm memory from the start (allocI32), so rebuild reallocates only on a length change
  partial: Int32Array = allocI32(0);
  partialSlot: Int32Array = allocI32(0);
  stuckIdx: Int32Array = new Int32Array(0);
  identity = true;
  colIdentity = true;

  constructor(readonly rows: number, readonly cols: number) {
    this.permR = allocI32(rows);
    for (let i = 0; i < rows; i++) this.permR[i] = i;
    this.permC = Int32Array.from({ length: cols }, (_, i) => i);
    this.rowList = new Int32Array(rows);
    this.colList = new Int32Array(cols);
    this.mask = new Float32Array(rows * cols);
  }

  setRows(perm: Int32Array): void {
    checkPerm(perm, this.rows, 'row');
    this.permR.set(perm);
  }

  setCols(perm: Int32Array): void {
    checkPerm(perm, this.cols, 'column');
    this.permC.set(perm);
  }

  /** slot of logical index (i, j) */
  slot(i: number, j: number): number {
    return this.permR[i] * this.cols + this.permC[j];
  }

  /** refill the derived lists after a permutation change */
  rebuild(array: CrossbarArray): void {
    const { rows, cols, permR, permC } = this;
    const stuck: number[] = [];
    // a permutation moves slots around but not their number: the partial lists are allocated once
    let nPartial = 0;
    for (let s = 0; s < rows * cols; s++) if (array.slotKind[s] !== SlotKind.AllHealthy) nPartial++;
    if (this.partial.length !== nPartial) {
      this.partial = allocI32(nPartial);
      this.partialSlot = allocI32(nPartial);
    }
    let k = 0;
    for (let i = 0; i < rows; i++) {
      const pr = permR[i] * cols;
      for (let j = 0; j < cols; j++) {
        const s = pr + permC[j];
        const fs = array.knownFullyStuck(s);
        this.mask[i * cols + j] = fs ? 0 : 1;
        if (fs) stuck.push(i * cols + j);
        if (array.slotKind[s] !== SlotKind.AllHealthy) { this.partial[k] = i * cols + j; this.partialSlot[k] = s; k++; }
      }
    }
    this.stuckIdx = Int32Array.from(stuck);
    const invR = new Int32Array(rows), invC = new Int32Array(cols);
    for (let i = 0; i < rows; i++) invR[permR[i]] = i;
    for (let j = 0; j < cols; j++) invC[permC[j]] = j;
    let idC = true, idR = true;
    for (let j = 0; j < cols && idC; j++) idC = permC[j] === j;
    for (let i = 0; i < rows && idR; i++) idR = permR[i] === i;
    this.colIdentity = idC;
    this.identity = idC && idR;
    this.rowList.set(invR);
    this.colList.set(invC);
  }
}
