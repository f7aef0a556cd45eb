// The differentiable ops, with TF.js's names and signatures: each runs its kernel (src/ops/) and,
// while a gradient tape is recording (src/tape.ts), records how to take its gradient. Binary ops
// broadcast as TF.js does and take numbers for either operand.
import { concat as concatKernel, reduce, reducedShape, sliceAxis, sliceAxisBackward, split as splitKernel, type ReduceOp } from './ops/axis.js';
import { binary, binaryGrads, type BinaryOp, type Operand } from './ops/binary.js';
import { normalizeAxes, normalizeAxis } from './ops/broadcast.js';
import { matmul } from './ops/matmul.js';
import { randomNormalTensor, randomUniformTensor } from './ops/random.js';
import { unary, unaryGrad, type Clip, type UnaryOp } from './ops/unary.js';
import { nextSeed } from './initializers.js';
import { inputsOf, isRecording, record } from './tape.js';
import { isTracing, traceOp } from './ops/loss_program.js';
import { formatShape, sizeOf, type Shape, type Tensor } from './tensor.js';
import type { SymbolicTensor } from './graph.js';

/**
 * An op's tensor argument. A symbolic tensor (from input() or layer.apply()) is accepted inside
 * model.addLoss(() => …), where it stands for its value in each training step.
 */
export type TensorArg = Tensor | SymbolicTensor;
/** A tensor argument or a scalar constant. */
export type OperandArg = TensorArg | number;

function binaryOp(op: BinaryOp, a0: OperandArg, b0: OperandArg): Tensor {
  // Inside a loss being compiled (src/ops/loss_program.ts), ops on its traced values only record.
  const traced = isTracing() ? traceOp(op, [a0, b0]) : undefined;
  if (traced) return traced as unknown as Tensor;
  const [a, b] = inputsOf(op, [a0, b0] as Operand[]);
  const y = binary(op, a, b);
  if (isRecording()) record({ op, inputs: [a, b], output: y, backward: (dy, need) => binaryGrads(op, a, b, dy, [need[0], need[1]]) });
  return y;
}

/** a + b, broadcasting. */
export const add = (a: OperandArg, b: OperandArg): Tensor => binaryOp('add', a, b);
/** a - b, broadcasting. */
export const sub = (a: OperandArg, b: OperandArg): Tensor => binaryOp('sub', a, b);
/** a · b, broadcasting. */
export const mul = (a: OperandArg, b: OperandArg): Tensor => binaryOp('mul', a, b);
/** a / b, broadcasting. */
export const div = (a: OperandArg, b: OperandArg): Tensor => binaryOp('div', a, b);
/** a ^ b, broadcasting (a negative base needs an integer exponent). */
export const pow = (a: OperandArg, b: OperandArg): Tensor => binaryOp('pow', a, b);
/** max(a, b) elementwise; the gradient goes to a where a ≥ b. */
export const maximum = (a: OperandArg, b: OperandArg): Tensor => binaryOp('maximum', a, b);
/** min(a, b) elementwise; the gradient goes to a where a ≤ b. */
export const minimum = (a: OperandArg, b: OperandArg): Tensor => binaryOp('minimum', a, b);
/** (a - b)², broadcasting. */
export const squaredDifference = (a: OperandArg, b: OperandArg): Tensor => binaryOp('squaredDifference', a, b);

function unaryOp(op: UnaryOp, x0: TensorArg, clip?: Clip): Tensor {
  const traced = isTracing() ? traceOp(op, [x0], clip) : undefined;
  if (traced) return traced as unknown as Tensor;
  const [x] = inputsOf(op, [x0 as Tensor]);
  const y = unary(op, x, clip);
  if (isRecording()) record({ op, inputs: [x], output: y, backward: (dy) => [unaryGrad(op, x, y, dy, clip)] });
  return y;
}

