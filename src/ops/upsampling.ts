// Keras's UpSampling2D (nearest neighbour, any integer size per axis), NHWC.
import { defineKernel, type Shader } from '../runner.js';
import { up_sampling2d_backward } from '../generated/up_sampling2d_backward.js';
import { up_sampling2d_forward, type UpSampling2dForwardUniforms } from '../generated/up_sampling2d_forward.js';
import { formatShape, type Shape, type Tensor } from '../tensor.js';
import { checkNHWC, outputTensor, pair, type Pair } from './shapes.js';

interface Upsample {
  /** The NHWC shape whose elements get one thread each: y (forward) or dx (backward). */
  threads: Shape;
  inShape: Shape;
  size: Pair;
}

/** The forward and backward kernels share their uniform block and dispatch shape. */
function upsampleKernel<S extends readonly [string, string]>(shader: Shader<UpSampling2dForwardUniforms, S>) {
  return defineKernel({
    shader,
    // x along a row's (width, channels), y the row, z the batch index.
    workgroups: ({ threads: [batch, height, width, channels] }: Upsample) => [Math.ceil((width * channels) / 64), height, batch],
    uniforms: ({ inShape, size }) => ({ in_h: inShape[1], in_w: inShape[2], channels: inShape[3], size_h: size[0], size_w: size[1] }),
  });
}

const forward = /* @__PURE__ */ upsampleKernel(up_sampling2d_forward);
const backward = /* @__PURE__ */ upsampleKernel(up_sampling2d_backward);

/** y[n, h, w, c] = x[n, ⌊h / sizeH⌋, ⌊w / sizeW⌋, c]. */
export function upSampling2d(x: Tensor, size: number | [number, number], out?: Tensor): Tensor {
  checkNHWC(x.shape, 'upSampling2d');
  const s = pair(size, 'upSampling2d: size');
  const [n, h, w, c] = x.shape;
  const yShape = [n, h * s[0], w * s[1], c];
  const y = outputTensor('upSampling2d', yShape, out);
  forward.run([x.buffer, y.buffer], { threads: yShape, inShape: x.shape, size: s });
  return y;
}

/** dx sums dy over each sizeH × sizeW block. */
export function upSampling2dBackward(dy: Tensor, size: number | [number, number], out?: Tensor): Tensor {
  checkNHWC(dy.shape, 'upSampling2dBackward');
  const s = pair(size, 'upSampling2dBackward: size');
  const [n, h, w, c] = dy.shape;
  if (h % s[0] !== 0 || w % s[1] !== 0) {
    throw new Error(`upSampling2dBackward: dy ${formatShape(dy.shape)} is not an upsampling by size ${formatShape(s)}`);
  }
  const inShape = [n, h / s[0], w / s[1], c];
  const dx = outputTensor('upSampling2dBackward', inShape, out);
  backward.run([dy.buffer, dx.buffer], { threads: inShape, inShape, size: s });
  return dx;
}
