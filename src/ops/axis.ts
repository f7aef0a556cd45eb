// Ops along axes: reductions (sum, mean, max, min with TF.js's `axis` and `keepDims`), the sum of a
// broadcast gradient back to its operand's shape, and concat / slice along one axis (each the
// other's backward). Reductions over every axis with a sum go through src/ops/reduce.ts's tree
// (parallel over one long array); the others through shaders/reduce_forward.wgsl, one invocation
// per output element.
import { defineKernel, encoder, grid1d } from '../runner.js';
import { reduce_forward } from '../generated/reduce_forward.js';
import { slice_forward } from '../generated/slice_forward.js';
import { empty, formatShape, outputBindings, sizeOf, type Shape, type Tensor } from '../tensor.js';
import { collapse, normalizeAxes, normalizeAxis, rankWords, stridesOf } from './broadcast.js';
import { fill } from './fill.js';
import { sum as sumAll } from './reduce.js';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

interface ReduceParams {
  op: ReduceOp;
  outCount: number;
  redCount: number;
  keptShape: number[];
  keptStrides: number[];
  redShape: number[];
  redStrides: number[];
  scale: number;
}

const OP: Record<ReduceOp, number> = { sum: 0, mean: 0, max: 1, min: 2 };

const reduceKernel = /* @__PURE__ */ defineKernel({
  shader: reduce_forward,
  workgroups: (p: ReduceParams) => grid1d(p.outCount, 64),
  uniforms: (p) => ({
    out_count: p.outCount, red_count: p.redCount, kept_rank: p.keptShape.length, red_rank: p.redShape.length, scale: p.scale, zero: 0,
    kept_shape: rankWords(p.op, p.keptShape), kept_strides: rankWords(p.op, p.keptStrides), red_shape: rankWords(p.op, p.redShape), red_strides: rankWords(p.op, p.redStrides),
  }),
  constants: (p) => ({ OP: OP[p.op] }),
});

interface BlockCopy {
  rows: number;
  cols: number;
  xRow: number;
  xOffset: number;
  yRow: number;
  yOffset: number;
}

/** Elements per thread of slice_forward.wgsl: 4 (VEC4) where every length and offset is a multiple of 4. */
const lanes = (p: BlockCopy) => ([p.cols, p.xRow, p.xOffset, p.yRow, p.yOffset].every((v) => v % 4 === 0) ? 4 : 1);

const sliceKernel = /* @__PURE__ */ defineKernel({
  shader: slice_forward,
  workgroups: (p: BlockCopy) => grid1d((p.rows * p.cols) / lanes(p), 64),
  uniforms: (p) => {
    const l = lanes(p);
    return { rows: p.rows, cols: p.cols / l, x_row: p.xRow / l, x_offset: p.xOffset / l, y_row: p.yRow / l, y_offset: p.yOffset / l };
  },
  constants: (p) => ({ VEC4: Number(lanes(p) === 4) }),
});

/** y[r·yRow + yOffset + c] = x[r·xRow + xOffset + c] for r < rows, c < cols (shaders/slice_forward.wgsl). */
function blockCopy(x: Tensor, y: Tensor, p: BlockCopy): void {
  const { scalar, vector, release } = outputBindings(lanes(p) === 4, [y]);
  sliceKernel.run([x.buffer, scalar[0], x.buffer, vector[0]], p);
  release();
}

/** The shape of reducing `shape` over `axes` (sorted, distinct). */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * Reduces x over `axis` (a number, a list, or all axes when undefined); keepDims keeps them as 1s.
 * mean divides by the number of reduced elements; max/min of an empty reduction is an error.
 */
export function reduce(op: ReduceOp, x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  if (x.dtype !== 'float32') throw new Error(`${op}: needs a float32 tensor, got ${x.dtype} ${formatShape(x.shape)}`);
  const axes = normalizeAxes(op, axis, x.shape.length);
  const outShape = reducedShape(x.shape, axes, keepDims);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  if (count === 0 && (op === 'max' || op === 'min')) throw new Error(`${op}: cannot reduce ${formatShape(x.shape)} over axes ${JSON.stringify(axes)}, which have no elements`);
  const scale = op === 'mean' ? 1 / count : 1;
  const y = empty(outShape);
  if (y.size === 0) return y;
  if (count === 0) throw new Error(`${op}: cannot reduce ${formatShape(x.shape)} over axes ${JSON.stringify(axes)}, which have no elements`);
  // Every axis summed: the tree of src/ops/reduce.ts (parallel, exact to one rounding).
  if (y.size === 1 && (op === 'sum' || op === 'mean')) return sumAll(x, { scale, out: y });
  // Kept and reduced dimensions are collapsed separately: each keeps x's strides.
  const strides = stridesOf(x.shape);
  const pick = (keep: boolean) => collapse(x.shape.map((d, i) => (axes.includes(i) !== keep ? d : 1)), [strides]);
  const kept = pick(true);
  const red = pick(false);
  if (red.shape.length === 0) {
    // Only size-1 axes reduced: the values are the output (times the scale, 1 for these ops).
    y.dispose();
    return copy(x, outShape);
  }
  reduceKernel.run([x.buffer, y.buffer], {
    op, outCount: y.size, redCount: count, keptShape: kept.shape, keptStrides: kept.strides[0], redShape: red.shape, redStrides: red.strides[0], scale,
  });
  return y;
}

/**
 * dy summed over the axes along which an operand of `shape` was broadcast to dy's shape (a
 * broadcast gradient back to its operand). Returns dy itself, or a reshape view of it, when
 * nothing is summed: the caller must not dispose dy while the result is in use.
 */
