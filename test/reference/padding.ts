// float64 reference of zero padding / cropping of NHWC images: output pixel (h, w) is input pixel
// (h − top, w − left) where that exists, else 0 (negative amounts crop).
export function pad2dRef(x: ArrayLike<number>, [n, h, w, c]: number[], [[top, bottom], [left, right]]: [[number, number], [number, number]]): Float64Array {
  const oh = h + top + bottom;
  const ow = w + left + right;
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let k = 0; k < c; k++) {
          const si = i - top;
          const sj = j - left;
          if (si >= 0 && si < h && sj >= 0 && sj < w) y[((b * oh + i) * ow + j) * c + k] = x[((b * h + si) * w + sj) * c + k];
        }
  return y;
}
