// Weight and activity penalties added to the loss: Keras's L1L2 regularizer, and the contractive
// autoencoder's penalty λ‖∂h/∂x‖²_F for a dense encoder. Penalties are summed on the GPU into the
// caller's loss slot (src/ops/reduce.ts), their gradients added in place to existing gradients.
import { defineKernel, grid1d } from '../runner.js';
import { contractive_backward } from '../generated/contractive_backward.js';
import { contractive_forward } from '../generated/contractive_forward.js';
import { l1l2_backward } from '../generated/l1l2_backward.js';
import { l1l2_forward } from '../generated/l1l2_forward.js';
import { empty, formatShape, type Shape, type Tensor } from '../tensor.js';
import { activationConstants, type ActivationName } from './activation.js';
import { sum } from './reduce.js';

export interface L1L2 {
  l1?: number;
  l2?: number;
}

interface L1L2Params {
  n: number;
  l1: number;
  l2: number;
  scale: number;
}

const l1l2Forward = /* @__PURE__ */ defineKernel({
  shader: l1l2_forward,
  workgroups: (p: L1L2Params) => grid1d(p.n, 64),
  uniforms: ({ n, l1, l2 }) => ({ n, l1, l2 }),
});

const l1l2Gradient = /* @__PURE__ */ defineKernel({
  shader: l1l2_backward,
  workgroups: (p: L1L2Params) => grid1d(p.n, 64),
  uniforms: (p) => p,
});

/** scale·(l1·Σ|x| + l2·Σx²) into out[outIndex] (added to it with accumulate). */
export function l1l2Penalty(x: Tensor, reg: L1L2, { scale = 1, out, outIndex = 0, accumulate = false }: { scale?: number; out: Tensor; outIndex?: number; accumulate?: boolean }): void {
  const perElement = empty([x.size]);
  l1l2Forward.run([x.buffer, perElement.buffer], { n: x.size, l1: reg.l1 ?? 0, l2: reg.l2 ?? 0, scale });
  sum(perElement, { scale, out, outIndex, accumulate });
  // Back to the pool: any later kernel that reuses the buffer is encoded after the sum.
  perElement.dispose();
}

/** dx += scale·(l1·sign(x) + 2·l2·x), in place. */
export function l1l2Backward(x: Tensor, reg: L1L2, dx: Tensor, scale = 1): void {
  if (dx.size !== x.size) throw new Error(`l1l2Backward: dx ${formatShape(dx.shape)} does not match x ${formatShape(x.shape)}`);
  l1l2Gradient.run([x.buffer, dx.buffer], { n: x.size, l1: reg.l1 ?? 0, l2: reg.l2 ?? 0, scale });
}

interface ContractiveParams {
  rows: number;
  inputs: number;
  units: number;
  activation: ActivationName;
  product: boolean;
  scale: number;
}

const contractiveStats = /* @__PURE__ */ defineKernel({
  shader: contractive_forward,
  // One workgroup per unit (column), folded into 2-D like a 1-D grid of single-workgroup items.
  workgroups: (p: ContractiveParams) => grid1d(p.units, 1),
  uniforms: ({ rows, inputs, units }) => ({ rows, inputs, units }),
  constants: (p) => ({ ...activationConstants(p.activation), PRODUCT: Number(p.product) }),
});

const contractiveGradient = /* @__PURE__ */ defineKernel({
  shader: contractive_backward,
  workgroups: (p: ContractiveParams) => grid1d((p.rows + p.inputs) * p.units, 64),
  uniforms: ({ rows, inputs, units, scale }) => ({ rows, inputs, units, scale }),
  constants: (p) => activationConstants(p.activation),
});

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Rows of h (every axis but the last) and the kernel's [inputs, units], checked against each other. */
function contractiveShapes(op: string, h: Tensor, kernel: Tensor): { rows: number; inputs: number; units: number } {
  const units = kernel.shape[1];
  if (kernel.shape.length !== 2 || h.shape.length < 2 || h.shape[h.shape.length - 1] !== units) {
    throw new Error(`${op}: expected h [batch, units] and a dense kernel [inputs, units], got h ${formatShape(h.shape)} and kernel ${formatShape(kernel.shape)}`);
  }
  return { rows: h.size / units, inputs: kernel.shape[0], units };
}

/** λ·(1/B)·Σ_b Σ_j act'(h_bj)²·Σ_i W_ij² into out[outIndex] (added to it with accumulate); B = rows of h. */
export function contractivePenalty(h: Tensor, kernel: Tensor, activation: ActivationName, lambda: number, { out, outIndex = 0, accumulate = false }: { out: Tensor; outIndex?: number; accumulate?: boolean }): void {
  const dims = contractiveShapes('contractivePenalty', h, kernel);
  const terms = empty([dims.units]);
  contractiveStats.run([h.buffer, kernel.buffer, terms.buffer], { ...dims, activation, product: true, scale: 1 });
  sum(terms, { scale: lambda / dims.rows, out, outIndex, accumulate });
  terms.dispose();
}

/** Adds the penalty's gradients w.r.t. h into dh and w.r.t. the kernel into dKernel, in place. */
export function contractiveBackward(h: Tensor, kernel: Tensor, activation: ActivationName, lambda: number, dh: Tensor, dKernel: Tensor): void {
  const dims = contractiveShapes('contractiveBackward', h, kernel);
  if (!sameShape(dh.shape, h.shape) || !sameShape(dKernel.shape, kernel.shape)) {
    throw new Error(`contractiveBackward: dh ${formatShape(dh.shape)} and dKernel ${formatShape(dKernel.shape)} must match h ${formatShape(h.shape)} and kernel ${formatShape(kernel.shape)}`);
  }
  const stats = empty([2, dims.units]);
  const p = { ...dims, activation, product: false, scale: lambda / dims.rows };
  contractiveStats.run([h.buffer, kernel.buffer, stats.buffer], p);
  contractiveGradient.run([h.buffer, kernel.buffer, stats.buffer, dh.buffer, dKernel.buffer], p);
  stats.dispose();
}
