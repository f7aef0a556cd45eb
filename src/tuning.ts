// The one place that picks kernel variants and tile shapes per adapter. Software adapters run a
// workgroup as a loop over SIMD lanes on a CPU core, so they want no barriers and register tiles;
// GPUs want the opposite. Ops ask here and never test the adapter themselves.
import { context } from './device.js';

/**
 * The matmul kernels: 'subgroup' (shaders/matmul_subgroup_forward.wgsl) for lavapipe, 'tiled'
 * (matmul_tiled_forward.wgsl, workgroup-memory tiles) for GPUs, 'register' (matmul_forward.wgsl,
 * register tiles, no barriers) for other CPU adapters and whatever the subgroup kernel cannot take.
 */
export type MatmulKernel = 'subgroup' | 'tiled' | 'register';

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

/**
 * SIMD width of lavapipe's shaders in 32-bit lanes (its subgroup size), read from the device name
 * it reports, e.g. 'llvmpipe-llvm-15-0-6-256-bits-'; 0 for other adapters.
 */
function lavapipeLanes(): number {
  const bits = /llvmpipe.*?(\d+)-bits/i.exec(context().adapter.device);
  return bits ? Number(bits[1]) / 32 : 0;
}

/** The matmul kernels this adapter can run, fastest first. */
export function matmulKernels(): MatmulKernel[] {
  const { adapter, features } = context();
  if (!adapter.isSoftware) return ['tiled', 'register'];
  // The subgroup kernel needs its workgroup of 8 inside one subgroup: 8 lanes (AVX2) or 16
  // (AVX-512), not the 4 of SSE or NEON builds.
  return features.has('subgroups') && lavapipeLanes() >= 8 ? ['subgroup', 'register', 'tiled'] : ['register', 'tiled'];
}

/** Whether the subgroup kernel's vec4 loads line up with the rows of A, B and C (and find a vec4 to load). */
function subgroupFits({ m, n, k, transposeA, transposeB }: MatmulShape): boolean {
  return k > 0 && n % 4 === 0 && (transposeA ? m : k) % 4 === 0 && (!transposeB || k % 4 === 0);
}

/**
 * Rows per workgroup for the subgroup kernel. On lavapipe (LLVM 15, AVX2) a step of 4 along K
 * compiles to about 1600 + 100·rows instructions per workgroup (most of the 1600 load B), so
 * fewer, taller blocks win unless the last one would be mostly empty.
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
  return { kernel, rows: kernel === 'subgroup' ? subgroupRows(shape.m) : kernel === 'tiled' ? 64 : 8 };
}

/**
 * The convolution kernels: 'subgroup' (shaders/conv2d_*_subgroups.wgsl) on CPU adapters whose
 * subgroups hold 8 lanes or more (lavapipe on AVX2), where they run 2–5× faster than the portable
 * ones; 'portable' (conv2d_forward.wgsl, …) elsewhere: with SwiftShader's 4-lane subgroups the
 * portable kernels are the faster ones (1.5–7× at the conv benchmark's shapes).
 */
export type ConvKernels = 'subgroup' | 'portable';

let forcedConv: ConvKernels | undefined;

/** Makes the convolutions use these kernels where the adapter can run them (tests); undefined restores the choice. */
export function forceConvKernels(kernels: ConvKernels | undefined): void {
  forcedConv = kernels;
}

export function convKernels(): ConvKernels {
  const { adapter, features, device } = context();
  const subgroup = adapter.isSoftware && features.has('subgroups') && (device.adapterInfo?.subgroupMinSize ?? 0) >= 8;
  return subgroup && forcedConv !== 'portable' ? 'subgroup' : 'portable';
}
