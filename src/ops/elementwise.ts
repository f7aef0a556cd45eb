import { defineKernel, grid1d } from '../runner.js';
import { add_forward } from '../generated/add_forward.js';
import { empty, formatShape, Tensor } from '../tensor.js';

const addKernel = /* @__PURE__ */ defineKernel({
  shader: add_forward,
  workgroups: (p: { n: number }) => grid1d(p.n, 64),
  uniforms: (p) => p,
});

/** a + b, elementwise, same shapes. */
export function add(a: Tensor, b: Tensor, out: Tensor = empty(a.shape)): Tensor {
  if (a.size !== b.size || out.size !== a.size) throw new Error(`add: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} (out ${formatShape(out.shape)}) differ`);
  addKernel.run([a.buffer, b.buffer, out.buffer], { n: a.size });
  return out;
}
