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
  batch(order: SampleOrder, first: number, count: number): Tensor {
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

function isData(v: unknown): v is Data {
  return v instanceof Tensor || (typeof v === 'object' && v !== null && Array.isArray((v as HostTensor).shape) && 'data' in v);
}

/**
 * One Data per entry the model expects (its inputs, or its outputs' targets), from one Data, a list
 * or an object keyed by name; every shape is checked and every entry must have the same samples.
 */
export function dataList(data: unknown, names: readonly string[], shapes: readonly Shape[], what: string): Data[] {
  const kind = what.endsWith('y') ? 'output' : 'input';
  let list: unknown[];
  if (Array.isArray(data)) list = data;
  else if (isData(data)) list = [data];
  else if (typeof data === 'object' && data !== null) {
    const keys = Object.keys(data);
    const unknown = keys.filter((k) => !names.includes(k));
    if (unknown.length) throw new Error(`${what} names ${unknown.map((k) => `'${k}'`).join(', ')}, which ${unknown.length > 1 ? 'are not' : 'is not an'} ${kind}${unknown.length > 1 ? 's' : ''} of the model; its ${kind}s are ${names.join(', ')}`);
    const missing = names.filter((n) => !keys.includes(n));
    if (missing.length) throw new Error(`${what} has no data for ${kind}${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')}`);
    list = names.map((n) => (data as Record<string, unknown>)[n]);
  } else throw new Error(`${what} must be a wgslnet Tensor, { data, shape }, a list of them or an object keyed by ${kind} name; got ${data === null ? 'null' : typeof data}`);
  if (list.length !== names.length) {
    throw new Error(`${what}: the model has ${names.length} ${kind}${names.length > 1 ? 's' : ''} (${names.join(', ')}) but ${list.length} ${list.length === 1 ? 'was' : 'were'} given`);
  }
  list.forEach((d, i) => checkData(d as Data, shapes[i], names.length > 1 ? `${what} '${names[i]}'` : what));
  const counts = list.map((d) => (d as Data).shape[0]);
  if (counts.some((c) => c !== counts[0])) throw new Error(`${what}: every ${kind} needs the same number of samples, got ${counts.join(', ')}`);
  return list as Data[];
}

/** Sample order for an epoch: the rows offset…offset+n-1, shuffled by `random` when given. */
export interface SampleOrder {
  /** The order on the GPU, when some batches are gathered there. */
  gpu: Tensor<'int32'> | null;
  host: Int32Array;
}

export function sampleOrder(n: number, random: (() => number) | null, offset: number, onGpu: boolean): SampleOrder {
  const host = Int32Array.from({ length: n }, (_, i) => i + offset);
  if (random) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [host[i], host[j]] = [host[j], host[i]];
    }
  }
  return { host, gpu: onGpu ? (tensor(host) as Tensor<'int32'>) : null };
}

/** One BatchSource per distinct Data (an autoencoder's x given as y too is uploaded once). */
export class BatchSources {
  readonly #byData = new Map<Data, BatchSource>();

  /** Uploads (or prepares to stream) each distinct Data; the caller disposes the sources. */
  constructor(data: readonly Data[], scale: number) {
    try {
      for (const d of data) if (!this.#byData.has(d)) this.#byData.set(d, new BatchSource(d, scale));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get anyResident(): boolean {
    return [...this.#byData.values()].some((s) => s.resident);
  }

  /** The batch rows of each data, the same Tensor where the same data is given twice. */
  batches(data: readonly Data[], order: SampleOrder, first: number, count: number): Tensor[] {
    const made = new Map<Data, Tensor>();
    return data.map((d) => {
      let t = made.get(d);
      if (!t) made.set(d, (t = this.#byData.get(d)!.batch(order, first, count)));
      return t;
    });
  }

  dispose(): void {
    for (const s of this.#byData.values()) s.dispose();
  }
}

/** Checks a size argument (batchSize, epochs…) where it enters: a positive integer. */
export function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new Error(`${what} must be a positive integer, got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
  return value;
}
