/**
 * A growable activation buffer with an exact-length view per batch size.
 *
 * `view(n)` returns a Float32Array of exactly n·perSample floats. The backing store (from
 * `allocF32`) grows only when n exceeds every batch size seen so far; the view object is rebuilt
 * only when n changes. So in steady-state training (constant batch size) nothing is allocated.
 */
import { allocF32 } from '../kernels/alloc.js';

export class BatchBuffer {
  private store: Float32Array = allocF32(0);
  private cur: Float32Array = this.store;
  private curN = 0;
  constructor(readonly perSample: number) {}

  view(n: number): Float32Array {
    if (n === this.curN) return this.cur;
    const len = n * this.perSample;
    if (len > this.store.length) this.store = allocF32(len);
    this.cur = this.store.subarray(0, len);
    this.curN = n;
    return this.cur;
  }
}
