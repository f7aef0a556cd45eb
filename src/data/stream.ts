// Data sets that stream: batches read from IDX files chunk by chunk (gzip decoded on the way with
// the Web Streams DecompressionStream), so a file never has to fit in memory, and each pass opens
// it anew. The same code serves the browser (chunks from fetch) and Node (chunks from disk,
// src/node/datasets.ts). These are what model.fitDataset() takes: any async iterable of
// { xs, ys } batches works there too, e.g. an async generator of your own.
import type { HostTensor } from '../tensor.js';
import { FASHION_MNIST_FILES } from './fashion-mnist.js';

/** One training batch: inputs and targets (the same object for an autoencoder). */
export interface Batch {
  xs: HostTensor;
  ys: HostTensor;
  /** The class of each sample, when the source has labels. */
  labels?: Uint8Array;
}

/** A source of byte chunks: opened once per pass over the data. */
export type OpenChunks = () => AsyncIterable<Uint8Array>;

export interface IdxStreamOptions {
  batchSize: number;
  /** Only samples of these classes (needs labels). */
  classes?: readonly number[];
  /** Images as [n, h·w] instead of [n, h, w]. */
  flatten?: boolean;
  /** Stop after this many samples. */
  limit?: number;
}

/** Reads exact byte counts from a chunk stream, whatever the chunk sizes. */
class ByteReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #head: Uint8Array = new Uint8Array(0);
  #offset = 0;

  constructor(chunks: AsyncIterable<Uint8Array>, readonly name: string) {
    this.#chunks = chunks[Symbol.asyncIterator]();
  }

  /** Exactly n bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.#offset === this.#head.length) {
        const { value, done } = await this.#chunks.next();
        if (done) return out.subarray(0, filled);
        this.#head = value;
        this.#offset = 0;
        continue;
      }
      const take = Math.min(n - filled, this.#head.length - this.#offset);
      out.set(this.#head.subarray(this.#offset, this.#offset + take), filled);
      this.#offset += take;
      filled += take;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#chunks.return?.();
  }
}

/** The chunks, gunzipped when they start with gzip's magic bytes (a server may have decoded them already). */
export async function* maybeGunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  // The first two bytes decide, whatever the chunk sizes.
  const head: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < 2) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    bytes += r.value.length;
  }
  const byte = (i: number) => (head[0]?.length > i ? head[0][i] : head[1]?.[i - (head[0]?.length ?? 0)]);
  const rest = async function* () {
    yield* head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  if (!(byte(0) === 0x1f && byte(1) === 0x8b)) return yield* rest();
  const source = rest();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await source.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await source.return(undefined);
    },
  }).pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  const reader = stream.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  } finally {
    reader.releaseLock();
  }
}

/** Reads an unsigned-byte IDX header (see data/idx.ts): the shape. */
async function readHeader(reader: ByteReader, rank: 1 | 3): Promise<number[]> {
  const magic = await reader.read(4);
  if (magic.length < 4 || magic[0] !== 0 || magic[1] !== 0 || magic[2] !== 0x08 || magic[3] !== rank) {
    throw new Error(`${reader.name}: not an unsigned-byte IDX file of ${rank === 3 ? 'images' : 'labels'} (magic ${Array.from(magic, (b) => b.toString(16).padStart(2, '0')).join('')})`);
  }
  const dims = await reader.read(4 * rank);
  if (dims.length < 4 * rank) throw new Error(`${reader.name}: truncated IDX header`);
  const view = new DataView(dims.buffer, dims.byteOffset, dims.byteLength);
  return Array.from({ length: rank }, (_, i) => view.getUint32(4 * i));
}

function checkOptions(o: IdxStreamOptions, hasLabels: boolean): void {
  if (!(Number.isInteger(o?.batchSize) && o.batchSize > 0)) throw new Error(`idx stream: batchSize must be a positive integer, got ${o?.batchSize}`);
  if (o.limit !== undefined && !(Number.isInteger(o.limit) && o.limit > 0)) throw new Error(`idx stream: limit must be a positive integer, got ${o.limit}`);
  if (o.classes !== undefined) {
    if (!hasLabels) throw new Error('idx stream: classes needs a labels file');
    if (!Array.isArray(o.classes) || o.classes.length === 0 || !o.classes.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
      throw new Error(`idx stream: classes must be a non-empty list of label values (0–255), got ${JSON.stringify(o.classes)}`);
    }
  }
}

