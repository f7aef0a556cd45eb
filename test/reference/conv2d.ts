// float64 reference of Conv2D and Conv2DTranspose (Keras semantics), by direct loops over every tap.
// A tap links one input element, one kernel element and one output element of a convolution; the
// forward pass and both gradients are the same taps read in different directions, and a transposed
// convolution is a convolution with the roles of its input and output swapped.
import { convOutputLength, padBefore, type Padding } from '../../src/ops/shapes.js';

export type Shape4 = [number, number, number, number];

export interface ConvConfig {
  strides: [number, number];
  padding: Padding;
  /** Taps this far apart (Keras's dilation_rate); default [1, 1]. */
  dilation?: [number, number];
}

/** The extent of a kernel of k taps d apart. */
const span = (k: number, d = 1) => (k - 1) * d + 1;

/** Calls tap(xIndex, kIndex, yIndex) for every tap of a convolution of x [N,H,W,C] by kernel [kh,kw,C,F]. */
function forEachTap(xShape: Shape4, kShape: Shape4, yShape: Shape4, { strides, padding, dilation = [1, 1] }: ConvConfig, tap: (xi: number, ki: number, yi: number) => void): void {
  const [n, h, w, c] = xShape;
  const [kh, kw, , f] = kShape;
  const [, oh, ow] = yShape;
  const ph = padBefore(h, span(kh, dilation[0]), strides[0], padding);
  const pw = padBefore(w, span(kw, dilation[1]), strides[1], padding);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let u = 0; u < kh; u++)
          for (let v = 0; v < kw; v++) {
            const ih = i * strides[0] - ph + u * dilation[0];
            const iw = j * strides[1] - pw + v * dilation[1];
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            for (let ci = 0; ci < c; ci++)
              for (let fi = 0; fi < f; fi++) tap(((b * h + ih) * w + iw) * c + ci, ((u * kw + v) * c + ci) * f + fi, ((b * oh + i) * ow + j) * f + fi);
          }
}

export function convShape(xShape: Shape4, kShape: Shape4, { strides, padding, dilation = [1, 1] }: ConvConfig): Shape4 {
  const length = (i: 0 | 1) => convOutputLength(xShape[1 + i], span(kShape[i], dilation[i]), strides[i], padding);
  return [xShape[0], length(0), length(1), kShape[3]];
}

/** Keras's Conv2DTranspose output length (no output_padding). */
export function transposeShape(xShape: Shape4, kShape: Shape4, { strides, padding }: ConvConfig): Shape4 {
  const len = (n: number, k: number, s: number) => (padding === 'same' ? n * s : n * s + Math.max(k - s, 0));
  return [xShape[0], len(xShape[1], kShape[0], strides[0]), len(xShape[2], kShape[1], strides[1]), kShape[2]];
}

export function conv2d(x: ArrayLike<number>, xShape: Shape4, k: ArrayLike<number>, kShape: Shape4, cfg: ConvConfig): Float64Array {
  const yShape = convShape(xShape, kShape, cfg);
  const y = new Float64Array(yShape.reduce((a, b) => a * b));
  forEachTap(xShape, kShape, yShape, cfg, (xi, ki, yi) => (y[yi] += x[xi] * k[ki]));
  return y;
}

export function conv2dBackwardInput(dy: ArrayLike<number>, k: ArrayLike<number>, kShape: Shape4, xShape: Shape4, cfg: ConvConfig): Float64Array {
  const dx = new Float64Array(xShape.reduce((a, b) => a * b));
  forEachTap(xShape, kShape, convShape(xShape, kShape, cfg), cfg, (xi, ki, yi) => (dx[xi] += dy[yi] * k[ki]));
  return dx;
}

export function conv2dBackwardFilter(x: ArrayLike<number>, xShape: Shape4, dy: ArrayLike<number>, kShape: Shape4, cfg: ConvConfig): Float64Array {
  const dk = new Float64Array(kShape.reduce((a, b) => a * b));
  forEachTap(xShape, kShape, convShape(xShape, kShape, cfg), cfg, (xi, ki, yi) => (dk[ki] += x[xi] * dy[yi]));
  return dk;
}

// Conv2DTranspose: x [N,H,W,C], kernel [kh,kw,F,C] → y [N,OH,OW,F] is the convolution y → x read backwards
// (TF computes it as conv2d_backprop_input, so 'same' padding follows from the output size).

export function conv2dTranspose(x: ArrayLike<number>, xShape: Shape4, k: ArrayLike<number>, kShape: Shape4, cfg: ConvConfig): Float64Array {
  return conv2dBackwardInput(x, k, kShape, transposeShape(xShape, kShape, cfg), cfg);
}

export function conv2dTransposeBackwardInput(dy: ArrayLike<number>, dyShape: Shape4, k: ArrayLike<number>, kShape: Shape4, cfg: ConvConfig): Float64Array {
  return conv2d(dy, dyShape, k, kShape, cfg);
}

export function conv2dTransposeBackwardFilter(x: ArrayLike<number>, dy: ArrayLike<number>, dyShape: Shape4, kShape: Shape4, cfg: ConvConfig): Float64Array {
  return conv2dBackwardFilter(dy, dyShape, x, kShape, cfg);
}
