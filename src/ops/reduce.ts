// Full reductions (sum, mean) as a tree of passes over double-float partials: see
// shaders/sum_forward.wgsl. Used by the losses and for reading a scalar out of the GPU.
import { defineKernel } from '../runner.js';
import { sum_forward } from '../generated/sum_forward.js';
import { empty, Tensor } from '../tensor.js';

/**
 * Elements one workgroup sums per pass: large enough that few passes are needed, small enough to
 * keep all cores busy. Also the slice of the fused kernels whose first pass computes its summands
 * (the losses) and hands partials to sumPartials().
 */
export const PER_GROUP = 4096;

interface SumPass {
  n: number;
  perGroup: number;
  groups: number;
  scale: number;
  pairs: boolean;
  final: boolean;
  outIndex: number;
  accumulate: boolean;
}

const sumKernel = /* @__PURE__ */ defineKernel({
  shader: sum_forward,
  workgroups: (p: SumPass) => [p.groups],
  uniforms: ({ n, perGroup, scale, outIndex }) => ({ n, perGroup, scale, zero: 0, outIndex }),
  constants: (p) => ({ PAIRS: Number(p.pairs), FINAL: Number(p.final), ACCUMULATE: Number(p.accumulate) }),
});

export interface SumOptions {
  /** Multiplies the result (1/n gives the mean). */
  scale?: number;
  /** Where to write: out[outIndex] (e.g. one slot per batch, so losses stay on the GPU until the epoch ends). */
  out?: Tensor;
  outIndex?: number;
  /** Add to out[outIndex] instead of overwriting it (a penalty added to a batch's loss). */
  accumulate?: boolean;
}

/** scale · Σ x, as a 1-element tensor, or into out[outIndex]. */
export function sum(x: Tensor, options: SumOptions = {}): Tensor {
  return sumFrom(x, x.size, false, options);
}

/** scale · Σ of `count` double-float (hi, lo) partials (a fused kernel's first pass), like sum(). */
export function sumPartials(partials: Tensor, count: number, options: SumOptions = {}): Tensor {
  return sumFrom(partials, count, true, options);
}

function sumFrom(x: Tensor, count: number, fromPairs: boolean, { scale = 1, out = empty([1]), outIndex = 0, accumulate = false }: SumOptions): Tensor {
  if (outIndex >= out.size) throw new Error(`sum: outIndex ${outIndex} is outside out (${out.size} elements)`);
  let input = x;
  let n = count;
  let pairs = fromPairs;
  const temporaries: Tensor[] = [];
  while (n > PER_GROUP) {
    const groups = Math.ceil(n / PER_GROUP);
    const partials = empty([groups, 2]);
    sumKernel.run([input.buffer, partials.buffer], { n, perGroup: PER_GROUP, groups, scale, pairs, final: false, outIndex: 0, accumulate: false });
    temporaries.push(partials);
    input = partials;
    n = groups;
    pairs = true;
  }
  sumKernel.run([input.buffer, out.buffer], { n, perGroup: Math.max(n, 1), groups: 1, scale, pairs, final: true, outIndex, accumulate });
  // Pooled buffers go back for reuse; later kernels that reuse them are encoded after this one.
  for (const t of temporaries) t.dispose();
  return out;
}

export function mean(x: Tensor, options: Omit<SumOptions, 'scale'> = {}): Tensor {
  return sum(x, { ...options, scale: 1 / x.size });
}
