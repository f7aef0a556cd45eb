// The latent-space panel: the trained autoencoder cut at its code layer into an encoder and a
// decoder that share its layers (so they follow training live). A test image is encoded, one
// slider per code unit moves the code, and the decoder draws the result as the sliders move.
import { input, model, type Model } from '../src/index.js';
import { drawImage } from './images.js';
import { interacting, liveDecoding, predictHost } from './util.js';

/** Codes wider than this get no sliders (the conv models' feature maps). */
const MAX_UNITS = 256;

export interface Split {
  encoder: Model;
  decoder: Model;
  units: number;
}

/** Cuts the model at its narrowest 1-D layer output, or returns null when it has none. */
export function splitAtCode(m: Model): Split | null {
  const nodes = m.nodes;
  let k = -1;
  nodes.slice(0, -1).forEach((n, i) => {
    const s = n.outputs[0].sampleShape;
    if (s.length === 1 && (k < 0 || s[0] < nodes[k].outputs[0].sampleShape[0])) k = i;
  });
  if (k < 0 || nodes[k].outputs[0].sampleShape[0] > MAX_UNITS) return null;
  const code = nodes[k].outputs[0];
  const encoder = model({ inputs: m.input, outputs: code, name: `${m.name}_encoder` });
  const codeIn = input({ shape: code.sampleShape, name: `${m.name}_code` });
  const decoded = nodes.slice(k + 1).reduce((t, n) => n.layer.apply(t), codeIn);
  return { encoder, decoder: model({ inputs: codeIn, outputs: decoded, name: `${m.name}_decoder` }), units: code.sampleShape[0] };
}

export class LatentPanel {
  #split: Split | null = null;
  #images: Uint8Array | null = null;
  #shape: readonly number[] = [28, 28, 1];
  #count = 0;
  #index = 0;
  readonly #decode: () => void;

  constructor(
    readonly root: HTMLElement,
    readonly sliders: HTMLElement,
    readonly source: HTMLCanvasElement,
    readonly output: HTMLCanvasElement,
    readonly note: HTMLElement,
    onError: (e: unknown) => void,
  ) {
    this.#decode = liveDecoding(
      output,
      () => this.#split?.decoder ?? null,
      () => Float32Array.from(this.sliders.querySelectorAll('input'), (s) => Number(s.value)),
      () => this.#shape,
      onError,
    );
    const on = (act: string, step: number) => root.querySelector(`[data-act=${act}]`)!.addEventListener('click', () => this.show(this.#index + step).catch(onError));
    on('prev', -1);
    on('next', 1);
    on('reset', 0);
    sliders.addEventListener('input', () => {
      interacting();
      this.#decode();
    });
  }

  /** A new model (or none): `images` are the showcase samples (bytes) it is explored from. */
  async setModel(m: Model | null, images: Uint8Array | null, count: number, shape: readonly number[]): Promise<void> {
    this.#split = m ? splitAtCode(m) : null;
    this.#images = images;
    this.#count = count;
    this.#shape = shape;
    this.root.classList.toggle('disabled', !this.#split);
    this.note.textContent = !m
      ? 'Train or load a model to explore its code.'
      : this.#split
        ? `${this.#split.units} code units, one slider each. Drag one: the decoder redraws the image from the changed code.`
        : 'This model’s code is a feature map, too wide for sliders: pick one of the dense examples.';
    this.sliders.replaceChildren();
    for (const canvas of [this.source, this.output]) canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
    if (this.#split && images) await this.#buildSliders();
  }

  /** Slider ranges from the codes of all showcase images, then the current image's code. */
  async #buildSliders(): Promise<void> {
    const ranges = await this.#ranges();
    for (const [u, [lo, hi]] of ranges.entries()) {
      const label = document.createElement('label');
      label.title = `code unit ${u}`;
      const slider = Object.assign(document.createElement('input'), { type: 'range', min: String(lo), max: String(hi), step: String((hi - lo) / 200) });
      slider.setAttribute('aria-label', `code unit ${u}`);
      label.append(Object.assign(document.createElement('span'), { textContent: String(u) }), slider);
      this.sliders.append(label);
    }
    await this.show(this.#index);
  }

  /**
   * Follows training: slider ranges from the showcase codes under the current weights, and the
   * current image re-encoded and decoded. Sliders stay in place (and keep focus).
   */
  async refresh(): Promise<void> {
    if (!this.#split || !this.#images) return;
    const sliders = [...this.sliders.querySelectorAll('input')];
    const ranges = await this.#ranges();
    sliders.forEach((s, u) => Object.assign(s, { min: String(ranges[u][0]), max: String(ranges[u][1]), step: String((ranges[u][1] - ranges[u][0]) / 200) }));
    await this.show(this.#index);
  }

  /** Each code unit's range over the showcase images' codes, with room to go beyond them. */
  async #ranges(): Promise<[number, number][]> {
    const { encoder, units } = this.#split!;
    const codes = await predictHost(encoder, this.#images!, this.#count, 1 / 255);
    return Array.from({ length: units }, (_, u) => {
      let [lo, hi] = [0, 0];
      for (let i = 0; i < this.#count; i++) [lo, hi] = [Math.min(lo, codes[i * units + u]), Math.max(hi, codes[i * units + u])];
      return [lo, hi - lo < 1e-6 ? lo + 1 : hi + 0.25 * (hi - lo)];
    });
  }

  /** Encodes showcase image i and sets the sliders to its code. */
  async show(i: number): Promise<void> {
    if (!this.#split || !this.#images) return;
    this.#index = (i + this.#count) % this.#count;
    const per = this.#images.length / this.#count;
    const image = this.#images.subarray(this.#index * per, (this.#index + 1) * per);
    drawImage(this.source, image, 0, this.#shape);
    const code = await predictHost(this.#split.encoder, image, 1, 1 / 255);
    this.sliders.querySelectorAll('input').forEach((s, u) => (s.value = String(code[u])));
    this.#decode();
  }
}
