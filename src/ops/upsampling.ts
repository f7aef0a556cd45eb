// Keras's UpSampling2D (nearest neighbour, any integer size per axis), NHWC.
import { defineKernel, grid1d, packUniforms } from '../runner.js';
import { empty, formatShape, sizeOf, type Shape, type Tensor } from '../tensor.js';
import { checkNHWC, pair, type Pair } from './shapes.js';

interface Upsample {
  /** One thread per element of y (forward) or dx (backward). */
  total: number;
  inShape: Shape;
  size: Pair;
}

function upsampleKernel(name: string) {
  return defineKernel<Upsample>({
    name,
    bindings: ['read', 'write', 'uniform'],
    workgroups: (p) => grid1d(p.total, 64),
    uniforms: (p) => packUniforms([p.total, p.inShape[1], p.inShape[2], p.inShape[3], ...p.size]),
  });
}

const forward = upsampleKernel('up_sampling2d_forward');
const backward = upsampleKernel('up_sampling2d_backward');

/** y[n, h, w, c] = x[n, ⌊h / sizeH⌋, ⌊w / sizeW⌋, c]. */
export function upSampling2d(x: Tensor, size: number | [number, number]): Tensor {
  checkNHWC(x.shape, 'upSampling2d');
  const s = pair(size, 'upSampling2d: size');
  const [n, h, w, c] = x.shape;
  const y = empty([n, h * s[0], w * s[1], c]);
  forward.run([x.buffer, y.buffer], { total: y.size, inShape: x.shape, size: s });
  return y;
}

/** dx sums dy over each sizeH × sizeW block. */
export function upSampling2dBackward(dy: Tensor, size: number | [number, number]): Tensor {
  checkNHWC(dy.shape, 'upSampling2dBackward');
  const s = pair(size, 'upSampling2dBackward: size');
  const [n, h, w, c] = dy.shape;
  if (h % s[0] !== 0 || w % s[1] !== 0) {
    throw new Error(`upSampling2dBackward: dy ${formatShape(dy.shape)} is not an upsampling by size ${formatShape(s)}`);
  }
  const inShape = [n, h / s[0], w / s[1], c];
  const dx = empty(inShape);
  backward.run([dy.buffer, dx.buffer], { total: sizeOf(inShape), inShape, size: s });
  return dx;
}
