// Standalone activations (the fused forms live in the GEMM and conv epilogues). softmax is its own
// kernel because it reduces along the last axis.
import { defineKernel, grid1d, packUniforms } from '../runner.js';
import { activation_backward } from '../generated/activation_backward.js';
import { activation_forward } from '../generated/activation_forward.js';
import { empty, Tensor } from '../tensor.js';

export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'elu' | 'softplus';

/** The ACT override constant of shaders/lib/activation.wgsl. */
const ACT: Record<ActivationName, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, leakyRelu: 4, elu: 5, softplus: 6 };
/** Keras's defaults: LeakyReLU alpha 0.3 in tf.keras (TF.js uses 0.3 too), ELU alpha 1. */
const DEFAULT_ALPHA: Partial<Record<ActivationName, number>> = { leakyRelu: 0.3, elu: 1 };

export function activationConstants(name: ActivationName, alpha?: number): Record<string, number> {
  if (!(name in ACT)) throw new Error(`unknown activation '${name}'; expected one of ${Object.keys(ACT).join(', ')}`);
  return { ACT: ACT[name], ALPHA: alpha ?? DEFAULT_ALPHA[name] ?? 0 };
}

interface Elementwise {
  /** Elements, whose vec4s the kernels take one per invocation. */
  n: number;
  activation: ActivationName;
  alpha?: number;
}

const forward = /* @__PURE__ */ defineKernel<Elementwise>({
  shader: activation_forward,
  bindings: ['read', 'write', 'uniform'],
  workgroups: (p) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: (p) => packUniforms([Math.ceil(p.n / 4)]),
  constants: (p) => activationConstants(p.activation, p.alpha),
});

const backward = /* @__PURE__ */ defineKernel<Elementwise>({
  shader: activation_backward,
  bindings: ['read', 'read', 'write', 'uniform'],
  workgroups: (p) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: (p) => packUniforms([Math.ceil(p.n / 4)]),
  constants: (p) => activationConstants(p.activation, p.alpha),
});

/** y = act(x), elementwise. */
export function activationForward(x: Tensor, activation: ActivationName, alpha?: number, y: Tensor = empty(x.shape)): Tensor {
  forward.run([x.buffer, y.buffer], { n: x.size, activation, alpha });
  return y;
}

/** dx = dy · act'(x), from the forward output y. */
export function activationBackward(y: Tensor, dy: Tensor, activation: ActivationName, alpha?: number, dx: Tensor = empty(y.shape)): Tensor {
  backward.run([y.buffer, dy.buffer, dx.buffer], { n: y.size, activation, alpha });
  return dx;
}
