// Batch normalization over one axis of any rank (Keras's BatchNormalization): x is viewed as
// [outer, C, inner] with C the normalized axis (see shaders/lib/batch_norm.wgsl). Statistics and
// per-channel gradient sums take one workgroup per channel; normalization and dx one thread per element.
// Layer normalization (over the last axis) reuses the statistics kernel on rows.
import { defineKernel, grid1d } from '../runner.js';
import { batch_norm_backward } from '../generated/batch_norm_backward.js';
import { batch_norm_forward } from '../generated/batch_norm_forward.js';
import { batch_norm_reduce_backward } from '../generated/batch_norm_reduce_backward.js';
import { batch_norm_stats_forward } from '../generated/batch_norm_stats_forward.js';
import { empty, formatShape, type Shape, type Tensor } from '../tensor.js';
import { layer_norm_backward } from '../generated/layer_norm_backward.js';
import { layer_norm_forward } from '../generated/layer_norm_forward.js';
import { biasGrad } from './matmul.js';

/** x's elements around the normalized axis: outer·channels·inner = size. */
interface Layout {
  channels: number;
  inner: number;
  /** Elements per channel: outer·inner. */
  count: number;
}

export function batchNormLayout(op: string, shape: Shape, axis: number): Layout {
  const a = axis < 0 ? axis + shape.length : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= shape.length) throw new Error(`${op}: axis ${axis} does not exist in a tensor of shape ${formatShape(shape)}`);
  const channels = shape[a];
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const size = shape.reduce((p, d) => p * d, 1);
  return { channels, inner, count: size / channels };
}

const statsKernel = /* @__PURE__ */ defineKernel({
  shader: batch_norm_stats_forward,
  workgroups: (p: Layout & { momentum: number; update: boolean }) => [p.channels],
  uniforms: ({ channels, inner, count, momentum }) => ({ channels, inner, count, momentum, zero: 0 }),
  constants: (p) => ({ UPDATE_MOVING: Number(p.update) }),
});

interface Normalize extends Layout {
  n: number;
  epsilon: number;
  gamma: boolean;
  beta: boolean;
}

const forwardKernel = /* @__PURE__ */ defineKernel({
  shader: batch_norm_forward,
  workgroups: (p: Normalize) => grid1d(p.n, 64),
  uniforms: ({ n, channels, inner, epsilon }) => ({ n, channels, inner, epsilon }),
  constants: (p) => ({ HAS_GAMMA: Number(p.gamma), HAS_BETA: Number(p.beta) }),
});

const reduceKernel = /* @__PURE__ */ defineKernel({
  shader: batch_norm_reduce_backward,
  workgroups: (p: Layout & { epsilon: number }) => [p.channels],
  uniforms: (p) => ({ ...p, zero: 0 }),
});

const backwardKernel = /* @__PURE__ */ defineKernel({
  shader: batch_norm_backward,
  workgroups: (p: Normalize & { training: boolean }) => grid1d(p.n, 64),
  uniforms: ({ n, channels, inner, count, epsilon }) => ({ n, channels, inner, count, epsilon }),
  constants: (p) => ({ TRAINING: Number(p.training), HAS_GAMMA: Number(p.gamma) }),
});

export interface BatchNormOptions {
  axis: number;
  epsilon: number;
  /** null: scale 1 (scale: false), beta null: offset 0 (center: false). */
  gamma: Tensor | null;
  beta: Tensor | null;
}

/**
 * The batch's mean and biased variance per channel; with `moving`, also moves the moving averages
 * towards them in place (moving ← moving − (moving − stat)·(1 − momentum)), all on the GPU.
 */
export function batchNormStats(x: Tensor, axis: number, moving: { mean: Tensor; variance: Tensor; momentum: number; update: boolean }): { mean: Tensor; variance: Tensor } {
  const layout = batchNormLayout('batchNormStats', x.shape, axis);
  const mean = empty([layout.channels]);
  const variance = empty([layout.channels]);
  statsKernel.run([x.buffer, mean.buffer, variance.buffer, moving.mean.buffer, moving.variance.buffer], { ...layout, momentum: moving.momentum, update: moving.update });
  return { mean, variance };
}

/** y = (x − mean)/sqrt(variance + ε)·gamma + beta along `axis`. */
export function batchNorm(x: Tensor, mean: Tensor, variance: Tensor, o: BatchNormOptions): Tensor {
  const layout = batchNormLayout('batchNorm', x.shape, o.axis);
  const y = empty(x.shape);
  forwardKernel.run([x.buffer, mean.buffer, variance.buffer, (o.gamma ?? mean).buffer, (o.beta ?? mean).buffer, y.buffer], {
    ...layout, n: x.size, epsilon: o.epsilon, gamma: o.gamma !== null, beta: o.beta !== null,
  });
  return y;
}

/**
 * Gradients of batchNorm: dbeta = Σ dy, dgamma = Σ dy·x̂ per channel, and dx (null unless asked).
 * `training`: mean and variance were the batch's own (so they depend on x), else constants.
 */