export const neg = (x: TensorArg): Tensor => unaryOp('neg', x);
export const exp = (x: TensorArg): Tensor => unaryOp('exp', x);
export const log = (x: TensorArg): Tensor => unaryOp('log', x);
export const sqrt = (x: TensorArg): Tensor => unaryOp('sqrt', x);
export const square = (x: TensorArg): Tensor => unaryOp('square', x);
export const abs = (x: TensorArg): Tensor => unaryOp('abs', x);
export const reciprocal = (x: TensorArg): Tensor => unaryOp('reciprocal', x);
export const relu = (x: TensorArg): Tensor => unaryOp('relu', x);
export const sigmoid = (x: TensorArg): Tensor => unaryOp('sigmoid', x);
export const tanh = (x: TensorArg): Tensor => unaryOp('tanh', x);
/** x clipped to [clipValueMin, clipValueMax]; the gradient passes where x lies in that range. */
export const clipByValue = (x: TensorArg, clipValueMin: number, clipValueMax: number): Tensor => unaryOp('clipByValue', x, { lo: clipValueMin, hi: clipValueMax });

function reduceOp(op: ReduceOp, x0: TensorArg, axis?: number | number[], keepDims = false): Tensor {
  const traced = isTracing() ? traceOp(op, [x0], { axis, keepDims }) : undefined;
  if (traced) return traced as unknown as Tensor;
  const [x] = inputsOf(op, [x0 as Tensor]);
  const y = reduce(op, x, axis, keepDims);
  if (!isRecording()) return y;
  const axes = normalizeAxes(op, axis, x.shape.length);
  const keptShape = reducedShape(x.shape, axes, true);
  record({
    op,
    inputs: [x],
    output: y,
    backward: (dy) => {
      const dyKept = dy.reshape(keptShape);
      if (op === 'sum') return [binary('add', dyKept, 0, x.shape)];
      if (op === 'mean') return [binary('mul', dyKept, sizeOf(keptShape) / Math.max(x.size, 1), x.shape)];
      // max/min: dy goes to every element equal to the extreme (TF.js's rule for ties).
      const mask = binary('equal', x, y.reshape(keptShape));
      return [binary('mul', mask, dyKept)];
    },
  });
  return y;
}

/** Σ x over axis (all axes when omitted); keepDims keeps reduced axes as 1s. */
export const sum = (x: TensorArg, axis?: number | number[], keepDims = false): Tensor => reduceOp('sum', x, axis, keepDims);
/** The mean of x over axis (all axes when omitted). */
export const mean = (x: TensorArg, axis?: number | number[], keepDims = false): Tensor => reduceOp('mean', x, axis, keepDims);
/** The largest element over axis (all axes when omitted). */
export const max = (x: TensorArg, axis?: number | number[], keepDims = false): Tensor => reduceOp('max', x, axis, keepDims);
/** The smallest element over axis (all axes when omitted). */
export const min = (x: TensorArg, axis?: number | number[], keepDims = false): Tensor => reduceOp('min', x, axis, keepDims);

/** x viewed with another shape (no copy; one dimension may be -1). */
export function reshape(x0: TensorArg, shape: readonly number[]): Tensor {
  const [x] = inputsOf('reshape', [x0 as Tensor]);
  const unknown = shape.filter((d) => d === -1).length;
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  if (unknown > 1 || (unknown === 1 && (known === 0 || x.size % known !== 0))) throw new Error(`reshape: cannot view ${formatShape(x.shape)} (${x.size} elements) as ${formatShape(shape)}`);
  const target = shape.map((d) => (d === -1 ? x.size / known : d));
  const y = x.reshape(target);
  if (isRecording()) record({ op: 'reshape', inputs: [x], output: y, backward: (dy) => [dy.reshape(x.shape)] });
  return y;
}

/** The tensors joined along axis. */
export function concat(tensors0: TensorArg[], axis = 0): Tensor {
  if (!Array.isArray(tensors0)) throw new Error('concat: expected a list of tensors');
  const tensors = inputsOf('concat', tensors0 as Tensor[]);
  const y = concatKernel(tensors, axis);
  if (isRecording()) {
    const ax = normalizeAxis('concat', axis, y.shape.length);
    record({ op: 'concat', inputs: tensors, output: y, backward: (dy) => splitKernel(dy, tensors.map((t) => t.shape[ax]), ax) });
  }
  return y;
}

