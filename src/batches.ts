// Where fit/predict/evaluate get their batches from. Data that fits one GPU binding is uploaded
// once (uint8 pixels stay bytes, scaled on the GPU) and each batch is one gather dispatch through
// an index buffer, so shuffling costs one upload per epoch. Larger host data (Fashion-MNIST as
// float32 is 188 MB, over the usual 128 MiB binding limit) streams: each batch is gathered on the
// CPU and uploaded.
import { context } from './device.js';
import { gatherRows } from './ops/gather.js';
import { empty, formatShape, type HostTensor, sizeOf, Tensor, tensor, write, type Shape } from './tensor.js';

export type Data = Tensor | HostTensor;

export class BatchSource {
  readonly numSamples: number;
  readonly sampleShape: Shape;
  readonly #rowLength: number;
  readonly #resident: Tensor | null;
  readonly #owned: boolean;
  readonly #host: HostTensor | null;
  readonly #scale: number;

  constructor(data: Data, scale: number) {
    this.numSamples = data.shape[0];
    this.sampleShape = data.shape.slice(1);
    this.#rowLength = sizeOf(this.sampleShape);
    this.#scale = scale;
    if (data instanceof Tensor) {
      this.#resident = data;
      this.#owned = false;
      this.#host = null;
    } else {
      const bytes = data.data.byteLength;
      const fits = bytes <= context().limits.maxStorageBufferBindingSize;
      this.#resident = fits ? tensor(data.data, data.shape) : null;
      this.#owned = fits;
      this.#host = fits ? null : data;
    }
  }

  /** Rows order[first … first+count) as a float32 [count, ...sampleShape] tensor (pooled; the caller disposes it). */
  batch(order: { gpu: Tensor<'int32'> | null; host: Int32Array }, first: number, count: number): Tensor {
    const out = empty([count, ...this.sampleShape]);
    if (this.#resident) return gatherRows(this.#resident, order.gpu!, first, out, this.#scale);
    const host = this.#host!;
    const rows = new Float32Array(count * this.#rowLength);
    for (let r = 0; r < count; r++) {
      const start = order.host[first + r] * this.#rowLength;
      const row = host.data.subarray(start, start + this.#rowLength);
      if (this.#scale === 1) rows.set(row, r * this.#rowLength);
      else for (let c = 0; c < this.#rowLength; c++) rows[r * this.#rowLength + c] = row[c] * this.#scale;
    }
    write(out, rows);
    return out;
  }

  /** Whether batches come from the GPU (an index tensor is needed) or from the host. */
  get resident(): boolean {
    return this.#resident !== null;
  }

  dispose(): void {
    if (this.#owned) this.#resident!.dispose();
  }
}

/** Checks that data matches a model's per-sample shape before any GPU work. */
export function checkData(data: Data, expected: Shape, what: string): void {
  if (!data || !Array.isArray(data.shape) || (!(data instanceof Tensor) && !(data.data instanceof Float32Array || data.data instanceof Uint8Array))) {
    throw new Error(`${what} must be a wgslnet Tensor or { data: Float32Array | Uint8Array, shape }`);
  }
  if (!(data instanceof Tensor) && data.data.length !== sizeOf(data.shape)) {
    throw new Error(`${what}: ${data.data.length} values do not fill shape ${formatShape(data.shape)}`);
  }
  const sample = data.shape.slice(1);
  if (formatShape(sample) !== formatShape(expected)) {
    throw new Error(`${what} has shape ${formatShape(data.shape)} but the model expects [batch, ${expected.join(',')}]`);
  }
  if (data.shape[0] === 0) throw new Error(`${what} has no samples (shape ${formatShape(data.shape)})`);
}
