// The one place that picks kernel variants and tile shapes per adapter. Software adapters run a
// workgroup as a loop over SIMD lanes on a CPU core, so they want no barriers and register tiles;
// GPUs want the opposite. Ops ask here and never test the adapter themselves.

/** The matmul kernels (see shaders/matmul_*.wgsl). */
export type MatmulKernel = 'register';

export interface MatmulPlan {
  kernel: MatmulKernel;
}

/** Picks the matmul kernel for C [m, n] = op(A)·op(B) with inner dimension k on the current adapter. */
export function matmulPlan(_m: number, _n: number, _k: number): MatmulPlan {
  return { kernel: 'register' };
}
