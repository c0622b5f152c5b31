/**
 * Buffer allocation for tensors used by kernels. Layers allocate activations, gradients and
 * parameters through `allocF32` so a backend can place them where its kernels work without
 * copies (e.g. inside WebAssembly memory). PLACEHOLDER: plain Float32Array; the kernels work
 * replaces it (same signature; buffers stay valid for the life of the process).
 */
export function allocF32(n: number): Float32Array {
  return new Float32Array(n);
}
