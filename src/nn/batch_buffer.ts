/**
 * A growable activation buffer with an exact-length view per batch size.
 *
 * `view(n)` returns a Float32Array of exactly n·perSample floats. The backing store (from
 * `allocF32`) grows only when n exceeds every batch size seen so far; the view object is rebuilt
 * only when n changes. So in steady-state training (constant batch size) nothing is allocated.
 *
 * Where the store lives: on the native backend an ordinary Float32Array, which the garbage
 * collector takes back once the network or the smaller store is dropped; otherwise the kernels'
 * wasm arena (allocF32), where the wasm GEMM reads it in place but nothing is freed before the
 * arena is released at the end of a point. The arena kept every store of a point: the base
 * network's training buffers, the crossbar copy's, and each store a larger batch replaced (a
 * ResNet-20 sweep worker peaked at 1,125 MB with arena stores and 865 MB with heap stores on the
 * native backend, the same point and bits). Both are zero-filled, so the values do not depend on it.
 */
import { allocF32 } from '../kernels/alloc.js';
import { getBackend } from '../kernels/backend.js';

/** a zero-filled store of `len` floats: heap on the native backend, the wasm arena otherwise */
function allocStore(len: number): Float32Array {
  return getBackend() === 'native' ? new Float32Array(len) : allocF32(len);
}

export class BatchBuffer {
  private store: Float32Array = new Float32Array(0);
  private cur: Float32Array = this.store;
  private curN = 0;
  constructor(readonly perSample: number) {}

  view(n: number): Float32Array {
    if (n === this.curN) return this.cur;
    const len = n * this.perSample;
    if (len > this.store.length) this.store = allocStore(len);
    this.cur = this.store.subarray(0, len);
    this.curN = n;
    return this.cur;
  }
}
