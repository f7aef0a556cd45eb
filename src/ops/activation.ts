// Standalone activations (the fused forms live in the GEMM and conv epilogues), and the unary ops
// of src/ops/unary.ts on the same kernels. softmax is its own kernel because it reduces along the last axis.
import { defineKernel, grid1d } from '../runner.js';
import { activation_backward } from '../generated/activation_backward.js';
import { activation_forward } from '../generated/activation_forward.js';
import { empty, Tensor } from '../tensor.js';

export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'elu' | 'softplus' | 'relu6';

/**
 * The ACT override constant of shaders/lib/activation.wgsl. A Map, not an object literal: names
 * come from model files and user code, and 'toString' or '__proto__' must be unknown, not inherited.
 */
const ACT = new Map<ActivationName, number>([['linear', 0], ['relu', 1], ['sigmoid', 2], ['tanh', 3], ['leakyRelu', 4], ['elu', 5], ['softplus', 6], ['relu6', 7]]);
export const ACTIVATION_NAMES: readonly ActivationName[] = [...ACT.keys()];
/**
 * Keras's defaults: LeakyReLU alpha 0.3 in tf.keras (TF.js uses 0.3 too), ELU alpha 1; relu6's
 * alpha is its cap, 6 (the ReLU layer's maxValue sets another).
 */
const DEFAULT_ALPHA = new Map<ActivationName, number>([['leakyRelu', 0.3], ['elu', 1], ['relu6', 6]]);

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && ACT.has(name as ActivationName);
}

/** Throws the error for an activation name that is not one of ours (before any GPU work). */
export function checkActivation(name: unknown): asserts name is ActivationName {
  if (!isActivationName(name)) throw new Error(`unknown activation ${typeof name === 'string' ? `'${name}'` : `(a ${typeof name})`}; expected one of ${[...ACT.keys()].join(', ')}`);
}

export function activationConstants(name: ActivationName, alpha?: number): Record<string, number> {
  checkActivation(name);
  if (alpha !== undefined && !Number.isFinite(alpha)) throw new Error(`activation '${name}': alpha must be a finite number, got ${alpha}`);
  return { ACT: ACT.get(name)!, ALPHA: alpha ?? DEFAULT_ALPHA.get(name) ?? 0 };
}

interface Elementwise {
  /** Elements, whose vec4s the kernels take one per invocation. */
  n: number;
  activation: ActivationName;
  alpha?: number;
  /** A unary op applied after the activation (shaders/lib/unary.wgsl's OP; src/ops/unary.ts). */
  unary?: number;
  /** clipByValue's bounds. */
  lo?: number;
  hi?: number;
}

const elementwiseKernel = {
  workgroups: (p: Elementwise) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: (p: Elementwise) => ({ n: Math.ceil(p.n / 4), lo: p.lo ?? 0, hi: p.hi ?? 0 }),
  constants: (p: Elementwise) => ({ ...activationConstants(p.activation, p.alpha), OP: p.unary ?? 255 }),
};

const forward = /* @__PURE__ */ defineKernel({ shader: activation_forward, ...elementwiseKernel });
const backward = /* @__PURE__ */ defineKernel({ shader: activation_backward, ...elementwiseKernel });

/** y = f(x), elementwise, for an activation and/or a unary op. */
export function elementwiseForward(x: Tensor, p: Omit<Elementwise, 'n'>, y: Tensor = empty(x.shape)): Tensor {
  forward.run([x.buffer, y.buffer], { ...p, n: x.size });
  return y;
}

/** dx = dy · f'(s), from s = the forward output (activations) or input (unary ops). */
export function elementwiseBackward(s: Tensor, dy: Tensor, p: Omit<Elementwise, 'n'>, dx: Tensor = empty(s.shape)): Tensor {
  backward.run([s.buffer, dy.buffer, dx.buffer], { ...p, n: s.size });
  return dx;
}

/** y = act(x), elementwise. */
export function activationForward(x: Tensor, activation: ActivationName, alpha?: number, y?: Tensor): Tensor {
  checkActivation(activation);
  return elementwiseForward(x, { activation, alpha }, y ?? empty(x.shape));
}

/** dx = dy · act'(x), from the forward output y. */
export function activationBackward(y: Tensor, dy: Tensor, activation: ActivationName, alpha?: number, dx?: Tensor): Tensor {
  checkActivation(activation);
  return elementwiseBackward(y, dy, { activation, alpha }, dx ?? empty(y.shape));
}
