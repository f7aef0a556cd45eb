// Images onto canvases: samples are H×W×C (C = 1 grey or 3 RGB), as floats in [0, 1] or bytes.

export type Pixels = Float32Array | Uint8Array;

/** RGBA bytes of sample `index` of a batch. */
export function toRgba(batch: Pixels, index: number, [h, w, c]: readonly number[]): ImageData {
  const image = new ImageData(w, h);
  const scale = batch instanceof Uint8Array ? 1 : 255;
  const base = index * h * w * c;
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) image.data[4 * p + k] = batch[base + p * c + (c === 1 ? 0 : k)] * scale;
    image.data[4 * p + 3] = 255;
  }
  return image;
}

/**
 * Draws rows of samples as a grid at one canvas pixel per image pixel (CSS scales it up,
 * pixelated), with a 2-pixel gap. Row r shows samples 0…count-1 of rows[r].
 */
export function drawGrid(canvas: HTMLCanvasElement, rows: Pixels[], count: number, shape: readonly number[]): void {
  const [h, w] = shape;
  const gap = 2;
  canvas.width = count * (w + gap) - gap;
  canvas.height = rows.length * (h + gap) - gap;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  rows.forEach((batch, r) => {
    for (let i = 0; i < count; i++) ctx.putImageData(toRgba(batch, i, shape), i * (w + gap), r * (h + gap));
  });
}

/** One sample filling a canvas of its own size. */
export function drawImage(canvas: HTMLCanvasElement, batch: Pixels, index: number, shape: readonly number[]): void {
  canvas.width = shape[1];
  canvas.height = shape[0];
  canvas.getContext('2d')!.putImageData(toRgba(batch, index, shape), 0, 0);
}