export function batchNormBackward(x: Tensor, dy: Tensor, mean: Tensor, variance: Tensor, o: BatchNormOptions & { training: boolean; needDx: boolean }): { dx: Tensor | null; dgamma: Tensor; dbeta: Tensor } {
  const layout = batchNormLayout('batchNormBackward', x.shape, o.axis);
  if (formatShape(dy.shape) !== formatShape(x.shape)) throw new Error(`batchNormBackward: dy ${formatShape(dy.shape)} must have x's shape ${formatShape(x.shape)}`);
  const dbeta = empty([layout.channels]);
  const dgamma = empty([layout.channels]);
  reduceKernel.run([x.buffer, dy.buffer, mean.buffer, variance.buffer, dbeta.buffer, dgamma.buffer], { ...layout, epsilon: o.epsilon });
  let dx: Tensor | null = null;
  if (o.needDx) {
    dx = empty(x.shape);
    backwardKernel.run([x.buffer, dy.buffer, mean.buffer, variance.buffer, (o.gamma ?? mean).buffer, dbeta.buffer, dgamma.buffer, dx.buffer], {
      ...layout, n: x.size, epsilon: o.epsilon, gamma: o.gamma !== null, beta: o.beta !== null, training: o.training,
    });
  }
  return { dx, dgamma, dbeta };
}

const layerNormForwardKernel = /* @__PURE__ */ defineKernel({
  shader: layer_norm_forward,
  workgroups: (p: { n: number; features: number; epsilon: number; gamma: boolean; beta: boolean }) => grid1d(p.n, 64),
  uniforms: ({ n, features, epsilon }) => ({ n, features, epsilon }),
  constants: (p) => ({ HAS_GAMMA: Number(p.gamma), HAS_BETA: Number(p.beta) }),
});

const layerNormBackwardKernel = /* @__PURE__ */ defineKernel({
  shader: layer_norm_backward,
  workgroups: (p: { rows: number; features: number; epsilon: number; gamma: boolean }) => [p.rows],
  uniforms: ({ features, epsilon }) => ({ features, epsilon, zero: 0 }),
  constants: (p) => ({ HAS_GAMMA: Number(p.gamma) }),
});

/** Rows and features of x for a normalization over its last axis. */
function rowsOf(x: Tensor): { rows: number; features: number } {
  const features = x.shape[x.shape.length - 1];
  return { rows: x.size / features, features };
}

/**
 * Layer normalization over the last axis: y = (x − μ_row)/sqrt(σ²_row + ε)·gamma + beta. Returns
 * the row statistics too, for the backward pass.
 */
export function layerNorm(x: Tensor, o: { epsilon: number; gamma: Tensor | null; beta: Tensor | null }): { y: Tensor; mean: Tensor; variance: Tensor } {
  const { rows, features } = rowsOf(x);
  // The row statistics are batch statistics of x viewed as [rows, features] along axis 0.
  const view = x.reshape([rows, features]);
  const unused = [empty([1]), empty([1])];
  const { mean, variance } = batchNormStats(view, 0, { mean: unused[0], variance: unused[1], momentum: 0, update: false });
  view.dispose();
  for (const t of unused) t.dispose();
  const y = empty(x.shape);
  layerNormForwardKernel.run([x.buffer, mean.buffer, variance.buffer, (o.gamma ?? mean).buffer, (o.beta ?? mean).buffer, y.buffer], {
    n: x.size, features, epsilon: o.epsilon, gamma: o.gamma !== null, beta: o.beta !== null,
  });
  return { y, mean, variance };
}

/** Gradients of layerNorm: dx (when asked), dgamma = Σ_rows dy·x̂, dbeta = Σ_rows dy. */
export function layerNormBackward(x: Tensor, dy: Tensor, mean: Tensor, variance: Tensor, o: { epsilon: number; gamma: Tensor | null; needDx: boolean }): { dx: Tensor | null; dgamma: Tensor; dbeta: Tensor } {
  if (formatShape(dy.shape) !== formatShape(x.shape)) throw new Error(`layerNormBackward: dy ${formatShape(dy.shape)} must have x's shape ${formatShape(x.shape)}`);
  const { rows, features } = rowsOf(x);
  const dx = empty(x.shape);
  const dyXhat = empty([rows, features]);
  layerNormBackwardKernel.run([x.buffer, dy.buffer, mean.buffer, variance.buffer, (o.gamma ?? mean).buffer, dx.buffer, dyXhat.buffer], { rows, features, epsilon: o.epsilon, gamma: o.gamma !== null });
  const dgamma = biasGrad(dyXhat);
  dyXhat.dispose();
  const dyRows = dy.reshape([rows, features]);
  const dbeta = biasGrad(dyRows);
  dyRows.dispose();
  if (o.needDx) return { dx, dgamma, dbeta };
  dx.dispose();
  return { dx: null, dgamma, dbeta };
}
