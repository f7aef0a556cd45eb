// Shape arithmetic shared by the broadcasting and axis ops: TF.js's (NumPy's) broadcasting rule,
// element strides that read a smaller operand at a bigger shape, and the collapse of adjacent
// dimensions that every operand walks the same way, so kernels see the lowest rank that works.
import { formatShape, type Shape } from '../tensor.js';

/** The most dimensions a kernel walks after collapsing (the uniform blocks hold 8). */
export const MAX_RANK = 8;

/** The broadcast shape of a and b, aligned at their last axes; throws naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: incompatible shapes ${formatShape(a)} and ${formatShape(b)} (axis ${i - rank} is ${da} vs ${db}; broadcasting needs equal sizes or 1)`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Row-major element strides of shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** Strides that read an operand of `shape` at `outShape` (0 along the axes it is broadcast over). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : own[d - lead]));
}

/**
 * Drops size-1 dimensions and merges neighbours that every stride list walks contiguously
 * (stride[d] = stride[d+1]·shape[d+1], which a broadcast 0 satisfies too). [2,3,4] + [4] becomes
 * [6,4] with strides [[4,1],[0,1]]; a same-shape op becomes rank 1.
 */
export function collapse(shape: Shape, strides: number[][]): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => out[k][last] === s[d] * shape[d])) {
      dims[last] *= shape[d];
      strides.forEach((s, k) => (out[k][last] = s[d]));
    } else {
      dims.push(shape[d]);
      strides.forEach((s, k) => out[k].push(s[d]));
    }
  }
  return { shape: dims, strides: out };
}

/** One uniform array of MAX_RANK u32 words (two vec4u), zero-padded. */
export function rankWords(op: string, values: readonly number[]): number[] {
  if (values.length > MAX_RANK) throw new Error(`${op}: ${values.length} dimensions after merging, more than the ${MAX_RANK} the kernels walk`);
  return [...values, ...new Array<number>(MAX_RANK - values.length).fill(0)];
}

/** An axis in [-rank, rank) as a non-negative index; throws naming the op. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new Error(`${op}: axis ${axis} is out of range for a rank-${rank} tensor (expected an integer in [${-rank}, ${rank}))`);
  return axis < 0 ? axis + rank : axis;
}

/** Sorted, distinct non-negative axes from TF.js's `axis` argument (all axes when undefined). */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined || axis === null) return [...Array(rank).keys()];
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const axes = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axis ${JSON.stringify(axis)} names an axis twice`);
  return axes.sort((x, y) => x - y);
}
