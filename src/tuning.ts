// The one place that picks kernel variants and tile shapes per adapter. Software adapters run a
// workgroup as a loop over SIMD lanes on a CPU core, so they want no barriers and register tiles;
// GPUs want the opposite. Ops ask here and never test the adapter themselves.
import { context } from './device.js';

/** The matmul kernels: shaders/matmul_subgroup_forward.wgsl and shaders/matmul_forward.wgsl. */
export type MatmulKernel = 'subgroup' | 'register';

export interface MatmulShape {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

export interface MatmulPlan {
  kernel: MatmulKernel;
  /** Rows of C per workgroup (the subgroup kernel's ROWS). */
  rows: number;
}

let forced: MatmulKernel | undefined;

/** Makes matmul use this kernel wherever it can run the shape (tests and benchmarks); undefined restores the choice. */
export function forceMatmulKernel(kernel: MatmulKernel | undefined): void {
  forced = kernel;
}

/** The matmul kernels this adapter can run, fastest first. */
export function matmulKernels(): MatmulKernel[] {
  const { adapter, features } = context();
  // lavapipe runs a workgroup of 8 as one 8-lane (AVX2) or 16-lane (AVX-512) subgroup.
  const lavapipe = /llvmpipe|lavapipe/i.test(`${adapter.description} ${adapter.device} ${adapter.architecture}`);
  return lavapipe && features.has('subgroups') ? ['subgroup', 'register'] : ['register'];
}

/** Whether the subgroup kernel's vec4 loads line up with the rows of A, B and C (and find a vec4 to load). */
function subgroupFits({ m, n, k, transposeA, transposeB }: MatmulShape): boolean {
  return k > 0 && n % 4 === 0 && (transposeA ? m : k) % 4 === 0 && (!transposeB || k % 4 === 0);
}

/**
 * Rows per workgroup for the subgroup kernel: each step along K costs about 20 instructions per
 * row of A plus 320 for the 32 columns of B, so fewer, taller blocks win unless the last one
 * would be mostly empty.
 */
function subgroupRows(m: number): number {
  let best = 32;
  for (const rows of [32, 24, 16, 8]) if (Math.ceil(m / rows) * (rows + 16) < Math.ceil(m / best) * (best + 16)) best = rows;
  return best;
}

/** Picks the kernel and tile for C [m, n] = op(A)·op(B) on the current adapter. */
export function matmulPlan(shape: MatmulShape): MatmulPlan {
  const usable = matmulKernels().filter((kernel) => kernel !== 'subgroup' || subgroupFits(shape));
  const kernel = forced && usable.includes(forced) ? forced : usable[0];
  return { kernel, rows: kernel === 'subgroup' ? subgroupRows(shape.m) : 32 };
}
