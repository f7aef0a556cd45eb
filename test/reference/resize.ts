// Float64 reference for resizeImage, written per output pixel in 2-D: area = the mean of the
// input over the output pixel's footprint (overlap areas summed over every input pixel);
// bilinear = tent weights max(0, 1 − |src − i|) around the half-pixel source coordinate.

/** The weight of input index i for output index o along one axis. */
function weight(o: number, i: number, inSize: number, outSize: number): number {
  const scale = inSize / outSize;
  if (outSize < inSize) {
    const overlap = Math.min((o + 1) * scale, i + 1) - Math.max(o * scale, i);
    return Math.max(overlap, 0) / scale;
  }
  const src = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
  return Math.max(0, 1 - Math.abs(src - i));
}

/** image: h×w×c row-major; returns outH×outW×c. */
export function resizeRef(image: ArrayLike<number>, [h, w, c]: number[], [outH, outW]: number[]): Float64Array {
  const out = new Float64Array(outH * outW * c);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let k = 0; k < c; k++) {
        let v = 0;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) v += weight(oy, y, h, outH) * weight(ox, x, w, outW) * image[(y * w + x) * c + k];
        }
        out[(oy * outW + ox) * c + k] = v;
      }
    }
  }
  return out;
}
