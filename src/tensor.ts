// Tensors: a shape, a dtype and a GPU buffer drawn from a pool. Training repeats the same shapes
// every step, so buffers are pooled by exact byte size and a step allocates nothing. Pools belong to
// a device: after release() or a lost device, init() starts with an empty pool, and a tensor of the
// old device says so instead of handing its dead buffer to a kernel.
import { context, currentDevice } from './device.js';
import { BufferUsage } from './gpu-flags.js';
import { flush, forgetBuffer, hasPendingWork, readBuffer } from './runner.js';

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

/** Per dtype: bytes per element, host array, and the range an integer value must fit. Looked up with a Map (dtypes come from files). */
const DTYPES = new Map<DType, { bytes: number; array: Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor; range?: [number, number] }>([
  ['float32', { bytes: 4, array: Float32Array }],
  ['int32', { bytes: 4, array: Int32Array, range: [-(2 ** 31), 2 ** 31 - 1] }],
  ['uint8', { bytes: 1, array: Uint8Array, range: [0, 255] }],
]);
const USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** One device's free buffers (by byte size) and live tensors. */
interface DeviceTensors {
  pool: Map<number, GPUBuffer[]>;
  pooledBytes: number;
  live: Set<Tensor>;
}
const perDevice = new WeakMap<GPUDevice, DeviceTensors>();
/** The tensors made inside disposeIfThrows(), innermost call. */
let collecting: Set<Tensor> | null = null;
/** Told of every new tensor while set: how tidy() scopes (src/tape.ts) learn what a function created. */
let onCreate: ((t: Tensor) => void) | null = null;

export function trackTensors(fn: ((t: Tensor) => void) | null): void {
  onCreate = fn;
}

function tensorsOf(device: GPUDevice): DeviceTensors {
  let t = perDevice.get(device);
  if (!t) perDevice.set(device, (t = { pool: new Map(), pooledBytes: 0, live: new Set() }));
  return t;
}

function dtypeInfo(dtype: unknown, what: string) {
  const info = typeof dtype === 'string' ? DTYPES.get(dtype as DType) : undefined;
  if (!info) throw new Error(`${what}: dtype ${typeof dtype === 'string' ? `'${dtype}'` : String(dtype)} is not supported; use ${[...DTYPES.keys()].join(', ')}`);
  return info;
}

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

function checkShape(shape: Shape, what: string): void {
  if (!Array.isArray(shape)) throw new Error(`${what}: shape must be a list of non-negative integers, got ${typeof shape === 'object' ? JSON.stringify(shape) : String(shape)}`);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${what}: shape ${formatShape(shape)} must be non-negative integers`);
}

/**
 * Buffer bytes for n elements: rounded up to whole 16-byte vec4s, so that elementwise kernels can
 * move four floats per thread without a scalar tail (copies and u32 packing need whole words too).
 */
function byteSize(n: number, dtype: DType): number {
  return Math.max(16, Math.ceil((n * dtypeInfo(dtype, 'tensor').bytes) / 16) * 16);
}

function acquire(device: GPUDevice, bytes: number, what: string): GPUBuffer {
  const { limits } = context();
  if (bytes > limits.maxStorageBufferBindingSize) {
    throw new Error(
      `${what} needs ${bytes} bytes, over this device's maxStorageBufferBindingSize of ${limits.maxStorageBufferBindingSize} bytes; ` +
        'split it into smaller tensors (fit() streams large host data batch by batch)',
    );
  }
  const t = tensorsOf(device);
  const reused = t.pool.get(bytes)?.pop();
  if (reused) {
    t.pooledBytes -= bytes;
    return reused;
  }
  return device.createBuffer({ size: bytes, usage: USAGE });
}