export function reduceToShape(dy: Tensor, shape: Shape): Tensor {
  const lead = dy.shape.length - shape.length;
  if (lead < 0 || shape.some((d, i) => d !== 1 && d !== dy.shape[lead + i])) throw new Error(`reduceToShape: ${formatShape(dy.shape)} is not a broadcast of ${formatShape(shape)}`);
  const axes = dy.shape.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
  if (axes.length === 0) return formatShape(dy.shape) === formatShape(shape) ? dy : dy.reshape(shape);
  const summed = reduce('sum', dy, axes, true);
  if (formatShape(summed.shape) === formatShape(shape)) return summed;
  const view = summed.reshape(shape);
  // The view owns nothing: hand back a tensor that owns its buffer.
  const owned = copy(view, shape);
  summed.dispose();
  return owned;
}

/** A copy of x with another shape of the same size. */
export function copy(x: Tensor, shape: Shape = x.shape): Tensor {
  if (sizeOf(shape) !== x.size) throw new Error(`copy: ${formatShape(x.shape)} has ${x.size} elements, ${formatShape(shape)} ${sizeOf(shape)}`);
  const y = empty(shape);
  // A whole buffer: the device's own copy (memcpy on a software adapter, 3–5× a copy kernel there).
  if (x.size > 0) encoder().copyBufferToBuffer(x.buffer, 0, y.buffer, 0, x.size * 4);
  return y;
}

/** [rows, the axis, the elements after it] of shape at axis. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** The tensors joined along `axis`; all other dimensions must agree (TF.js's concat). */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  const first = tensors[0].shape;
  const ax = normalizeAxis('concat', axis, first.length);
  for (const t of tensors) {
    if (t.dtype !== 'float32') throw new Error(`concat: needs float32 tensors, got ${t.dtype} ${formatShape(t.shape)}`);
    if (t.shape.length !== first.length || t.shape.some((d, i) => i !== ax && d !== first[i])) {
      throw new Error(`concat: incompatible shapes ${formatShape(first)} and ${formatShape(t.shape)} along axis ${axis} (all other dimensions must be equal)`);
    }
  }
  const outShape = [...first];
  outShape[ax] = tensors.reduce((n, t) => n + t.shape[ax], 0);
  const y = empty(outShape);
  const [rows, total, inner] = around(outShape, ax);
  let offset = 0;
  for (const t of tensors) {
    const cols = t.shape[ax] * inner;
    blockCopy(t, y, { rows, cols, xRow: cols, xOffset: 0, yRow: total * inner, yOffset: offset });
    offset += cols;
  }
  return y;
}

/** x[..., begin : begin + size, ...] along one axis (a copy). */
export function sliceAxis(x: Tensor, axis: number, begin: number, size: number): Tensor {
  const ax = normalizeAxis('slice', axis, x.shape.length);
  const length = x.shape[ax];
  if (!Number.isInteger(begin) || !Number.isInteger(size) || begin < 0 || size < 0 || begin + size > length) {
    throw new Error(`slice: [${begin}, ${begin + size}) is outside axis ${axis} of ${formatShape(x.shape)} (length ${length})`);
  }
  const outShape = [...x.shape];
  outShape[ax] = size;
  const y = empty(outShape);
  const [rows, , inner] = around(x.shape, ax);
  blockCopy(x, y, { rows, cols: size * inner, xRow: length * inner, xOffset: begin * inner, yRow: size * inner, yOffset: 0 });
  return y;
}

/** The gradient of sliceAxis: dy written into zeros of x's shape at [begin, begin + size) along axis. */
export function sliceAxisBackward(dy: Tensor, xShape: Shape, axis: number, begin: number): Tensor {
  const ax = normalizeAxis('slice gradient', axis, xShape.length);
  const size = dy.shape[ax];
  if (dy.shape.length !== xShape.length || dy.shape.some((d, i) => i !== ax && d !== xShape[i]) || begin + size > xShape[ax]) {
    throw new Error(`slice gradient: dy ${formatShape(dy.shape)} at ${begin} does not fit axis ${axis} of ${formatShape(xShape)}`);
  }
  const dx = fill(empty(xShape), 0);
  const [rows, length, inner] = around(xShape, ax);
  blockCopy(dy, dx, { rows, cols: size * inner, xRow: size * inner, xOffset: 0, yRow: length * inner, yOffset: begin * inner });
  return dx;
}

/** TF.js's split: into `numOrSizes` equal parts, or parts of the given sizes, along axis. */
export function split(x: Tensor, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
  const ax = normalizeAxis('split', axis, x.shape.length);
  const length = x.shape[ax];
  let sizes: number[];
  if (typeof numOrSizes === 'number') {
    if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || length % numOrSizes !== 0) throw new Error(`split: axis ${axis} of ${formatShape(x.shape)} (length ${length}) does not divide into ${numOrSizes} equal parts`);
    sizes = new Array<number>(numOrSizes).fill(length / numOrSizes);
  } else {
    sizes = [...numOrSizes];
    if (sizes.reduce((a, b) => a + b, 0) !== length) throw new Error(`split: sizes ${JSON.stringify(sizes)} do not add up to axis ${axis} of ${formatShape(x.shape)} (length ${length})`);
  }
  let begin = 0;
  return sizes.map((size) => {
    const part = sliceAxis(x, ax, begin, size);
    begin += size;
    return part;
  });
}
