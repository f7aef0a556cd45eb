import { defineKernel, grid1d, packUniforms } from '../runner.js';
import { fill_forward } from '../generated/fill_forward.js';
import { empty, Shape, Tensor } from '../tensor.js';

const fillKernel = /* @__PURE__ */ defineKernel<{ n: number; value: number }>({
  shader: fill_forward,
  bindings: ['write', 'uniform'],
  workgroups: (p) => grid1d(p.n, 64),
  uniforms: (p) => packUniforms([p.n, { f32: p.value }]),
});

/** Sets every element of y to value (on the GPU, in the current command buffer). */
export function fill(y: Tensor, value: number): Tensor {
  fillKernel.run([y.buffer], { n: y.size, value });
  return y;
}

export function zeros(shape: Shape): Tensor {
  return fill(empty(shape), 0);
}
