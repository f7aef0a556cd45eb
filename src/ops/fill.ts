import { defineKernel, grid1d } from '../runner.js';
import { fill_forward } from '../generated/fill_forward.js';
import { empty, Shape, Tensor } from '../tensor.js';

const fillKernel = /* @__PURE__ */ defineKernel({
  shader: fill_forward,
  workgroups: (p: { n: number; value: number }) => grid1d(p.n, 64),
  uniforms: (p) => p,
});

/** Sets every element of y to value (on the GPU, in the current command buffer). */
export function fill(y: Tensor, value: number): Tensor {
  fillKernel.run([y.buffer], { n: y.size, value });
  return y;
}

export function zeros(shape: Shape): Tensor {
  return fill(empty(shape), 0);
}
