// Elementwise binary ops with TF.js's broadcasting, forward and gradient, on the kernels of
// shaders/lib/binary.wgsl. Either operand may be a number: it travels in the uniform block (no
// buffer, no upload, so a loss like mul(-0.5, t) stays inside the step's command buffer).
//
// Gradients: y = a OP b at the broadcast shape; dL/da = reduceToShape(dy · ∂y/∂a, a.shape), the
// sum over the axes a was broadcast along (likewise b). ∂y/∂a is 1 (add, sub), b (mul), 1/b (div),
// b·a^(b-1) (pow), [a ≥ b] (maximum), [a ≤ b] (minimum); ∂y/∂b is -1, a, -a/b², a^b·ln a (a > 0,
// else 0), [a < b], [a > b].
import { defineKernel, grid1d } from '../runner.js';
import { binary_backward } from '../generated/binary_backward.js';
import { binary_forward } from '../generated/binary_forward.js';
import { empty, formatShape, type Shape, type Tensor } from '../tensor.js';
import { reduceToShape } from './axis.js';
import { broadcastShapes, broadcastStrides, collapse, rankWords } from './broadcast.js';
import { unary } from './unary.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'equal' | 'squaredDifference';

/** The OP override constant of shaders/lib/binary.wgsl. */
const OP: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, equal: 7, squaredDifference: 8 };

/** A tensor or a scalar constant. */
export type Operand = Tensor | number;

interface BinaryParams {
  op: BinaryOp;
  n: number;
  /** The collapsed output shape and each operand's strides along it. */
  shape: number[];
  aStrides: number[];
  bStrides: number[];
  /** The value of the constant operand, if any. */
  scalar: number;
  aConst: boolean;
  bConst: boolean;
  vec4: boolean;
  wrtB: boolean;
}

function binaryConstants(p: BinaryParams): Record<string, number> {
  return { OP: OP[p.op], A_CONST: Number(p.aConst), B_CONST: Number(p.bConst), VEC4: Number(p.vec4) };
}

function binaryUniforms(p: BinaryParams) {
  const what = `${p.op} of shape ${formatShape(p.shape)}`;
  return { n: p.n, rank: p.shape.length, scalar: p.scalar, zero: 0, shape: rankWords(what, p.shape), a_strides: rankWords(what, p.aStrides), b_strides: rankWords(what, p.bStrides) };
}

const forwardKernel = /* @__PURE__ */ defineKernel({
  shader: binary_forward,
  workgroups: (p: BinaryParams) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: binaryUniforms,
  constants: binaryConstants,
});

const backwardKernel = /* @__PURE__ */ defineKernel({
  shader: binary_backward,
  workgroups: (p: BinaryParams) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: binaryUniforms,
  constants: (p: BinaryParams) => ({ ...binaryConstants(p), WRT_B: Number(p.wrtB) }),
});

function shapeOf(v: Operand): Shape {
  return typeof v === 'number' ? [] : v.shape;
}

function checkOperand(op: string, v: Operand, which: string): void {
  if (typeof v === 'number') return;
  if (v.dtype !== 'float32') throw new Error(`${op}: ${which} must be float32, got ${v.dtype} ${formatShape(v.shape)}`);
}

/** The output shape of `a OP b`; throws naming the op and both shapes when they do not broadcast. */
export function binaryShape(op: string, a: Operand, b: Operand): number[] {
  return broadcastShapes(op, shapeOf(a), shapeOf(b));
}

function plan(op: BinaryOp, a: Operand, b: Operand, outShape: Shape): BinaryParams {
  const aConst = typeof a === 'number';
  const bConst = typeof b === 'number';
  if (aConst && bConst) throw new Error(`${op}: at least one operand must be a tensor`);
  const { shape, strides } = collapse(outShape, [broadcastStrides(shapeOf(a), outShape), broadcastStrides(shapeOf(b), outShape)]);
  const [aStrides, bStrides] = strides;
  const last = shape.length - 1;
  const innerOk = (s: number[], isConst: boolean) => isConst || s[last] === 0 || s[last] === 1;
  const vec4 = shape.length > 0 && shape[last] % 4 === 0 && innerOk(aStrides, aConst) && innerOk(bStrides, bConst);
  const scalar = aConst ? (a as number) : bConst ? (b as number) : 0;
  return { op, n: outShape.reduce((x, y) => x * y, 1), shape, aStrides, bStrides, scalar, aConst, bConst, vec4, wrtB: false };
}

/** The buffers of (a, b): a constant binds the other operand's buffer, which its kernel never reads. */
function operandBuffers(a: Operand, b: Operand): [GPUBuffer, GPUBuffer] {
  const ta = typeof a === 'number' ? (b as Tensor) : a;
  const tb = typeof b === 'number' ? ta : b;
  return [ta.buffer, tb.buffer];
}

/**
 * y = a OP b with broadcasting. `outShape` may be larger than the operands' broadcast shape (to
 * broadcast a tensor to a shape: `binary('add', x, 0, shape)`) but must contain it.
 */
export function binary(op: BinaryOp, a: Operand, b: Operand, outShape?: Shape): Tensor {
  checkOperand(op, a, 'a');
  checkOperand(op, b, 'b');
  const shape = binaryShape(op, a, b);
  const target = outShape ? broadcastShapes(op, shape, outShape) : shape;
  if (outShape && formatShape(target) !== formatShape(outShape)) throw new Error(`${op}: cannot broadcast ${formatShape(shape)} to ${formatShape(outShape)}`);
  const y = empty(target);
  forwardKernel.run([...operandBuffers(a, b), y.buffer], plan(op, a, b, target));
  return y;
}

/** x broadcast to `shape` (a copy). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return binary('add', x, 0, shape);
}

/**
 * The gradients of y = a OP b for upstream dy (y's shape), each at its operand's shape; null where
 * not needed or where the operand is a constant. add and sub only reduce (and negate) dy.
 */
export function binaryGrads(op: BinaryOp, a: Operand, b: Operand, dy: Tensor, need: readonly [boolean, boolean] = [true, true]): [Tensor | null, Tensor | null] {
  const outShape = binaryShape(op, a, b);
  if (formatShape(dy.shape) !== formatShape(outShape)) throw new Error(`${op} gradient: dy ${formatShape(dy.shape)} must have the output's shape ${formatShape(outShape)}`);
  if (op === 'equal') throw new Error('equal has no gradient (its output is a 0/1 mask)');
  const gradOf = (wrtB: boolean): Tensor | null => {
    const operand = wrtB ? b : a;
    if (!need[Number(wrtB)] || typeof operand === 'number') return null;
    if (op === 'add' || (op === 'sub' && !wrtB)) return reduceToShape(dy, operand.shape);
    let full: Tensor;
    if (op === 'sub') full = unary('neg', dy);
    else {
      full = empty(outShape);
      backwardKernel.run([...operandBuffers(a, b), dy.buffer, full.buffer], { ...plan(op, a, b, outShape), wrtB });
    }
    const g = reduceToShape(full, operand.shape);
    if (g !== full) full.dispose();
    return g;
  };
  return [gradOf(false), gradOf(true)];
}
