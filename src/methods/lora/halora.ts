/**
 * HaLoRA's regulariser (Hu et al. 2025, arXiv 2502.19747): keep the adapters' products small so
 * that noise on the backbone is not amplified through them,
 *
 *   L_reg = Σ_layers ( ‖A_p A_pᵀ‖₂ + ‖B_pᵀ B_p‖₂ ),   total loss = L_CE + λ·L_reg,
 *
 * with the paper's A_p (r × in) and B_p (out × r). rramsim stores A = A_pᵀ (rows × r) and
 * B = B_pᵀ (r × cols) (lora_matrix_op.ts), so A_p A_pᵀ = AᵀA and B_pᵀ B_p = B Bᵀ, both r × r and
 * positive semi-definite. ‖·‖₂ is the SPECTRAL norm (largest singular value), which for a PSD
 * matrix is its largest eigenvalue:  ‖AᵀA‖₂ = λ_max(AᵀA) = σ_max(A)².
 *
 * Gradient (for a simple top eigenvalue, unit eigenvector v of AᵀA, u of BBᵀ):
 *   ∂λ_max(AᵀA)/∂A = 2·A·v·vᵀ        (rows × r)
 *   ∂λ_max(BBᵀ)/∂B = 2·u·uᵀ·B        (r × cols)
 * (d(vᵀMv) with M = AᵀA: dλ = vᵀ(dAᵀA + AᵀdA)v = 2·⟨A v vᵀ, dA⟩.)  The eigenpair of the r × r
 * Gram matrix comes from cyclic Jacobi rotations in float64 (exact to rounding for r ≤ 64).
 * The penalty reads the host values of A and B (what the optimiser updates), not the cells.
 * Added into A.grad/B.grad after backward, before the optimiser step (train.ts opts.penalty);
 * masked entries (stuck cells, LoRI) are then frozen by the optimiser's update mask as usual.
 */
import type { Param } from '../../nn/param.js';
import type { LoraMatrixOp } from './lora_matrix_op.js';

/** largest eigenvalue and its unit eigenvector of the symmetric r × r matrix M (row-major, float64; M is overwritten) */
export function topEigen(M: Float64Array, r: number): { value: number; vector: Float64Array } {
  const V = new Float64Array(r * r);
  for (let i = 0; i < r; i++) V[i * r + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < r; p++) for (let q = p + 1; q < r; q++) off += M[p * r + q] * M[p * r + q];
    if (off < 1e-30) break;
    for (let p = 0; p < r; p++) {
      for (let q = p + 1; q < r; q++) {
        const apq = M[p * r + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (M[q * r + q] - M[p * r + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < r; k++) { // M ← Jᵀ M J: columns then rows
          const mkp = M[k * r + p], mkq = M[k * r + q];
          M[k * r + p] = c * mkp - s * mkq; M[k * r + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < r; k++) {
          const mpk = M[p * r + k], mqk = M[q * r + k];
          M[p * r + k] = c * mpk - s * mqk; M[q * r + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < r; k++) {
          const vkp = V[k * r + p], vkq = V[k * r + q];
          V[k * r + p] = c * vkp - s * vkq; V[k * r + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < r; i++) if (M[i * r + i] > M[best * r + best]) best = i;
  const vector = new Float64Array(r);
  for (let k = 0; k < r; k++) vector[k] = V[k * r + best];
  return { value: M[best * r + best], vector };
}

/** λ_max(AᵀA) for A (rows × r); adds scale·2·A·v·vᵀ into `grad` when given */
export function gramNormA(A: Float32Array, rows: number, r: number, grad?: Float32Array, scale = 1): number {
  const G = new Float64Array(r * r);
  for (let i = 0; i < rows; i++) for (let a = 0; a < r; a++) { const x = A[i * r + a]; for (let b = 0; b < r; b++) G[a * r + b] += x * A[i * r + b]; }
  const { value, vector: v } = topEigen(G, r);
  if (grad) {
    for (let i = 0; i < rows; i++) {
      let av = 0;
      for (let a = 0; a < r; a++) av += A[i * r + a] * v[a];
      for (let b = 0; b < r; b++) grad[i * r + b] += scale * 2 * av * v[b];
    }
  }
  return value;
}

/** λ_max(BBᵀ) for B (r × cols); adds scale·2·u·uᵀ·B into `grad` when given */
export function gramNormB(B: Float32Array, r: number, cols: number, grad?: Float32Array, scale = 1): number {
  const G = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) { let s = 0; for (let j = 0; j < cols; j++) s += B[a * cols + j] * B[b * cols + j]; G[a * r + b] = s; }
  const { value, vector: u } = topEigen(G, r);
  if (grad) {
    for (let j = 0; j < cols; j++) {
      let ub = 0;
      for (let a = 0; a < r; a++) ub += u[a] * B[a * cols + j];
      for (let a = 0; a < r; a++) grad[a * cols + j] += scale * 2 * u[a] * ub;
    }
  }
  return value;
}

/** L_reg of one adapter pair (no gradient) */
export function haloraReg(A: Param, B: Param): number {
  return gramNormA(A.value, A.rows, A.cols) + gramNormB(B.value, B.rows, B.cols);
}

/** the trainer's penalty hook: adds λ·∂L_reg into the trainable adapters' grads, returns λ·L_reg */
export function haloraPenalty(ops: LoraMatrixOp[], lambda: number): () => number {
  return () => {
    let s = 0;
    for (const op of ops) {
      const A = op.A, B = op.B;
      s += gramNormA(A.value, A.rows, A.cols, A.trainable ? A.grad : undefined, lambda);
      s += gramNormB(B.value, B.rows, B.cols, B.trainable ? B.grad : undefined, lambda);
    }
    return lambda * s;
  };
}
