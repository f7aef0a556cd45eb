// Tensors: a shape, a dtype and a GPU buffer drawn from a pool. Training repeats the same shapes
// every step, so buffers are pooled by exact byte size and a step allocates nothing.
import { context } from './device.js';
import { BufferUsage, MapMode } from './gpu-flags.js';
import { encoder, flush, forgetBuffer, hasPendingWork, markGpuCaughtUp, throwKernelErrors } from './runner.js';

/**
 * float32 for computation; int32 for indices (MaxPool's argmax); uint8 for raw pixel uploads
 * (packed four to a u32 word on the GPU).
 */
export type DType = 'float32' | 'int32' | 'uint8';
export type Shape = readonly number[];
export type TypedArrayFor<D extends DType> = D extends 'uint8' ? Uint8Array : D extends 'int32' ? Int32Array : Float32Array;

/** Data on the CPU with a shape: what data sets return and what fit()/predict() also accept. */
export interface HostTensor {
  data: Float32Array | Uint8Array;
  shape: Shape;
}

const BYTES: Record<DType, number> = { float32: 4, int32: 4, uint8: 1 };
const ARRAY = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array } as const;
const USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

const pool = new Map<number, GPUBuffer[]>();
const live = new Set<Tensor>();
let pooledBytes = 0;

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

function checkShape(shape: Shape, what: string): void {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${what}: shape ${formatShape(shape)} must be non-negative integers`);
}

/**
 * Buffer bytes for n elements: rounded up to whole 16-byte vec4s, so that elementwise kernels can
 * move four floats per thread without a scalar tail (copies and u32 packing need whole words too).
 */
function byteSize(n: number, dtype: DType): number {
  return Math.max(16, Math.ceil((n * BYTES[dtype]) / 16) * 16);
}

function acquire(bytes: number, what: string): GPUBuffer {
  const { device, limits } = context();
  if (bytes > limits.maxStorageBufferBindingSize) {
    throw new Error(
      `${what} needs ${bytes} bytes, over this device's maxStorageBufferBindingSize of ${limits.maxStorageBufferBindingSize} bytes; ` +
        'split it into smaller tensors (fit() streams large host data batch by batch)',
    );
  }
  const free = pool.get(bytes);
  const reused = free?.pop();
  if (reused) {
    pooledBytes -= bytes;
    return reused;
  }
  return device.createBuffer({ size: bytes, usage: USAGE });
}

function release(buffer: GPUBuffer): void {
  const free = pool.get(buffer.size);
  if (free) free.push(buffer);
  else pool.set(buffer.size, [buffer]);
  pooledBytes += buffer.size;
}

/** Frees the pooled (unused) buffers, e.g. after a model with other shapes is done. */
export function emptyPool(): void {
  flush();
  for (const buffers of pool.values()) {
    for (const buffer of buffers) {
      forgetBuffer(buffer);
      buffer.destroy();
    }
  }
  pool.clear();
  pooledBytes = 0;
}

export class Tensor<D extends DType = DType> {
  readonly shape: Shape;
  readonly dtype: D;
  readonly size: number;
  #buffer: GPUBuffer | null;
  #owner: Tensor<D> | null = null;

  constructor(shape: Shape, dtype: D, buffer?: GPUBuffer) {
    checkShape(shape, 'tensor');
    this.shape = [...shape];
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.#buffer = buffer ?? acquire(byteSize(this.size, dtype), `a ${dtype} tensor of shape ${formatShape(shape)}`);
    live.add(this);
  }

  get buffer(): GPUBuffer {
    if (!this.#buffer) throw new Error(`tensor ${formatShape(this.shape)} (${this.dtype}) was disposed and cannot be used`);
    return this.#buffer;
  }

  /** True for a reshape view, which shares its owner's buffer. */
  get isView(): boolean {
    return this.#owner !== null;
  }

  get isDisposed(): boolean {
    return this.#buffer === null;
  }

  /** Copies the tensor to the CPU. Submits pending work first. */
  async data(): Promise<TypedArrayFor<D>> {
    const source = this.buffer;
    const { device } = context();
    const staging = device.createBuffer({ size: source.size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    encoder().copyBufferToBuffer(source, 0, staging, 0, source.size);
    flush();
    try {
      await staging.mapAsync(MapMode.READ);
      markGpuCaughtUp();
      await throwKernelErrors();
      const bytes = staging.getMappedRange().slice(0);
      return new ARRAY[this.dtype](bytes, 0, this.size) as TypedArrayFor<D>;
    } finally {
      staging.destroy();
    }
  }

  /** A tensor sharing this one's buffer with another shape of the same size (no copy). */
  reshape(shape: Shape): Tensor<D> {
    checkShape(shape, 'reshape');
    if (sizeOf(shape) !== this.size) throw new Error(`reshape: cannot view ${formatShape(this.shape)} (${this.size} elements) as ${formatShape(shape)}`);
    const view = new Tensor(shape, this.dtype, this.buffer);
    view.#owner = this.#owner ?? this;
    return view;
  }

  /** Returns the buffer to the pool. Disposing a reshape view frees the view only. */
  dispose(): void {
    if (!this.#buffer) return;
    if (!this.#owner) release(this.#buffer);
    this.#buffer = null;
    live.delete(this);
  }
}

/** Uploads host data. `shape` defaults to [data.length]. */
export function tensor(data: ArrayLike<number> | Float32Array | Int32Array | Uint8Array, shape?: Shape, dtype?: DType): Tensor {
  const type: DType = dtype ?? (data instanceof Uint8Array ? 'uint8' : data instanceof Int32Array ? 'int32' : 'float32');
  const dims = shape ?? [data.length];
  checkShape(dims, 'tensor');
  if (sizeOf(dims) !== data.length) throw new Error(`tensor: ${data.length} values do not fill shape ${formatShape(dims)} (${sizeOf(dims)} elements)`);
  const t = new Tensor(dims, type);
  write(t, data);
  return t;
}

/** Overwrites a tensor's contents from host data of the same length. */
export function write(t: Tensor, data: ArrayLike<number>): void {
  if (data.length !== t.size) throw new Error(`write: ${data.length} values for tensor ${formatShape(t.shape)} (${t.size} elements)`);
  // queue.writeBuffer takes effect before commands still waiting in the shared encoder, which may
  // read this buffer's old contents (a pooled buffer was someone else's): submit those first.
  if (hasPendingWork()) flush();
  const host = new ARRAY[t.dtype](byteSize(t.size, t.dtype) / BYTES[t.dtype]);
  host.set(data);
  context().device.queue.writeBuffer(t.buffer, 0, host);
}

/** A tensor whose contents are undefined (a pooled buffer), to be written by a kernel. */
export function empty(shape: Shape): Tensor<'float32'>;
export function empty<D extends DType>(shape: Shape, dtype: D): Tensor<D>;
export function empty(shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(shape, dtype);
}

/** Live tensors and their bytes, plus bytes held by the pool for reuse. */
export function memory(): { numTensors: number; numBytes: number; pooledBytes: number } {
  let numBytes = 0;
  for (const t of live) if (!t.isView) numBytes += byteSize(t.size, t.dtype);
  return { numTensors: live.size, numBytes, pooledBytes };
}
