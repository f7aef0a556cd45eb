// The VAE's latent plane: the test images' zMean as a scatter coloured by class, and a point the
// visitor drags (mouse, touch, or the arrow keys once the plane has focus) whose decoding is drawn
// live. A decode is one decoder prediction of a single 2-D vector; moves arriving while one runs
// collapse into one more run with the latest point (liveDecoding), so a drag never builds a queue.
import type { Model, SymbolicTensor, Tensor } from '../src/index.js';
import { interacting, liveDecoding } from './util.js';

/** The encoder (x → [zMean, zLogVar, z]) and decoder (z → x̂) sharing the VAE's layers. */
export interface VaeParts {
  encoder: Model<SymbolicTensor[]>;
  decoder: Model;
}

/** What the plane shows: test images (bytes, N×784) and their class labels and names. */
export interface PlaneData {
  images: Uint8Array;
  labels: ArrayLike<number>;
  classes: readonly string[];
}

/** Matplotlib's first ten colours, as latent.png from `wgslnet train vae` uses. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** At most this many test images are encoded for the scatter (one prediction, a cheap redraw). */
const MAX_POINTS = 2000;
/** Arrow keys move the point by this fraction of the plane's half-width (Shift: four times as far). */
const KEY_STEP = 1 / 20;

export class LatentPlane {
  #parts: VaeParts | null = null;
  #data: PlaneData | null = null;
  /** zMean of the shown test images, interleaved (z0, z1). */
  #z: Float32Array = new Float32Array(0);
  /** The plane spans [-range, range] on both axes (the prior N(0, I) is centred at 0). */
  #range = 3;
  #point: [number, number] = [0, 0];
  /** Whether the point has been placed since setModel (it starts on a test image's code). */
  #placed = false;
  /** The scatter, drawn once per refresh at the canvas's pixel size; a move only redraws the point. */
  #scatter: OffscreenCanvas | null = null;
  #dragging = false;
  readonly #decode: () => void;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly output: HTMLCanvasElement,
    readonly readout: HTMLElement,
    readonly legend: HTMLElement,
    onError: (e: unknown) => void,
  ) {
    this.#decode = liveDecoding(output, () => this.#parts?.decoder ?? null, () => Float32Array.from(this.#point), () => [28, 28, 1], onError);
    canvas.addEventListener('pointerdown', (e) => {
      if (!this.#parts) return;
      canvas.setPointerCapture(e.pointerId);
      this.#dragging = true;
      this.#move(this.#fromPixels(e));
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.#dragging) this.#move(this.#fromPixels(e));
    });
    const end = () => (this.#dragging = false);
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('keydown', (e) => this.#key(e));
    new ResizeObserver(() => this.#render()).observe(canvas);
  }

  /** The VAE's parts (or none: another example is on the page) and the test images to scatter. */
  async setModel(parts: VaeParts | null, data: PlaneData | null): Promise<void> {
    this.#parts = parts;
    this.#data = data;
    this.#z = new Float32Array(0);
    this.#placed = false;
    this.legend.replaceChildren(
      ...(data?.classes ?? []).map((name, k) => {
        const item = document.createElement('li');
        item.style.setProperty('--dot', PALETTE[k % PALETTE.length]);
        item.textContent = name;
        return item;
      }),
    );
    await this.refresh();
  }

  /** Re-encodes the test images under the current weights and decodes the point again. */
  async refresh(): Promise<void> {
    if (!this.#parts || !this.#data) return;
    const per = 28 * 28;
    const n = Math.min(MAX_POINTS, this.#data.images.length / per);
    const outputs = (await this.#parts.encoder.predict({ data: this.#data.images.subarray(0, n * per), shape: [n, per] }, { scale: 1 / 255 })) as Tensor[];
    try {
      this.#z = (await outputs[0].data()) as Float32Array;
    } finally {
      for (const t of outputs) t.dispose();
    }
    // Room for 99% of the points (outliers would shrink the rest into a corner), in steps of 0.5.
    const extent = [...this.#z].map(Math.abs).sort((a, b) => a - b)[Math.floor(0.99 * (this.#z.length - 1))] ?? 1;
    this.#range = Math.max(1, Math.ceil(extent * 1.15 * 2) / 2);
    this.#scatter = null;
    // It starts on the first test image's code, where the decoder draws a garment (the origin
    // may lie between the classes); later refreshes keep the point where the visitor put it.
    if (!this.#placed && this.#z.length) this.#point = [this.#z[0], this.#z[1]];
    this.#placed = true;
    this.#moveTo(this.#point);
  }

  /** The visitor moved the point: training gives way (see interactionsQuiet). */
  #move(z: readonly number[]): void {
    interacting();
    this.#moveTo(z);
  }

  /** The point (clamped to the plane), drawn at once and decoded as soon as the GPU is free. */
  #moveTo([z0, z1]: readonly number[]): void {
    const r = this.#range;
    const clamp = (v: number) => Math.min(r, Math.max(-r, v));
    this.#point = [clamp(z0), clamp(z1)];
    const text = `z = (${this.#point.map((v) => v.toFixed(2).replace('-', '−')).join(', ')})`;
    this.readout.textContent = text;
    this.canvas.setAttribute('aria-valuetext', text);
    // For the end-to-end tests: the point and the plane's half-width.
    Object.assign(this.canvas.dataset, { z: this.#point.join(','), range: String(this.#range) });
    this.#render();
    this.#decode();
  }

  #key(e: KeyboardEvent): void {
    const step = this.#range * KEY_STEP * (e.shiftKey ? 4 : 1);
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (e.key === 'Home') this.#move([0, 0]);
    else if (moves[e.key]) this.#move([this.#point[0] + moves[e.key][0], this.#point[1] + moves[e.key][1]]);
    else return;
    // The arrows move the point, not the page.
    e.preventDefault();
  }

  /** Canvas pixels ↔ latent coordinates (z1 grows upwards). */
  #toPixels(z0: number, z1: number): [number, number] {
    const { width: w, height: h } = this.canvas;
    return [((z0 + this.#range) / (2 * this.#range)) * w, ((this.#range - z1) / (2 * this.#range)) * h];
  }

  #fromPixels(e: PointerEvent): [number, number] {
    const box = this.canvas.getBoundingClientRect();
    const [u, v] = [(e.clientX - box.left) / box.width, (e.clientY - box.top) / box.height];
    return [(2 * u - 1) * this.#range, (1 - 2 * v) * this.#range];
  }

  /** The scatter (cached) and the point, at the canvas's size on screen. */
  #render(): void {
    const side = Math.round(this.canvas.clientWidth * devicePixelRatio);
    if (!side) return;
    if (this.canvas.width !== side || this.canvas.height !== side) {
      [this.canvas.width, this.canvas.height] = [side, side];
      this.#scatter = null;
    }
    this.#scatter ??= this.#drawScatter(side);
    const ctx = this.canvas.getContext('2d')!;
    ctx.clearRect(0, 0, side, side);
    ctx.drawImage(this.#scatter, 0, 0);
    if (!this.#parts) return;
    const [x, y] = this.#toPixels(...this.#point);
    const dpr = devicePixelRatio;
    ctx.lineWidth = 2 * dpr;
    for (const [colour, radius] of [['#000', 9], ['#fff', 7]] as const) {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      ctx.arc(x, y, radius * dpr, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.fillStyle = '#fff';
    ctx.fillRect(x - dpr, y - dpr, 2 * dpr, 2 * dpr);
  }

  /** Axes through 0, grid lines with their values, and one dot per encoded test image. */
  #drawScatter(side: number): OffscreenCanvas {
    const canvas = new OffscreenCanvas(side, side);
    const ctx = canvas.getContext('2d')!;
    const dpr = devicePixelRatio;
    const style = getComputedStyle(this.canvas);
    const line = style.getPropertyValue('--line').trim() || '#ccc';
    const muted = style.getPropertyValue('--muted').trim() || '#666';
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.fillStyle = muted;
    // A grid line per unit, per 2 or per 5: at most about four on each side of 0.
    const step = [1, 2, 5, 10].find((k) => this.#range / k <= 4.5) ?? 20;
    for (let t = -Math.floor(this.#range / step) * step; t <= this.#range; t += step) {
      const [x, y] = this.#toPixels(t, t);
      ctx.strokeStyle = t === 0 ? muted : line;
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, side);
      ctx.moveTo(0, y);
      ctx.lineTo(side, y);
      ctx.stroke();
      if (t !== 0) {
        ctx.fillText(String(t), x + 3 * dpr, side / 2 + 12 * dpr);
        ctx.fillText(String(t), side / 2 + 3 * dpr, y - 3 * dpr);
      }
    }
    ctx.fillText('z₀ →', side - 34 * dpr, side / 2 - 4 * dpr);
    ctx.fillText('↑ z₁', side / 2 + 4 * dpr, 12 * dpr);
    const labels = this.#data?.labels ?? [];
    const radius = Math.max(1.5, side / 220);
    ctx.globalAlpha = 0.75;
    for (let i = 0; i < this.#z.length / 2; i++) {
      const [x, y] = this.#toPixels(this.#z[2 * i], this.#z[2 * i + 1]);
      ctx.fillStyle = PALETTE[labels[i] % PALETTE.length];
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fill();
    }
    return canvas;
  }
}
