// Softmax over the last axis (Keras's default axis), e.g. class scores [batch, classes].
import { defineKernel, grid1d } from '../runner.js';
import { softmax_backward } from '../generated/softmax_backward.js';
import { softmax_forward } from '../generated/softmax_forward.js';
import { empty, formatShape, type Tensor } from '../tensor.js';

interface Rows {
  rows: number;
  len: number;
}

const forward = /* @__PURE__ */ defineKernel({
  shader: softmax_forward,
  workgroups: (p: Rows) => grid1d(p.rows, 64),
  uniforms: (p) => p,
});

const backward = /* @__PURE__ */ defineKernel({
  shader: softmax_backward,
  workgroups: (p: Rows) => grid1d(p.rows, 64),
  uniforms: (p) => p,
});

function rows(op: string, x: Tensor): Rows {
  if (x.shape.length === 0 || x.size === 0) throw new Error(`${op}: expected a non-empty tensor with a last axis, got ${formatShape(x.shape)}`);
  const len = x.shape[x.shape.length - 1];
  return { rows: x.size / len, len };
}

/** y = exp(x - max) / Σ exp(x - max) along the last axis. */
export function softmax(x: Tensor): Tensor {
  const y = empty(x.shape);
  forward.run([x.buffer, y.buffer], rows('softmax', x));
  return y;
}

/** dx = y · (dy - Σ dy·y) along the last axis, from softmax's output y. */
export function softmaxBackward(y: Tensor, dy: Tensor): Tensor {
  if (formatShape(y.shape) !== formatShape(dy.shape)) throw new Error(`softmaxBackward: y ${formatShape(y.shape)} and dy ${formatShape(dy.shape)} differ in shape`);
  const dx = empty(y.shape);
  backward.run([y.buffer, dy.buffer, dx.buffer], rows('softmaxBackward', y));
  return dx;
}
