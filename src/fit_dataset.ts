// Training from data sets (model.fitDataset, TF.js's spelling): any async iterable or iterable of
// { xs, ys } batches, such as an async generator, datasets.fashionMnist.stream() (Node, from disk)
// or streamFashionMnist(url) (browser, through fetch). The next element is requested before the
// current batch is handed to the training step, and uploaded as soon as that step is submitted,
// so reading and uploading overlap the GPU's work (fit never waits for the GPU within an epoch).
// Also the pieces fit() and fitDataset() share: the step batch and the loss-slot buffer.
import { encoder } from './runner.js';
import { BatchSource, type Data } from './batches.js';
import { empty, type Tensor } from './tensor.js';
import type { FitArgs } from './model.js';

/** A batch on the GPU for one step: inputs, targets, the sample count; release() frees what it owns. */
export interface StepBatch {
  x: Tensor;
  y: Tensor;
  count: number;
  release(): void;
}

/** What fit() and fitDataset() hand the training loop they share (Model's #runTraining). */
export interface TrainingRun {
  what: string;
  epochs: number;
  verbose: 0 | 1 | 2;
  terminateOnNaN: boolean;
  callbacks: NonNullable<FitArgs['callbacks']> extends infer C ? (C extends readonly (infer E)[] ? E[] : C[]) : never;
  seed: number;
  /** Batches per epoch, when known before the epoch runs. */
  steps: number | null;
  validates: boolean;
  /** One epoch's batches; the loop stops taking them when stopTraining is set. */
  batches(epoch: number): AsyncIterable<StepBatch>;
  /** The validation logs after an epoch (without the val_ prefix), or null. */
  validate(): Promise<Record<string, number | undefined> | null>;
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
export type DatasetElement = { xs: Data; ys: Data } | [Data, Data];

/** What fitDataset() takes: an (async) iterable of batches. */
export type Dataset = AsyncIterable<DatasetElement> | Iterable<DatasetElement>;

export interface FitDatasetArgs extends Omit<FitArgs, 'batchSize' | 'shuffle' | 'validationSplit' | 'validationData'> {
  /** Batches per epoch, all from one pass over the data set (a generator, which runs once, needs this); by default each epoch is one whole pass. */
  batchesPerEpoch?: number;
  /** [x, y] as fit() takes, or a data set of batches (one whole pass per validation). */
  validationData?: [Data, Data] | Dataset;
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
export function elementData(element: unknown, what: string): { x: Data; y: Data } {
  const pair = Array.isArray(element) && element.length === 2 ? { xs: element[0], ys: element[1] } : (element as { xs?: Data; ys?: Data } | null);
  if (!pair || pair.xs === undefined || pair.ys === undefined) {
    throw new Error(`${what} must be { xs, ys } or [xs, ys], got ${element === null ? 'null' : Array.isArray(element) ? `an array of ${element.length}` : typeof element}`);
  }
  return { x: pair.xs, y: pair.ys };
}

/** Uploads one checked batch (uint8 scaled on the GPU) as a step batch: one upload and one gather each. */
export function uploadBatch(x: Data, y: Data, scale: number, order: (source: BatchSource, n: number) => { gpu: Tensor<'int32'> | null; host: Int32Array }): StepBatch {
  const xs = new BatchSource(x, scale);
  const ys = x === y ? xs : new BatchSource(y, scale);
  const count = xs.numSamples;
  const o = order(xs, count);
  try {
    const xb = xs.batch(o, 0, count);
    const yb = ys === xs ? xb : ys.batch(o, 0, count);
    return { x: xb, y: yb, count, release: () => void (xb.dispose(), yb.dispose()) };
  } finally {
    // Pooled: the gathers above are encoded before anything that reuses these buffers.
    o.gpu?.dispose();
    xs.dispose();
    if (ys !== xs) ys.dispose();
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
