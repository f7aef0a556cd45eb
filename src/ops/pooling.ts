// 2-D max and average pooling, NHWC, with Keras's 'valid' / 'same' window placement. The backward
// passes gather (one thread per input element sums the windows over it) rather than scatter, since
// WGSL has no float atomics.
import { defineKernel, type Shader } from '../runner.js';
import { avg_pool2d_backward } from '../generated/avg_pool2d_backward.js';
import { avg_pool2d_forward, type AvgPool2dForwardUniforms } from '../generated/avg_pool2d_forward.js';
import { max_pool2d_backward } from '../generated/max_pool2d_backward.js';
import { max_pool2d_forward } from '../generated/max_pool2d_forward.js';
import { empty, formatShape, outputBindings, type Shape, type Tensor } from '../tensor.js';
import { activationConstants, type ActivationName } from './activation.js';
import { checkNHWC, convOutputLength, outputTensor, padBefore, pair, type Padding } from './shapes.js';

export interface Pool2DOptions {
  poolSize: number | [number, number];
  /** Defaults to poolSize (Keras's default). */
  strides?: number | [number, number];
  /** Defaults to 'valid'. */
  padding?: Padding;
}

/** Everything a pooling kernel needs: the PoolParams block of shaders/lib/pool.wgsl. */
interface PoolGeometry {
  /** The NHWC shape whose elements get one thread each: y's for the forward kernels, x's for the backward ones. */
  threads: Shape;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  pool: [number, number];
  strides: [number, number];
  pad: [number, number];
  /** max_pool2d_backward.wgsl's FOLD_ACT: the activation whose derivative at x multiplies dx. */
  fold?: ActivationName;
}

function geometry(op: string, xShape: Shape, options: Pool2DOptions): PoolGeometry & { outShape: Shape } {
  checkNHWC(xShape, op);
  const pool = pair(options.poolSize, `${op}: poolSize`);
  const strides = pair(options.strides ?? pool, `${op}: strides`);
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${op}: padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
  const [batch, inH, inW, channels] = xShape;
  const outH = convOutputLength(inH, pool[0], strides[0], padding);
  const outW = convOutputLength(inW, pool[1], strides[1], padding);
  if (outH <= 0 || outW <= 0) {
    throw new Error(`${op}: pool ${formatShape(pool)} is larger than the input ${formatShape(xShape)} with 'valid' padding`);
  }
  const pad: [number, number] = [padBefore(inH, pool[0], strides[0], padding), padBefore(inW, pool[1], strides[1], padding)];
  const outShape = [batch, outH, outW, channels];
  return { threads: outShape, inH, inW, channels, outH, outW, pool, strides, pad, outShape };
}

/** Channels per thread (lib/pool.wgsl's LANES): the max-pooling kernels read vec4s where channels come in fours. */
const lanes = (g: PoolGeometry, vec4: boolean) => (vec4 && g.channels % 4 === 0 ? 4 : 1);

/** The four pooling kernels share lib/pool.wgsl's PoolParams block and thread mapping. */
function poolKernel<S extends readonly string[]>(shader: Shader<AvgPool2dForwardUniforms, S>, vec4 = false) {
  return defineKernel({
    shader,
    // x along a row's (width, channel groups), y the row, z the batch index: see lib/pool.wgsl.
    workgroups: (g: PoolGeometry) => {
      const [batch, height, width] = g.threads;
      return [Math.ceil((width * g.channels) / lanes(g, vec4) / 64), height, batch];
    },
    uniforms: (g) => ({
      in_h: g.inH, in_w: g.inW, channels: g.channels, out_h: g.outH, out_w: g.outW,
      pool_h: g.pool[0], pool_w: g.pool[1], stride_h: g.strides[0], stride_w: g.strides[1], pad_top: g.pad[0], pad_left: g.pad[1],
    }),
    constants: (g) => ({ LANES: lanes(g, vec4), ...(g.fold === undefined ? {} : { FOLD_ACT: 1, ...activationConstants(g.fold) }) }),
  });
}

