// Training from data sets (model.fitDataset, TF.js's spelling): any async iterable or iterable of
// { xs, ys } batches, such as an async generator, datasets.fashionMnist.stream() (Node, from disk)
// or streamFashionMnist(url) (browser, through fetch). The next element is requested before the
// current batch is handed to the training step, and uploaded as soon as that step is submitted,
// so reading and uploading overlap the GPU's work (fit never waits for the GPU within an epoch).
// Also the pieces fit() and fitDataset() share: the step batch and the loss-slot buffer.
import { encoder } from './runner.js';
import { BatchSources, sampleOrder, type Data } from './batches.js';
import { empty, type Tensor } from './tensor.js';
import type { DataArg } from './model.js';
import type { FitArgs } from './training.js';

/** A batch on the GPU for one step: one tensor per input and per target, the sample count; release() frees what it owns. */
export interface StepBatch {
  xs: Tensor[];
  ys: Tensor[];
  count: number;
  release(): void;
}

/** Grows a loss-slot buffer to at least `size` elements, keeping its contents (a GPU copy). */
export function grownSlots<T extends Tensor>(slots: T, size: number): T {
  if (slots.size >= size) return slots;
  const bigger = empty([2 * size]) as Tensor as T;
  encoder().copyBufferToBuffer(slots.buffer, 0, bigger.buffer, 0, slots.buffer.size);
  // Back to the pool: whatever reuses it is encoded after the copy.
  slots.dispose();
  return bigger;
}

/** One element of a data set: { xs, ys } (TF.js's) or [xs, ys], each a Tensor or { data, shape }. */
export type DatasetElement = { xs: DataArg; ys: DataArg } | [DataArg, DataArg];

/** What fitDataset() takes: an (async) iterable of batches. */
export type Dataset = AsyncIterable<DatasetElement> | Iterable<DatasetElement>;

export interface FitDatasetArgs extends Omit<FitArgs, 'batchSize' | 'shuffle' | 'validationSplit' | 'validationData'> {
  /** Batches per epoch, all from one pass over the data set (a generator, which runs once, needs this); by default each epoch is one whole pass. */
  batchesPerEpoch?: number;
  /** [x, y] as fit() takes, or a data set of batches (one whole pass per validation). */
  validationData?: [DataArg, DataArg] | Dataset;
  /** Batch size for validationData given as [x, y] (default 32, as TF.js). */
  validationBatchSize?: number;
}

type AnyIterator = AsyncIterator<DatasetElement> | Iterator<DatasetElement>;

export function iteratorOf(dataset: unknown, what: string): AnyIterator {
  const d = dataset as Partial<AsyncIterable<DatasetElement> & Iterable<DatasetElement>> | null;
  if (typeof d?.[Symbol.asyncIterator] === 'function') return d[Symbol.asyncIterator]!();
  if (typeof d?.[Symbol.iterator] === 'function' && typeof dataset !== 'string') return d[Symbol.iterator]!();
  throw new Error(`${what} must be an iterable or async iterable of { xs, ys } batches (an async generator, datasets.fashionMnist.stream(), …), got ${dataset === null ? 'null' : typeof dataset}`);
}

/** The inputs and targets of one element, in either spelling. */
export function elementData(element: unknown, what: string): { x: DataArg; y: DataArg } {
  const pair = Array.isArray(element) && element.length === 2 ? { xs: element[0], ys: element[1] } : (element as { xs?: DataArg; ys?: DataArg } | null);
  if (!pair || pair.xs === undefined || pair.ys === undefined) {
    throw new Error(`${what} must be { xs, ys } or [xs, ys], got ${element === null ? 'null' : Array.isArray(element) ? `an array of ${element.length}` : typeof element}`);
  }
  return { x: pair.xs, y: pair.ys };
}

/** Uploads one checked batch (uint8 scaled on the GPU) as a step batch: one upload and one gather per distinct data. */
export function uploadBatch(xs: readonly Data[], ys: readonly Data[], scale: number): StepBatch {
  const sources = new BatchSources([...xs, ...ys], scale);
  const count = xs[0].shape[0];
  const order = sampleOrder(count, null, 0, sources.anyResident);
  try {
    const xb = sources.batches(xs, order, 0, count);
    const yb = sources.batches(ys, order, 0, count);
    return { xs: xb, ys: yb, count, release: () => new Set([...xb, ...yb]).forEach((t) => t.dispose()) };
  } finally {
    // Pooled: the gathers above are encoded before anything that reuses these buffers.
    order.gpu?.dispose();
    sources.dispose();
  }
}

/**
 * The epochs of a data set. Without batchesPerEpoch each epoch opens a new pass; with it, one pass
 * runs across the epochs, and a request already made when an epoch stops carries over to the next.
 */
export class DatasetPasses {
  #shared: AnyIterator | null = null;
  #carry: Promise<IteratorResult<DatasetElement>> | null = null;
  /** A batchesPerEpoch epoch got fewer batches: the data set ran out. */
  exhausted = false;

  constructor(
    readonly dataset: Dataset,
    readonly batchesPerEpoch: number | null,
    readonly upload: (element: unknown, what: string) => StepBatch,
    readonly what = 'fitDataset',
  ) {}

  /** One epoch's batches, each uploaded while the previous step runs; onExhausted when the data set ran out. */
  async *epoch(epoch: number, onExhausted: () => void = () => {}): AsyncGenerator<StepBatch> {
    const own = this.batchesPerEpoch === null;
    const iterator = own ? iteratorOf(this.dataset, `${this.what}: dataset`) : (this.#shared ??= iteratorOf(this.dataset, `${this.what}: dataset`));
    const limit = this.batchesPerEpoch ?? Infinity;
    const label = (i: number) => `${this.what}: batch ${i + 1}${this.what === 'fitDataset' ? ` of epoch ${epoch + 1}` : ''}`;
    const request = () => {
      // A synchronous iterator's throw becomes this promise's rejection, met when the batch is due.
      const p = new Promise<IteratorResult<DatasetElement>>((resolve) => resolve(iterator.next()));
      // Awaited later; without this a rejection while the step runs would be reported as unhandled.
      p.catch(() => {});
      return p;
    };
    let index = 0;
    let pending = this.#carry ?? request();
    this.#carry = null;
    try {
      while (index < limit) {
        const result = await pending;
        if (result.done) break;
        const batch = this.upload(result.value, label(index));
        index++;
        if (index < limit) pending = request();
        let resumed = false;
        try {
          yield batch;
          resumed = true;
        } finally {
          if (!resumed && !own && index < limit) this.#carry = pending;
        }
      }
    } finally {
      if (own) await iterator.return?.();
    }
    if (index === 0 && own) {
      throw new Error(
        epoch === 0
          ? `${this.what}: the data set yielded no batches`
          : `${this.what}: the data set yielded no batches in epoch ${epoch + 1}: a generator runs only once; pass batchesPerEpoch, or a data set whose [Symbol.asyncIterator]() starts a new pass`,
      );
    }
    if (!own && index < limit) {
      this.exhausted = true;
      onExhausted();
    }
  }

  async close(): Promise<void> {
    await this.#shared?.return?.();
  }
}
