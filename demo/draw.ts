// A 28×28 drawing pad: strokes are drawn on a large canvas with a soft round brush and shrunk to
// 28×28 (light on dark, as Fashion-MNIST's images), so the model sees anti-aliased pixels.

const SIZE = 28;

export class DrawPad {
  readonly #ctx: CanvasRenderingContext2D;
  readonly #small = new OffscreenCanvas(SIZE, SIZE).getContext('2d', { willReadFrequently: true })!;
  #last: { x: number; y: number } | null = null;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly onChange: () => void,
  ) {
    this.#ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.#last = this.#point(e);
      this.#stroke(this.#last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.#last) this.#stroke(this.#point(e));
    });
    const end = () => (this.#last = null);
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  #point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * this.canvas.width, y: ((e.clientY - r.top) / r.height) * this.canvas.height };
  }

  #stroke(to: { x: number; y: number }): void {
    const ctx = this.#ctx;
    const from = this.#last ?? to;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.canvas.width / 11;
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
    this.#last = to;
    this.onChange();
  }

  clear(): void {
    this.#ctx.fillStyle = '#000';
    this.#ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.onChange();
  }

  /** Puts a 28×28 grey image (bytes) on the pad, to draw over. */
  setImage(grey: Uint8Array): void {
    const image = new ImageData(SIZE, SIZE);
    grey.forEach((v, p) => image.data.set([v, v, v, 255], 4 * p));
    this.#small.putImageData(image, 0, 0);
    this.#ctx.drawImage(this.#small.canvas, 0, 0, this.canvas.width, this.canvas.height);
    this.onChange();
  }

  /** The drawing as 28×28 grey bytes. */
  pixels(): Uint8Array {
    this.#small.imageSmoothingQuality = 'high';
    this.#small.drawImage(this.canvas, 0, 0, SIZE, SIZE);
    const rgba = this.#small.getImageData(0, 0, SIZE, SIZE).data;
    return Uint8Array.from({ length: SIZE * SIZE }, (_, p) => rgba[4 * p]);
  }
}