const maxForward = /* @__PURE__ */ poolKernel(max_pool2d_forward, true);
const maxBackward = /* @__PURE__ */ poolKernel(max_pool2d_backward, true);
const avgForward = /* @__PURE__ */ poolKernel(avg_pool2d_forward);
const avgBackward = /* @__PURE__ */ poolKernel(avg_pool2d_backward);

export function pool2dOutputShape(xShape: Shape, options: Pool2DOptions): Shape {
  return geometry('pool2d', xShape, options).outShape;
}

/** Checks that dy has the pooled shape of xShape, and returns the geometry of the input-gradient pass. */
function backwardGeometry(op: string, dy: Tensor, xShape: Shape, options: Pool2DOptions): PoolGeometry {
  const g = geometry(op, xShape, options);
  if (formatShape(dy.shape) !== formatShape(g.outShape)) {
    throw new Error(`${op}: dy has shape ${formatShape(dy.shape)}, but pooling ${formatShape(xShape)} gives ${formatShape(g.outShape)}`);
  }
  return { ...g, threads: xShape };
}

/** Max pooling; argmax holds the flat index into x of each output's chosen element. */
export function maxPool2d(x: Tensor, options: Pool2DOptions, out?: Tensor): { y: Tensor; argmax: Tensor<'int32'> } {
  const g = geometry('maxPool2d', x.shape, options);
  const y = outputTensor('maxPool2d', g.outShape, out);
  const argmax = empty(g.outShape, 'int32');
  const { scalar, vector, release } = outputBindings(lanes(g, true) === 4, [y, argmax]);
  maxForward.run([x.buffer, scalar[0], scalar[1], x.buffer, vector[0], vector[1]], g);
  release();
  return { y, argmax };
}

/**
 * dx: each input element gets the sum of dy over the windows whose argmax it is; with `fold`, times
 * act'(x) for the input x (the previous layer's activation, whose backward then skips it).
 */
export function maxPool2dBackward(dy: Tensor, argmax: Tensor<'int32'>, xShape: Shape, options: Pool2DOptions, out?: Tensor, fold?: { x: Tensor; activation: ActivationName }): Tensor {
  const g = { ...backwardGeometry('maxPool2dBackward', dy, xShape, options), fold: fold?.activation };
  if (fold && formatShape(fold.x.shape) !== formatShape(xShape)) throw new Error(`maxPool2dBackward: x ${formatShape(fold.x.shape)} is not of shape ${formatShape(xShape)}`);
  if (argmax.dtype !== 'int32' || argmax.size !== dy.size) {
    throw new Error(`maxPool2dBackward: argmax must be int32 of dy's shape ${formatShape(dy.shape)}, got ${argmax.dtype} ${formatShape(argmax.shape)}`);
  }
  const dx = outputTensor('maxPool2dBackward', xShape, out);
  const { scalar, vector, release } = outputBindings(lanes(g, true) === 4, [dx]);
  // x is read only with fold; without it dy stands in (any readable buffer).
  const x = fold?.x.buffer ?? dy.buffer;
  maxBackward.run([dy.buffer, argmax.buffer, scalar[0], dy.buffer, argmax.buffer, vector[0], x, x], g);
  release();
  return dx;
}

/** Average pooling; with 'same' padding, each window averages its unpadded elements only (Keras). */
export function avgPool2d(x: Tensor, options: Pool2DOptions, out?: Tensor): Tensor {
  const g = geometry('avgPool2d', x.shape, options);
  const y = outputTensor('avgPool2d', g.outShape, out);
  avgForward.run([x.buffer, y.buffer], g);
  return y;
}

export function avgPool2dBackward(dy: Tensor, xShape: Shape, options: Pool2DOptions, out?: Tensor): Tensor {
  const g = backwardGeometry('avgPool2dBackward', dy, xShape, options);
  const dx = outputTensor('avgPool2dBackward', xShape, out);
  avgBackward.run([dy.buffer, dx.buffer], g);
  return dx;
}