/**
 * Batches of uint8 images (targets = inputs, as an autoencoder trains) from an images IDX stream
 * and, optionally, its labels stream read in step; `name`s start every error message.
 */
export async function* idxBatches(
  images: { chunks: AsyncIterable<Uint8Array>; name: string },
  labels: { chunks: AsyncIterable<Uint8Array>; name: string } | null,
  options: IdxStreamOptions,
): AsyncGenerator<Batch> {
  checkOptions(options, labels !== null);
  const { batchSize, classes, flatten = false, limit = Infinity } = options;
  const imageReader = new ByteReader(maybeGunzip(images.chunks), images.name);
  const labelReader = labels ? new ByteReader(maybeGunzip(labels.chunks), labels.name) : null;
  try {
    const [count, h, w] = await readHeader(imageReader, 3);
    if (labelReader) {
      const [labelCount] = await readHeader(labelReader, 1);
      if (labelCount !== count) throw new Error(`${images.name} has ${count} images but ${labels!.name} has ${labelCount} labels`);
    }
    const row = h * w;
    const sampleShape = flatten ? [row] : [h, w];
    const keep = classes ? new Set(classes) : null;
    let read = 0;
    let yielded = 0;
    while (read < count && yielded < limit) {
      // Read a batch's worth of rows; with a class filter, keep reading until the batch is full.
      const xs = new Uint8Array(batchSize * row);
      const ys = new Uint8Array(batchSize);
      let n = 0;
      while (n < batchSize && read < count && yielded + n < limit) {
        const want = Math.min(batchSize - n, count - read, limit - yielded - n);
        const pixels = await imageReader.read(want * row);
        const classOf = labelReader ? await labelReader.read(want) : null;
        if (pixels.length < want * row) throw new Error(`${images.name}: ends after ${read + Math.floor(pixels.length / row)} of ${count} images (truncated?)`);
        if (classOf && classOf.length < want) throw new Error(`${labels!.name}: ends after ${read + classOf.length} of ${count} labels (truncated?)`);
        for (let i = 0; i < want; i++) {
          if (keep && !keep.has(classOf![i])) continue;
          xs.set(pixels.subarray(i * row, (i + 1) * row), n * row);
          if (classOf) ys[n] = classOf[i];
          n++;
        }
        read += want;
      }
      if (n === 0) break;
      yielded += n;
      const x: HostTensor = { data: xs.subarray(0, n * row), shape: [n, ...sampleShape] };
      yield { xs: x, ys: x, ...(labelReader ? { labels: ys.subarray(0, n) } : {}) };
    }
  } finally {
    await imageReader.close();
    await labelReader?.close();
  }
}

/** A re-iterable data set: each pass (for await … of) opens its sources again. */
export function idxDataset(open: { images: OpenChunks; labels?: OpenChunks; names: [string, string?] }, options: IdxStreamOptions): AsyncIterable<Batch> {
  checkOptions(options, open.labels !== undefined);
  return {
    [Symbol.asyncIterator]: () =>
      idxBatches({ chunks: open.images(), name: open.names[0] }, open.labels ? { chunks: open.labels(), name: open.names[1] ?? 'labels' } : null, options)[Symbol.asyncIterator](),
  };
}

/** The chunks of a fetch() response body, as they arrive. */
async function* fetchChunks(url: string): AsyncGenerator<Uint8Array> {
  const response = await fetch(url).catch((e: Error) => {
    throw new Error(`${url}: ${e.message}`);
  });
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const reader = response.body.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Fashion-MNIST streamed from `baseUrl` (a folder URL with the four .gz files) in the browser:
 * batches as the bytes arrive, never the whole file in memory.
 */
export function streamFashionMnist(baseUrl: string, options: IdxStreamOptions & { split?: 'train' | 'test' }): AsyncIterable<Batch> {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, globalThis.location?.href);
  const [x, y] = options.split === 'test' ? [FASHION_MNIST_FILES.xTest, FASHION_MNIST_FILES.yTest] : [FASHION_MNIST_FILES.xTrain, FASHION_MNIST_FILES.yTrain];
  const images = new URL(x, base).href;
  const labels = new URL(y, base).href;
  return idxDataset({ images: () => fetchChunks(images), labels: () => fetchChunks(labels), names: [images, labels] }, options);
}
