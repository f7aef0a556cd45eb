// float64 reference of nearest-neighbour 2-D upsampling, NHWC, and its gradient (by scattering).
export type Shape4 = [number, number, number, number];

export function upsample(x: ArrayLike<number>, [n, h, w, c]: Shape4, [sh, sw]: [number, number]): number[] {
  const y: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h * sh; i++)
      for (let j = 0; j < w * sw; j++)
        for (let k = 0; k < c; k++) y.push(x[((b * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c + k]);
  return y;
}

/** The gradient with respect to x of Σ dy · upsample(x), for x of shape [n, h, w, c]. */
export function upsampleBackward(dy: ArrayLike<number>, [n, h, w, c]: Shape4, [sh, sw]: [number, number]): number[] {
  const dx = new Array<number>(n * h * w * c).fill(0);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h * sh; i++)
      for (let j = 0; j < w * sw; j++)
        for (let k = 0; k < c; k++) dx[((b * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c + k] += dy[o++];
  return dx;
}

/**
 * The weight input index i gets for output index o when `len` samples are upsampled by s, as
 * TF.js's resizeBilinear (alignCorners, halfPixelCenters false) places them: a tent around the
 * source position o / s, which stops at the last sample.
 */
function bilinearWeight(o: number, i: number, s: number, len: number): number {
  return Math.max(0, 1 - Math.abs(Math.min(o / s, len - 1) - i));
}

/** y[b, i, j, k] = Σ_{p, q} w(i, p) · w(j, q) · x[b, p, q, k], written as the full double sum. */
export function upsampleBilinear(x: ArrayLike<number>, [n, h, w, c]: Shape4, [sh, sw]: [number, number]): Float64Array {
  const y = new Float64Array(n * h * sh * w * sw * c);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h * sh; i++)
      for (let j = 0; j < w * sw; j++)
        for (let k = 0; k < c; k++, o++)
          for (let p = 0; p < h; p++)
            for (let q = 0; q < w; q++) y[o] += bilinearWeight(i, p, sh, h) * bilinearWeight(j, q, sw, w) * x[((b * h + p) * w + q) * c + k];
  return y;
}
