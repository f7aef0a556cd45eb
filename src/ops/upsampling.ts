// Keras's UpSampling2D by integer sizes per axis, NHWC: nearest neighbour, or bilinear as TF.js's
// UpSampling2D computes it (resizeBilinear, alignCorners and halfPixelCenters false). One forward
// and one backward kernel, the interpolation an override constant.
import { defineKernel } from '../runner.js';
import { up_sampling2d_backward } from '../generated/up_sampling2d_backward.js';
import { up_sampling2d_forward } from '../generated/up_sampling2d_forward.js';
import { formatShape, outputBindings, type Shape, type Tensor } from '../tensor.js';
import { checkNHWC, outputTensor, pair, type Pair } from './shapes.js';

export type Interpolation = 'nearest' | 'bilinear';
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear'];

interface Upsample {
  /** The NHWC shape whose elements get one thread each: y (forward) or dx (backward). */
  threads: Shape;
  inShape: Shape;
  size: Pair;
  interpolation: Interpolation;
}

/** Channels per thread (lib/upsample.wgsl's VEC4): 4 where they come in fours. */
const lanes = (p: Upsample) => (p.inShape[3] % 4 === 0 ? 4 : 1);

/** The forward and backward kernels share their bindings, uniform block, dispatch shape and constants. */
function upsampleKernel(shader: typeof up_sampling2d_forward) {
  const kernel = defineKernel({
    shader,
    // x along a row's (width, channel groups), y the row, z the batch index.
    workgroups: (p: Upsample) => {
      const [batch, height, width, channels] = p.threads;
      return [Math.ceil((width * channels) / lanes(p) / 64), height, batch];
    },
    uniforms: (p) => ({ in_h: p.inShape[1], in_w: p.inShape[2], channels: p.inShape[3] / lanes(p), size_h: p.size[0], size_w: p.size[1] }),
    constants: (p) => ({ BILINEAR: Number(p.interpolation === 'bilinear'), VEC4: Number(lanes(p) === 4) }),
  });
  return (x: Tensor, y: Tensor, p: Upsample) => {
    const { scalar, vector, release } = outputBindings(lanes(p) === 4, [y]);
    kernel.run([x.buffer, scalar[0], x.buffer, vector[0]], p);
    release();
  };
}

const forward = /* @__PURE__ */ upsampleKernel(up_sampling2d_forward);
const backward = /* @__PURE__ */ upsampleKernel(up_sampling2d_backward);

function checkInterpolation(op: string, interpolation: unknown): asserts interpolation is Interpolation {
  if (!INTERPOLATIONS.includes(interpolation as Interpolation)) throw new Error(`${op}: interpolation must be ${INTERPOLATIONS.map((i) => `'${i}'`).join(' or ')}, got ${JSON.stringify(interpolation)}`);
}

/**
 * Nearest: y[n, h, w, c] = x[n, ⌊h / sizeH⌋, ⌊w / sizeW⌋, c]. Bilinear: y samples x at
 * (h / sizeH, w / sizeW), blending the (up to) four neighbours, clamped at the last row and column.
 */
export function upSampling2d(x: Tensor, size: number | [number, number], out?: Tensor, interpolation: Interpolation = 'nearest'): Tensor {
  checkNHWC(x.shape, 'upSampling2d');
  const s = pair(size, 'upSampling2d: size');
  checkInterpolation('upSampling2d', interpolation);
  const [n, h, w, c] = x.shape;
  const yShape = [n, h * s[0], w * s[1], c];
  const y = outputTensor('upSampling2d', yShape, out);
  forward(x, y, { threads: yShape, inShape: x.shape, size: s, interpolation });
  return y;
}

/** dx: dy sent back along the forward's weights (nearest: each sizeH × sizeW block summed). */
export function upSampling2dBackward(dy: Tensor, size: number | [number, number], out?: Tensor, interpolation: Interpolation = 'nearest'): Tensor {
  checkNHWC(dy.shape, 'upSampling2dBackward');
  const s = pair(size, 'upSampling2dBackward: size');
  checkInterpolation('upSampling2dBackward', interpolation);
  const [n, h, w, c] = dy.shape;
  if (h % s[0] !== 0 || w % s[1] !== 0) {
    throw new Error(`upSampling2dBackward: dy ${formatShape(dy.shape)} is not an upsampling by size ${formatShape(s)}`);
  }
  const inShape = [n, h / s[0], w / s[1], c];
  const dx = outputTensor('upSampling2dBackward', inShape, out);
  backward(dy, dx, { threads: inShape, inShape, size: s, interpolation });
  return dx;
}
