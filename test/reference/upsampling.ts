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
