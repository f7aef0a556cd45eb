// Transposes: y = x with its axes reordered (shaders/permute_forward.wgsl). Keras's Permute layer
// runs it forward with its permutation and backward with the inverse one.
import { defineKernel, grid1d } from '../runner.js';
import { permute_forward } from '../generated/permute_forward.js';
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
  permuteKernel.run([x.buffer, y.buffer], { n: y.size, outShape, inStrides });
  return y;
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
