// float64 references of the per-sample metrics: Keras's binary_accuracy (threshold 0.5),
// tf.image.psnr and tf.image.ssim (11×11 Gaussian σ 1.5, VALID, k1 0.01, k2 0.03), one value per
// sample of NHWC (or flat) data.
import { lossRef, type Loss } from './loss.js';

export function perSample(n: number, rowLength: number, f: (start: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, r) => f(r * rowLength));
}

export function meanOf(p: ArrayLike<number>, y: ArrayLike<number>, start: number, len: number, e: (p: number, y: number) => number): number {
  let s = 0;
  for (let i = start; i < start + len; i++) s += e(p[i], y[i]);
  return s / len;
}

export const accuracy = (p: number, y: number) => ((p > 0.5 ? 1 : 0) === y ? 1 : 0);

/** A loss of test/reference/loss.ts over one sample. */
export function sampleLoss(loss: Loss, p: ArrayLike<number>, y: ArrayLike<number>, start: number, len: number): number {
  const slice = (a: ArrayLike<number>) => Array.prototype.slice.call(a, start, start + len) as number[];
  return lossRef(loss, slice(p), slice(y));
}

export function psnrRef(p: ArrayLike<number>, y: ArrayLike<number>, start: number, len: number, maxVal = 1): number {
  return 20 * Math.log10(maxVal) - 10 * Math.log10(sampleLoss('mse', p, y, start, len));
}

/** tf.image.ssim of one [h, w, c] image pair starting at `start`. */
export function ssimRef(a: ArrayLike<number>, b: ArrayLike<number>, start: number, h: number, w: number, c: number, maxVal = 1): number {
  const size = 11;
  const sigma = 1.5;
  // TF builds the 2-D window as softmax(g(x) + g(y)), g = -0.5·d²/σ²: the normalised outer product.
  const window: number[] = [];
  for (let ky = 0; ky < size; ky++) for (let kx = 0; kx < size; kx++) window.push(Math.exp(-0.5 * (((ky - 5) ** 2 + (kx - 5) ** 2) / sigma ** 2)));
  const total = window.reduce((s, v) => s + v, 0);
  const c1 = (0.01 * maxVal) ** 2;
  const c2 = (0.03 * maxVal) ** 2;
  let sum = 0;
  let count = 0;
  for (let ch = 0; ch < c; ch++) {
    for (let oy = 0; oy + size <= h; oy++) {
      for (let ox = 0; ox + size <= w; ox++) {
        let [mx, my, mxx, myy, mxy] = [0, 0, 0, 0, 0];
        for (let ky = 0; ky < size; ky++) {
          for (let kx = 0; kx < size; kx++) {
            const wt = window[ky * size + kx] / total;
            const i = start + ((oy + ky) * w + ox + kx) * c + ch;
            mx += wt * a[i];
            my += wt * b[i];
            mxx += wt * a[i] * a[i];
            myy += wt * b[i] * b[i];
            mxy += wt * a[i] * b[i];
          }
        }
        const num0 = 2 * mx * my;
        const den0 = mx * mx + my * my;
        const luminance = (num0 + c1) / (den0 + c1);
        const cs = (2 * mxy - num0 + c2) / (mxx + myy - den0 + c2);
        sum += luminance * cs;
        count++;
      }
    }
  }
  return sum / count;
}
