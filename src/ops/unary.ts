// Elementwise unary ops and their gradients, on the activation kernels (shaders/lib/unary.wgsl
// applied after lib/activation.wgsl). relu, sigmoid and tanh are activations, whose gradient comes
// from the output y; the others' from the input x: neg' = -1, exp' = exp x, log' = 1/x,
// sqrt' = 1/(2√x), square' = 2x, abs' = sign x, clipByValue' = [lo ≤ x ≤ hi], reciprocal' = -1/x².
import { formatShape, type Tensor } from '../tensor.js';
import { elementwiseBackward, elementwiseForward } from './activation.js';

export type KernelUnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'abs' | 'clipByValue' | 'reciprocal';
export type ActivationUnaryOp = 'relu' | 'sigmoid' | 'tanh';
export type UnaryOp = KernelUnaryOp | ActivationUnaryOp;

/** The OP override constant of shaders/lib/unary.wgsl. */
const OP: Record<KernelUnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, square: 4, abs: 5, clipByValue: 6, reciprocal: 7 };
const ACTIVATIONS: ReadonlySet<string> = new Set<ActivationUnaryOp>(['relu', 'sigmoid', 'tanh']);

/** clipByValue's bounds. */
export interface Clip {
  lo: number;
  hi: number;
}

function isActivation(op: UnaryOp): op is ActivationUnaryOp {
  return ACTIVATIONS.has(op);
}

function params(op: UnaryOp, clip?: Clip) {
  if (isActivation(op)) return { activation: op };
  if (op === 'clipByValue' && !(clip && clip.lo <= clip.hi)) throw new Error(`clipByValue: needs clipValueMin ≤ clipValueMax, got ${clip?.lo} and ${clip?.hi}`);
  return { activation: 'linear' as const, unary: OP[op], lo: clip?.lo, hi: clip?.hi };
}

/** y = op(x), elementwise. */
export function unary(op: UnaryOp, x: Tensor, clip?: Clip): Tensor {
  if (x.dtype !== 'float32') throw new Error(`${op}: needs a float32 tensor, got ${x.dtype} ${formatShape(x.shape)}`);
  return elementwiseForward(x, params(op, clip));
}

/** dx = dy · op'(x), from the input x (or, for relu/sigmoid/tanh, the output y = op(x)). */
export function unaryGrad(op: UnaryOp, x: Tensor, y: Tensor, dy: Tensor, clip?: Clip): Tensor {
  if (formatShape(dy.shape) !== formatShape(x.shape)) throw new Error(`${op} gradient: dy ${formatShape(dy.shape)} must have x's shape ${formatShape(x.shape)}`);
  return elementwiseBackward(isActivation(op) ? y : x, dy, params(op, clip));
}
