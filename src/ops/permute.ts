// Transposes: y = x with its axes reordered (shaders/permute_forward.wgsl; permutations that only
// swap the last two axes by 16 × 16 tiles, shaders/permute_tiled_forward.wgsl). Keras's Permute
// layer runs it forward with its permutation and backward with the inverse one.
import { context } from '../device.js';
import { defineKernel, grid1d } from '../runner.js';
import { permute_forward } from '../generated/permute_forward.js';
import { permute_tiled_forward } from '../generated/permute_tiled_forward.js';
import { formatShape, type Shape, type Tensor } from '../tensor.js';
import { outputTensor } from './shapes.js';

/** Axes the kernel's uniform block holds (two vec4s). */
const MAX_RANK = 8;

interface Transpose {
  n: number;
  outShape: number[];
  inStrides: number[];
}

const permuteKernel = /* @__PURE__ */ defineKernel({
  shader: permute_forward,
  workgroups: (p: Transpose) => grid1d(p.n, 64),
  uniforms: ({ n, outShape, inStrides }) => ({ n, rank: outShape.length, out_shape: padded(outShape), in_strides: padded(inStrides) }),
});

/** [batch, rows, cols] → [batch, cols, rows] by 16 × 16 tiles. */
const tiledKernel = /* @__PURE__ */ defineKernel({
  shader: permute_tiled_forward,
  workgroups: (p: { batch: number; rows: number; cols: number }) => [Math.ceil(p.cols / 16), Math.ceil(p.rows / 16), p.batch],
  uniforms: ({ rows, cols }) => ({ rows, cols }),
});

const padded = (v: number[]) => [...v, ...new Array<number>(MAX_RANK - v.length).fill(0)];

/** Whether perm is a permutation of 0 … rank − 1. */
export function isPermutation(perm: readonly number[], rank: number): boolean {
  return perm.length === rank && perm.every((p) => Number.isInteger(p) && p >= 0 && p < rank) && new Set(perm).size === rank;
}

/** The permutation that undoes perm: inverse[perm[i]] = i. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/**
 * y's axis i is x's axis perm[i] (TF.js's transpose). Axes of size 1 are dropped and runs of axes
 * that stay neighbours in order are merged first, so the kernel walks only the axes that move.
 */
export function transpose(x: Tensor, perm: readonly number[], out?: Tensor): Tensor {
  if (!isPermutation(perm, x.shape.length)) throw new Error(`transpose: perm ${formatShape(perm)} is not a permutation of the ${x.shape.length} axes of ${formatShape(x.shape)}`);
  const yShape: Shape = perm.map((p) => x.shape[p]);
  const y = outputTensor('transpose', yShape, out);
  const { outShape, inStrides } = collapse(x.shape, perm);
  const swap = lastTwoSwapped(outShape, inStrides);
  // Swapping the last two axes (a sequence's [steps, channels], one image's rows and columns):
  // the tiled kernel reads and writes along rows; measured side by side on lavapipe at
  // [2048, 2048] and [8, 256, 2048] it takes 0.4–0.5 of the general kernel's time.
  const maxGroups = context().limits.maxComputeWorkgroupsPerDimension;
  if (swap && swap.batch <= maxGroups && Math.ceil(Math.max(swap.rows, swap.cols) / 16) <= maxGroups) tiledKernel.run([x.buffer, y.buffer], swap);
  else permuteKernel.run([x.buffer, y.buffer], { n: y.size, outShape, inStrides });
  return y;
}

/** The [batch, rows, cols] of x when the (collapsed) permutation only swaps its last two axes, else null. */
function lastTwoSwapped(outShape: number[], inStrides: number[]): { batch: number; rows: number; cols: number } | null {
  const k = outShape.length;
  if (k < 2 || k > 3) return null;
  const [cols, rows] = outShape.slice(-2);
  const batchOk = k === 2 || inStrides[0] === rows * cols;
  return batchOk && inStrides[k - 2] === 1 && inStrides[k - 1] === cols ? { batch: k === 3 ? outShape[0] : 1, rows, cols } : null;
}

/** y's shape and x's strides along y's axes, with size-1 axes left out and neighbouring runs merged. */
function collapse(shape: Shape, perm: readonly number[]): { outShape: number[]; inStrides: number[] } {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
  const outShape: number[] = [];
  const inStrides: number[] = [];
  let previous = -1;
  for (const axis of perm) {
    if (shape[axis] === 1) continue;
    // This axis follows the previous kept one in x as well (only size-1 axes between): one axis of
    // their product, with x's inner stride.
    if (outShape.length > 0 && axis > previous && shape.slice(previous + 1, axis).every((d) => d === 1)) {
      outShape[outShape.length - 1] *= shape[axis];
      inStrides[inStrides.length - 1] = strides[axis];
    } else {
      outShape.push(shape[axis]);
      inStrides.push(strides[axis]);
    }
    previous = axis;
  }
  if (outShape.length === 0) return { outShape: [1], inStrides: [1] };
  if (outShape.length > MAX_RANK) throw new Error(`transpose: permuting ${formatShape(shape)} by ${formatShape(perm)} moves ${outShape.length} axes; at most ${MAX_RANK} are supported`);
  return { outShape, inStrides };
}