/** Back into its device's pool; a released or lost device's buffers are dropped (they are dead). */
function release(device: GPUDevice, buffer: GPUBuffer): void {
  if (device !== currentDevice()) return;
  const t = tensorsOf(device);
  const free = t.pool.get(buffer.size);
  if (free) free.push(buffer);
  else t.pool.set(buffer.size, [buffer]);
  t.pooledBytes += buffer.size;
}

/** Frees the pooled (unused) buffers, e.g. after a model with other shapes is done. */
export function emptyPool(): void {
  const device = currentDevice();
  if (!device) return;
  flush();
  const t = tensorsOf(device);
  for (const buffers of t.pool.values()) {
    for (const buffer of buffers) {
      forgetBuffer(buffer);
      buffer.destroy();
    }
  }
  t.pool.clear();
  t.pooledBytes = 0;
}

export class Tensor<D extends DType = DType> {
  readonly shape: Shape;
  readonly dtype: D;
  readonly size: number;
  #buffer: GPUBuffer | null;
  #owner: Tensor<D> | null = null;
  readonly #device: GPUDevice;

  constructor(shape: Shape, dtype: D, buffer?: GPUBuffer) {
    checkShape(shape, 'tensor');
    const bytes = byteSize(sizeOf(shape), dtype);
    this.shape = [...shape];
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.#device = context().device;
    this.#buffer = buffer ?? acquire(this.#device, bytes, `a ${dtype} tensor of shape ${formatShape(shape)}`);
    tensorsOf(this.#device).live.add(this);
    collecting?.add(this);
    onCreate?.(this);
  }

  get buffer(): GPUBuffer {
    if (!this.#buffer) throw new Error(`tensor ${formatShape(this.shape)} (${this.dtype}) was disposed and cannot be used`);
    // A view's buffer is its owner's: once the owner is disposed, that buffer is someone else's.
    if (this.#owner?.isDisposed) throw new Error(`tensor ${formatShape(this.shape)} (${this.dtype}) is a reshape of a tensor that was disposed and cannot be used`);
    if (this.#device !== currentDevice()) {
      throw new Error(`tensor ${formatShape(this.shape)} (${this.dtype}) belongs to a WebGPU device that was released or lost; make it again after init()`);
    }
    return this.#buffer;
  }

  /** True for a reshape view, which shares its owner's buffer. */
  get isView(): boolean {
    return this.#owner !== null;
  }

  /** True once disposed, or once the tensor a reshape view shares its buffer with is. */
  get isDisposed(): boolean {
    return this.#buffer === null || (this.#owner !== null && this.#owner.#buffer === null);
  }

  /** Copies the tensor to the CPU. Submits pending work first. */
  async data(): Promise<TypedArrayFor<D>> {
    const bytes = await readBuffer(this.buffer, this.buffer.size);
    return new (dtypeInfo(this.dtype, 'data').array)(bytes, 0, this.size) as TypedArrayFor<D>;
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
    if (!this.#owner) release(this.#device, this.#buffer);
    this.#buffer = null;
    tensorsOf(this.#device).live.delete(this);
  }
}

/** Uploads host data. `shape` defaults to [data.length]. */
export function tensor(data: ArrayLike<number> | Float32Array | Int32Array | Uint8Array, shape?: Shape, dtype?: DType): Tensor {
  const type: DType = dtype ?? (data instanceof Uint8Array ? 'uint8' : data instanceof Int32Array ? 'int32' : 'float32');
  dtypeInfo(type, 'tensor');
  checkValues(data, type, 'tensor');
  const dims = shape ?? [data.length];
  checkShape(dims, 'tensor');
  if (sizeOf(dims) !== data.length) throw new Error(`tensor: ${data.length} values do not fill shape ${formatShape(dims)} (${sizeOf(dims)} elements)`);
  const t = new Tensor(dims, type);
  write(t, data);
  return t;
}

/**
 * Host data must be numbers (a plain list is checked element by element; a string, an object or
 * `['1', 2]` would otherwise upload as NaN or 0), and for integer dtypes whole numbers in range
 * (a typed array of the same dtype is taken as is).
 */
function checkValues(data: unknown, dtype: DType, what: string): asserts data is ArrayLike<number> {
  const isTyped = ArrayBuffer.isView(data) && !(data instanceof DataView);
  if (!isTyped && !Array.isArray(data)) throw new Error(`${what}: data must be an array or typed array of numbers, got ${data === null ? 'null' : typeof data}`);
  const { range, array } = dtypeInfo(dtype, what);
  if (isTyped && (data instanceof array || !range)) return;
  const values = data as ArrayLike<unknown>;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new Error(`${what}: value ${i} is ${v === null ? 'null' : typeof v === 'string' ? `the string '${v}'` : typeof v}, not a number`);
    if (range && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) throw new Error(`${what}: value ${i} (${v}) does not fit ${dtype} (whole numbers ${range[0]} to ${range[1]})`);
  }
}

/** Overwrites a tensor's contents from host data of the same length. */
export function write(t: Tensor, data: ArrayLike<number>): void {
  checkValues(data, t.dtype, 'write');
  if (data.length !== t.size) throw new Error(`write: ${data.length} values for tensor ${formatShape(t.shape)} (${t.size} elements)`);
  // queue.writeBuffer takes effect before commands still waiting in the shared encoder, which may
  // read this buffer's old contents (a pooled buffer was someone else's): submit those first.
  if (hasPendingWork()) flush();
  const { array, bytes } = dtypeInfo(t.dtype, 'write');
  const host = new array(byteSize(t.size, t.dtype) / bytes);
  host.set(data);
  context().device.queue.writeBuffer(t.buffer, 0, host);
}

/** A tensor whose contents are undefined (a pooled buffer), to be written by a kernel. */
export function empty(shape: Shape): Tensor<'float32'>;
export function empty<D extends DType>(shape: Shape, dtype: D): Tensor<D>;
export function empty(shape: Shape, dtype: DType = 'float32'): Tensor {
  dtypeInfo(dtype, 'empty');
  return new Tensor(shape, dtype);
}

/**
 * Buffers for a kernel that writes each output through an f32 binding or, four elements at a time
 * (vec4), through a vec4 binding of the same buffer: `scalar` and `vector` list the buffers for the
 * two sets of bindings, the side not written (both sides for a null output) filled with 16-byte
 * scratch buffers, since two writable bindings of one buffer may not alias. release() once the
 * dispatch is encoded.
 */
export function outputBindings(vec4: boolean, outputs: readonly (Tensor | null)[]): { scalar: GPUBuffer[]; vector: GPUBuffer[]; release(): void } {
  const scratch: Tensor[] = [];
  const spare = () => {
    const t = empty([4]);
    scratch.push(t);
    return t.buffer;
  };
  const scalar = outputs.map((t) => (t && !vec4 ? t.buffer : spare()));
  const vector = outputs.map((t) => (t && vec4 ? t.buffer : spare()));
  return { scalar, vector, release: () => scratch.forEach((t) => t.dispose()) };
}

/** Runs `make`; if it throws, disposes every tensor it made (a half-built model's weights) and rethrows. */
export function disposeIfThrows<T>(make: () => T): T {
  const outer = collecting;
  const made = new Set<Tensor>();
  collecting = made;
  try {
    return make();
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  } finally {
    collecting = outer;
    if (outer) for (const t of made) outer.add(t);
  }
}

/** Live tensors and their bytes, plus bytes held by the pool for reuse, on the current device. */
export function memory(): { numTensors: number; numBytes: number; pooledBytes: number } {
  const device = currentDevice();
  if (!device) return { numTensors: 0, numBytes: 0, pooledBytes: 0 };
  const { live, pooledBytes } = tensorsOf(device);
  let numBytes = 0;
  for (const t of live) if (!t.isView) numBytes += byteSize(t.size, t.dtype);
  return { numTensors: live.size, numBytes, pooledBytes };
}