/** TF.js's slice: `size[i]` elements from `begin[i]` along each axis (-1: to the end). */
export function slice(x0: TensorArg, begin: number | number[], size?: number | number[]): Tensor {
  const [x] = inputsOf('slice', [x0 as Tensor]);
  const rank = x.shape.length;
  const starts = typeof begin === 'number' ? [begin, ...new Array<number>(rank - 1).fill(0)] : [...begin, ...new Array<number>(rank - begin.length).fill(0)];
  const sizes = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  if (starts.length !== rank || sizes.length > rank) throw new Error(`slice: begin ${JSON.stringify(begin)} and size ${JSON.stringify(size)} do not fit ${formatShape(x.shape)}`);
  const lengths = x.shape.map((d, axis) => (sizes[axis] === undefined || sizes[axis] === -1 ? d - starts[axis] : sizes[axis]));
  // Every axis checked before any work, against x's own shape.
  lengths.forEach((length, axis) => {
    const at = starts[axis];
    if (!Number.isInteger(at) || !Number.isInteger(length) || at < 0 || length < 0 || at + length > x.shape[axis]) {
      throw new Error(`slice: [${at}, ${at + length}) is outside axis ${axis} of ${formatShape(x.shape)} (length ${x.shape[axis]})`);
    }
  });
  let y = x;
  for (let axis = 0; axis < rank; axis++) {
    const length = lengths[axis];
    if (starts[axis] === 0 && length === x.shape[axis]) continue;
    const input = y;
    y = sliceAxis(input, axis, starts[axis], length);
    const at = starts[axis];
    if (isRecording()) record({ op: 'slice', inputs: [input], output: y, backward: (dy) => [sliceAxisBackward(dy, input.shape, axis, at)] });
  }
  // Nothing cut: a view, so that the result is a tensor of its own like every op's.
  return y === x ? reshape(x, x.shape) : y;
}

/** TF.js's split: numOrSizeSplits equal parts, or parts of the given sizes, along axis. */
export function split(x0: TensorArg, numOrSizeSplits: number | number[], axis = 0): Tensor[] {
  const [x] = inputsOf('split', [x0 as Tensor]);
  const ax = normalizeAxis('split', axis, x.shape.length);
  const parts = splitKernel(x, numOrSizeSplits, ax);
  if (isRecording()) {
    let begin = 0;
    for (const part of parts) {
      const at = begin;
      record({ op: 'split', inputs: [x], output: part, backward: (dy) => [sliceAxisBackward(dy, x.shape, ax, at)] });
      begin += part.shape[ax];
    }
  }
  return parts;
}

/** a · b for 2-D tensors (optionally transposed). */
export function matMul(a0: TensorArg, b0: TensorArg, transposeA = false, transposeB = false): Tensor {
  const [a, b] = inputsOf('matMul', [a0, b0] as Tensor[]);
  const y = matmul(a, b, { transposeA, transposeB });
  if (isRecording()) {
    record({
      op: 'matMul',
      inputs: [a, b],
      output: y,
      // C = op(a)·op(b): d op(a) = dC·op(b)ᵀ and d op(b) = op(a)ᵀ·dC, transposed back where stored transposed.
      backward: (dy, need) => [
        need[0] ? (transposeA ? matmul(b, dy, { transposeA: transposeB, transposeB: true }) : matmul(dy, b, { transposeB: !transposeB })) : null,
        need[1] ? (transposeB ? matmul(dy, a, { transposeA: true, transposeB: transposeA }) : matmul(a, dy, { transposeA: !transposeA })) : null,
      ],
    });
  }
  return y;
}

function checkDtype(op: string, dtype: string | undefined): void {
  if (dtype !== undefined && dtype !== 'float32') throw new Error(`${op}: only float32 is supported, got dtype '${dtype}'`);
}

/**
 * Samples of N(mean, stdDev²) from the library's Philox generator. Without a seed, one is drawn
 * from setRandomSeed()'s sequence, so a seeded program reproduces its draws.
 */
export function randomNormal(shape: Shape, mean = 0, stdDev = 1, dtype?: 'float32', seed?: number): Tensor {
  checkDtype('randomNormal', dtype);
  return randomNormalTensor(shape, { mean, stddev: stdDev, seed: seed ?? nextSeed(), step: 0 });
}

/** Samples of U[minval, maxval) from the library's Philox generator (seeded like randomNormal). */
export function randomUniform(shape: Shape, minval = 0, maxval = 1, dtype?: 'float32', seed?: number): Tensor {
  checkDtype('randomUniform', dtype);
  return randomUniformTensor(shape, { minval, maxval, seed: seed ?? nextSeed(), step: 0 });
}
