// Training a model: fit, evaluate, trainOnBatch and the step they share. Loaded when a model first
// trains (model.ts imports it lazily), with the optimizers.
//
// A training step is encoded into the shared command encoder and submitted once, with no readback:
// forward through the graph, each output's loss (times its loss weight) and the penalties into this
// batch's loss slots, backward from every output, the optimizer update. The slots of an epoch are
// read once at its end (and by the progress bar at most once a second).
import { flush, readBuffer, sync } from './runner.js';
import { addPenalties, backwardPass, checkScale, eachBatch, foldInputActivations, forwardPass, freePass, lossFusableActivation, offerFusedUpdates, outputsOf, type Pass, type PredictArgs } from './execution.js';
import type { AnyModel, Compiled, DataArg } from './model.js';
import { lossPass } from './ops/loss.js';
import { metricForward, sampleScores } from './ops/metrics.js';
import { l1l2Backward, l1l2Penalty } from './ops/regularizers.js';
import { BatchSources, dataList, positiveInteger, sampleOrder, type Data, type SampleOrder } from './batches.js';
import { DatasetPasses, elementData, grownSlots, iteratorOf, uploadBatch, type Dataset, type FitDatasetArgs, type StepBatch } from './fit_dataset.js';
import { seededRandom } from './initializers.js';
import { ProgressBar } from './progress.js';
import { empty, Tensor } from './tensor.js';
import type { SymbolicTensor } from './graph.js';
import { addedLossesOf, customLossStep, customLossValue, lossKey, stepAddedLosses } from './custom_losses.js';
import type { TrainingParams } from './callbacks.js';

export interface Logs {
  loss: number;
  val_loss?: number;
  [metric: string]: number | undefined;
}

export interface Callbacks {
  /** Called by fit() before onTrainBegin (Keras's set_model / set_params; see callbacks.ts). */
  setModel?(model: AnyModel): void;
  setParams?(params: TrainingParams): void;
  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  /** Per-batch losses stay on the GPU (reading them would stall it): logs carry the batch size only. */
  onBatchEnd?(batch: number, logs: { size: number }): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(history: History): void | Promise<void>;
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** [x, y] in the forms fit takes. */
  validationData?: [DataArg, DataArg];
  /** Fraction of the samples (the last ones, before shuffling, as in Keras) held out for validation. */
  validationSplit?: number;
  /** 0 silent, 1 Keras's progress bar (in place on a TTY), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callbacks | Callbacks[];
  /** Seeds shuffling and the random layers (noise, dropout). */
  seed?: number;
  /** Multiplies uint8 data as it is uploaded, e.g. 1/255 for pixels. */
  scale?: number;
  /** Stop with an error naming epoch and batch when the loss becomes NaN or infinite (default true). */
  terminateOnNaN?: boolean;
}

export type EvaluateArgs = PredictArgs;

/** What fit() returns: Keras's History (history.loss, history.val_loss, epoch). */
export class History {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = { loss: [] };

  get loss(): number[] {
    return this.history.loss;
  }

  get val_loss(): number[] | undefined {
    return this.history.val_loss;
  }

  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) if (v !== undefined) (this.history[k] ??= []).push(v);
  }
}

/**
 * The names of a batch's loss slots, in order: the total loss, each output's own loss (several
 * outputs, or beside added losses), each added loss (addLoss), each metric per output — Keras's
 * History keys.
 */
function slotNames(model: AnyModel, compiled: Compiled): string[] {
  const many = model.outputs.length > 1;
  return [
    'loss',
    ...outputLossNames(model, compiled),
    ...addedLossesOf(model).map((a) => a.name),
    ...model.outputNames.flatMap((o) => compiled.metrics.map((m) => (many ? `${o}_${m}` : m))),
  ];
}

/** Slots of each output's own loss: several outputs, or one beside added losses (then a named loss function names it). */
function outputLossNames(model: AnyModel, compiled: Compiled): string[] {
  if (model.outputs.length > 1) return model.outputNames.map((o) => `${o}_loss`);
  if (addedLossesOf(model).length === 0) return [];
  return [lossKey(compiled.losses[0], model.outputNames[0])];
}

function compiledOf(model: AnyModel, what: string): Compiled {
  if (!(model.optimizer || model.optimizerName) || !model.compiled) throw new Error(`model '${model.name}': call compile() before ${what}()`);
  return model.compiled;
}

/** Makes the optimizer compile() named, loading the optimizers' code now (see optimizer_names.ts). */
async function ensureOptimizer(model: AnyModel): Promise<void> {
  if (model.optimizer) return;
  const { getOptimizer } = await import('./optimizers.js');
  model.optimizer = getOptimizer(model.optimizerName!);
}

/**
 * Losses of a pass into slots[index·stride…]; with `training`, the penalties too (into the total),
 * and each output's gradient dL/d(prediction) into `outputGrads` (null where its weight is 0).
 * Loss functions (compile({ loss: fn })) and added losses (addLoss) are differentiated by the tape;
 * the added losses' gradients with respect to weights go to weight.grad, with respect to the
 * pass's symbolic tensors into the returned map, for the backward pass to start from. With
 * fuseActivations the loss kernel also applies an output layer's activation derivative where it may
 * (lossFusableActivation).
 */
function addLosses(model: AnyModel, compiled: Compiled, pass: Pass, ys: readonly Tensor[], slots: Tensor, base: number, outputGrads?: (Tensor | null)[], fuseActivations = false): Map<SymbolicTensor, Tensor> {
  const preds = outputsOf(pass);
  const many = preds.length > 1;
  const own = outputLossNames(model, compiled).length;
  preds.forEach((p, k) => {
    const loss = compiled.losses[k];
    const weight = many ? compiled.lossWeights[k] : 1;
    // The output's own slot (if any), then its weighted share of the total.
    const targets = [...(own ? [{ out: slots, outIndex: base + 1 + k }] : []), { out: slots, outIndex: base, accumulate: k > 0, weight }];
    const what = `model '${model.name}': the loss function${many ? ` of output '${model.outputNames[k]}'` : ''}`;
    if (typeof loss === 'function') {
      if (outputGrads) outputGrads[k] = customLossStep(loss, ys[k], p, targets, weight, what);
      else customLossValue(loss, ys[k], p, targets, what);
      return;
    }
    // The loss's value into every slot and its gradient, in one pass over p and ys[k]; where it
    // can, the pass applies the output layer's activation derivative too, and that layer skips it.
    const dy = outputGrads && weight !== 0 ? empty(p.shape) : null;
    const fused = dy && fuseActivations ? lossFusableActivation(pass, k) : null;
    lossPass(p, ys[k], loss, targets, dy && { dy, weight, activation: fused?.activation });
    if (fused) fused.state.dyPreActivation = true;
    if (outputGrads) outputGrads[k] = dy;
  });
  const added = addedLossesOf(model);
  const addedBase = base + 1 + own;
  const metricsBase = addedBase + added.length;
  preds.forEach((p, k) => compiled.metrics.forEach((m, j) => metricForward(p, ys[k], m, { out: slots, outIndex: metricsBase + k * compiled.metrics.length + j })));
  const symbolGrads = stepAddedLosses(model, pass, added.map((a, j) => ({ ...a, slot: { out: slots, outIndex: addedBase + j } })), { out: slots, outIndex: base }, outputGrads !== undefined);
  if (!outputGrads) return symbolGrads;
  addPenalties(pass, slots, base);
  for (const w of model.weights) if (w.regularizer) l1l2Penalty(w.value, w.regularizer, { out: slots, outIndex: base, accumulate: true });
  return symbolGrads;
}

/**
 * Encodes one training step: forward, losses, backward, optimizer update. No readback, no submit
 * (the caller submits, trainOnBatch with its loss copy behind the step). Whatever happens, the
 * step's tensors are freed and no gradient is left for the next step.
 */
function trainStep(model: AnyModel, compiled: Compiled, xs: readonly Tensor[], ys: readonly Tensor[], slots: Tensor, base: number, seed: number): void {
  const pass = forwardPass(model, xs, { training: true, seed, step: model.step });
  try {
    const outputGrads: (Tensor | null)[] = outputsOf(pass).map(() => null);
    // Activation derivatives move into the pass that reads a layer's output (the loss kernel, a
    // max pooling) only without added losses, which can read any tensor.
    const fold = addedLossesOf(model).length === 0;
    const symbolGrads = addLosses(model, compiled, pass, ys, slots, base, outputGrads, fold);
    if (fold) foldInputActivations(pass);
    offerFusedUpdates(pass, model.trainableWeights, model.optimizer!);
    backwardPass(pass, outputGrads, xs.map(() => false), symbolGrads);
    for (const w of model.weights) if (w.grad && w.regularizer) l1l2Backward(w.value, w.regularizer, w.grad);
    const params = model.trainableWeights.filter((w) => w.grad).map((w) => ({ value: w.value, grad: w.grad! }));
    model.optimizer!.apply(params);
  } finally {
    for (const w of model.weights) {
      w.grad?.dispose();
      w.grad = null;
      w.update = null;
    }
    freePass(pass);
  }
  model.step++;
}

/** Reads the loss slots of the batches of these sizes and averages them weighted by size. */
async function readLosses(slots: Tensor, names: readonly string[], sizes: readonly number[]): Promise<Logs> {
  const values = await slots.data();
  const logs: Logs = { loss: 0 };
  let seen = 0;
  sizes.forEach((size, b) => {
    seen += size;
    names.forEach((name, k) => (logs[name] = (logs[name] ?? 0) + values[b * names.length + k] * size));
  });
  for (const name of names) logs[name] = logs[name]! / seen;
  return logs;
}

/** Inputs and targets of one call, checked against the model before any GPU work. */
export function checkedData(model: AnyModel, x: unknown, y: unknown, what: string): { xs: Data[]; ys: Data[] } {
  const xs = dataList(x, model.inputNames, model.inputShapes!, `${what}: x`);
  const ys = dataList(y, model.outputNames, model.outputs.map((t) => t.sampleShape), `${what}: y`);
  if (xs[0].shape[0] !== ys[0].shape[0]) throw new Error(`${what}: x has ${xs[0].shape[0]} samples but y has ${ys[0].shape[0]}`);
  return { xs, ys };
}

/** Rows order.host[0…n) of the data, batchSize at a time, as step batches; frees the order at the end. */
async function* rowBatches(sources: BatchSources, xs: readonly Data[], ys: readonly Data[], order: SampleOrder, n: number, batchSize: number): AsyncGenerator<StepBatch> {
  try {
    for (let first = 0; first < n; first += batchSize) {
      const count = Math.min(batchSize, n - first);
      const xb = sources.batches(xs, order, first, count);
      const yb = sources.batches(ys, order, first, count);
      yield { xs: xb, ys: yb, count, release: () => new Set([...xb, ...yb]).forEach((t) => t.dispose()) };
    }
  } finally {
    order.gpu?.dispose();
  }
}

/** Mean losses and metrics over batches, in inference mode. */
async function evaluateBatches(model: AnyModel, compiled: Compiled, batches: AsyncIterable<StepBatch>): Promise<Logs> {
  const names = slotNames(model, compiled);
  let slots = empty([16 * names.length]);
  const sizes: number[] = [];
  try {
    for await (const batch of batches) {
      try {
        slots = grownSlots(slots, (sizes.length + 1) * names.length);
        const pass = forwardPass(model, batch.xs, { training: false, seed: 0, step: model.step });
        addLosses(model, compiled, pass, batch.ys, slots, sizes.length * names.length);
        freePass(pass);
      } finally {
        batch.release();
      }
      sizes.push(batch.count);
    }
    return await readLosses(slots, names, sizes);
  } finally {
    slots.dispose();
  }
}

/** Mean losses over rows offset…offset+n-1 of the data. */
function evaluateRows(model: AnyModel, compiled: Compiled, sources: BatchSources, xs: readonly Data[], ys: readonly Data[], offset: number, n: number, batchSize: number): Promise<Logs> {
  return evaluateBatches(model, compiled, rowBatches(sources, xs, ys, sampleOrder(n, null, offset, sources.anyResident), n, batchSize));
}

/** Mean losses over (x, y) given as fit() takes them, uploaded for this evaluation only. */
async function evaluateData(model: AnyModel, compiled: Compiled, data: { xs: Data[]; ys: Data[] }, scale: number, batchSize: number): Promise<Logs> {
  const sources = new BatchSources([...data.xs, ...data.ys], scale);
  try {
    return await evaluateRows(model, compiled, sources, data.xs, data.ys, 0, data.xs[0].shape[0], batchSize);
  } finally {
    sources.dispose();
  }
}

/** What fit() and fitDataset() hand the epoch loop they share. */
interface TrainingRun {
  what: string;
  epochs: number;
  verbose: 0 | 1 | 2;
  terminateOnNaN: boolean;
  callbacks: Callbacks[];
  seed: number;
  /** Batches per epoch, when known before the epoch runs. */
  steps: number | null;
  validates: boolean;
  /** One epoch's batches; the loop stops taking them when stopTraining is set. */
  batches(epoch: number): AsyncIterable<StepBatch>;
  /** The validation logs after an epoch (without the val_ prefix), or null. */
  validate(): Promise<Logs | null>;
}

/** The options fit() and fitDataset() share, checked before any GPU work. */
function commonArgs(model: AnyModel, args: FitArgs | FitDatasetArgs, what: string) {
  const { verbose = 1, terminateOnNaN = true } = args ?? {};
  if (model.isTraining) throw new Error(`model '${model.name}' is already training; wait for the running fit() to finish before starting another`);
  const epochs = positiveInteger(args.epochs ?? 1, `${what}: epochs`);
  if (![0, 1, 2].includes(verbose)) throw new Error(`${what}: verbose must be 0, 1 or 2, got ${String(verbose)}`);
  const scale = checkScale(args.scale ?? 1, what);
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed)) throw new Error(`${what}: seed must be an integer, got ${String(seed)}`);
  const callbacks = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  return { epochs, verbose, scale, terminateOnNaN, seed, callbacks };
}

/** The epochs of fit() and fitDataset(): callbacks, one step per batch (no readback), the epoch's logs read once, validation, History. */
async function runTraining(model: AnyModel, compiled: Compiled, run: TrainingRun): Promise<History> {
  const names = slotNames(model, compiled);
  const { callbacks, epochs, verbose } = run;
  const history = new History();
  model.stopTraining = false;
  const params: TrainingParams = { epochs, steps: run.steps, metrics: run.validates ? [...names, ...names.map((k) => `val_${k}`)] : names };
  let slots: Tensor | null = null;
  let known = run.steps;
  try {
    for (const c of callbacks) {
      c.setModel?.(model);
      c.setParams?.(params);
    }
    slots = empty([(run.steps ?? 16) * names.length]);
    for (const c of callbacks) await c.onTrainBegin?.();
    for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
      for (const c of callbacks) await c.onEpochBegin?.(epoch);
      // An epoch of unknown length (a data set's first pass) draws no live bar.
      const bar = new ProgressBar(known ?? 0, verbose);
      bar.startEpoch(epoch, epochs);
      const sizes: number[] = [];
      for await (const batch of run.batches(epoch)) {
        const b = sizes.length;
        try {
          slots = grownSlots(slots, (b + 1) * names.length);
          trainStep(model, compiled, batch.xs, batch.ys, slots, b * names.length, (run.seed + epoch * 7919) >>> 0);
          flush();
        } finally {
          batch.release();
        }
        sizes.push(batch.count);
        await bar.step(sizes.length, () => readLosses(slots!, names, sizes));
        for (const c of callbacks) await c.onBatchEnd?.(b, { size: batch.count });
        if (model.stopTraining) break;
      }
      if (sizes.length === 0) throw new Error(`${run.what}: no batches in epoch ${epoch + 1}`);
      known = run.steps ?? sizes.length;
      await sync(`${run.what} ${model.name}`);
      const logs = await readLosses(slots, names, sizes);
      if (!Number.isFinite(logs.loss) && run.terminateOnNaN) {
        const perBatch = await slots.data();
        const bad = sizes.findIndex((_, b) => !Number.isFinite(perBatch[b * names.length]));
        throw new Error(`${run.what}: the loss became ${Number.isNaN(logs.loss) ? 'NaN' : 'infinite'} at epoch ${epoch + 1}, batch ${bad + 1} (pass terminateOnNaN: false to continue)`);
      }
      const validation = await run.validate();
      if (validation) for (const [k, v] of Object.entries(validation)) logs[`val_${k}`] = v;
      bar.endEpoch(logs, sizes.length);
      history.record(epoch, logs);
      for (const c of callbacks) await c.onEpochEnd?.(epoch, logs);
    }
    for (const c of callbacks) await c.onTrainEnd?.(history);
  } finally {
    slots?.dispose();
  }
  return history;
}

export async function fit(model: AnyModel, x: DataArg, y: DataArg, args: FitArgs = {}): Promise<History> {
  const compiled = compiledOf(model, 'fit');
  const common = commonArgs(model, args, 'fit');
  const { xs, ys } = checkedData(model, x, y, 'fit');
  const { shuffle = true } = args;
  const batchSize = positiveInteger(args.batchSize ?? 32, 'fit: batchSize');
  const split = args.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${String(split)}`);
  const numSamples = xs[0].shape[0];
  const numTrain = split > 0 ? Math.floor(numSamples * (1 - split)) : numSamples;
  if (numTrain === 0) throw new Error(`fit: validationSplit ${split} of ${numSamples} samples leaves no samples to train on`);
  let validation: { xs: Data[]; ys: Data[] } | null = null;
  if (args.validationData) {
    if (!Array.isArray(args.validationData) || args.validationData.length !== 2) throw new Error('fit: validationData must be [x, y]');
    validation = checkedData(model, args.validationData[0], args.validationData[1], 'fit: validationData');
  }
  const random = seededRandom(common.seed);
  // Marked before the first await, so that a second fit() started meanwhile is refused.
  model.isTraining = true;
  let sources: BatchSources | null = null;
  try {
    await ensureOptimizer(model);
    sources = new BatchSources([...xs, ...ys], common.scale);
    const src = sources;
    return await runTraining(model, compiled, {
      ...common,
      what: 'fit',
      steps: Math.ceil(numTrain / batchSize),
      validates: validation !== null || split > 0,
      batches: () => rowBatches(src, xs, ys, sampleOrder(numTrain, shuffle ? random : null, 0, src.anyResident), numTrain, batchSize),
      validate: async () => {
        if (split > 0) return evaluateRows(model, compiled, src, xs, ys, numTrain, numSamples - numTrain, batchSize);
        return validation ? evaluateData(model, compiled, validation, common.scale, batchSize) : null;
      },
    });
  } finally {
    sources?.dispose();
    model.isTraining = false;
  }
}

/**
 * Trains on batches from a data set (TF.js's model.fitDataset): an async iterable or iterable of
 * { xs, ys } (or [xs, ys]) as fit() takes them. Each batch is uploaded while the GPU trains on the
 * previous one (fit_dataset.ts). Without batchesPerEpoch every epoch is one pass (the data set
 * must start a new pass on each iteration); with it, epochs take that many batches of one pass.
 */
export async function fitDataset(model: AnyModel, dataset: Dataset, args: FitDatasetArgs = {}): Promise<History> {
  const compiled = compiledOf(model, 'fitDataset');
  const common = commonArgs(model, args, 'fitDataset');
  const { batchesPerEpoch } = args;
  if (batchesPerEpoch !== undefined) positiveInteger(batchesPerEpoch, 'fitDataset: batchesPerEpoch');
  iteratorOf(dataset, 'fitDataset: dataset');
  const v = args.validationData;
  const validationBatchSize = positiveInteger(args.validationBatchSize ?? 32, 'fitDataset: validationBatchSize');
  let validation: { xs: Data[]; ys: Data[] } | null = null;
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new Error('fitDataset: validationData must be [x, y] or a data set of batches');
    validation = checkedData(model, v[0], v[1], 'fitDataset: validationData');
  } else if (v !== undefined) iteratorOf(v, 'fitDataset: validationData');
  model.isTraining = true;
  const upload = (element: unknown, what: string): StepBatch => {
    const { x, y } = elementData(element, what);
    const { xs, ys } = checkedData(model, x, y, what);
    return uploadBatch(xs, ys, common.scale);
  };
  const passes = new DatasetPasses(dataset, batchesPerEpoch ?? null, upload);
  try {
    await ensureOptimizer(model);
    return await runTraining(model, compiled, {
      ...common,
      what: 'fitDataset',
      steps: batchesPerEpoch ?? null,
      validates: v !== undefined,
      batches: (epoch) => passes.epoch(epoch, () => (model.stopTraining = true)),
      validate: async () => {
        if (v === undefined) return null;
        if (validation) return evaluateData(model, compiled, validation, common.scale, validationBatchSize);
        return evaluateBatches(model, compiled, new DatasetPasses(v as Dataset, null, upload, 'fitDataset: validation').epoch(0));
      },
    });
  } finally {
    model.isTraining = false;
    await passes.close();
    if (passes.exhausted && common.verbose) console.warn('fitDataset: the data set ran out before epochs × batchesPerEpoch batches; training stopped early (as TF.js does)');
  }
}

/**
 * The mean loss over (x, y), each output's loss (several outputs) and the metrics; with reduction
 * 'none', each sample's loss as a GPU tensor [N] (one-output models).
 */
export async function evaluate(model: AnyModel, x: DataArg, y: DataArg, args: EvaluateArgs & { reduction?: 'mean' | 'none' } = {}): Promise<Logs | Tensor<'float32'>> {
  const compiled = compiledOf(model, 'evaluate');
  const { xs, ys } = checkedData(model, x, y, 'evaluate');
  const { reduction = 'mean' } = args;
  if (reduction !== 'mean' && reduction !== 'none') throw new Error(`evaluate: reduction must be 'mean' or 'none', got '${String(reduction)}'`);
  const batchSize = positiveInteger(args.batchSize ?? 32, 'evaluate: batchSize');
  const scale = checkScale(args.scale ?? 1, 'evaluate');
  if (reduction === 'none') {
    if (model.outputs.length !== 1) throw new Error(`evaluate: reduction 'none' scores samples of one-output models; model '${model.name}' has ${model.outputs.length} outputs`);
    const scores = empty([xs[0].shape[0]]) as Tensor<'float32'>;
    const loss = compiled.losses[0];
    if (typeof loss === 'function') throw new Error(`evaluate: reduction 'none' scores samples with a built-in loss; model '${model.name}' was compiled with a loss function`);
    return eachBatch(model, xs, ys, { batchSize, scale }, scores, (preds, yb, first) => sampleScores(preds[0], yb[0], loss, scores, first));
  }
  return evaluateData(model, compiled, { xs, ys }, scale, batchSize);
}

/**
 * One training step on one batch: its loss, or [total, each output's loss, each metric] as TF.js.
 * A custom loop calls this once per batch, so it adds to fit's step only what returning the
 * numbers needs: float32 GPU tensors (unscaled) are the batch as they are, with no gather and no
 * index upload (other data goes through fit's batch sources), and the loss slots are copied out in
 * the step's own command buffer and read with one map.
 */
export async function trainOnBatch(model: AnyModel, x: DataArg, y: DataArg, args: { scale?: number; seed?: number } = {}): Promise<number | number[]> {
  const compiled = compiledOf(model, 'trainOnBatch');
  if (model.isTraining) throw new Error(`model '${model.name}' is training in fit(); trainOnBatch would interleave with it`);
  const { xs, ys } = checkedData(model, x, y, 'trainOnBatch');
  const scale = checkScale(args.scale ?? 1, 'trainOnBatch');
  await ensureOptimizer(model);
  const names = slotNames(model, compiled);
  const asGiven = scale === 1 && [...xs, ...ys].every((d) => d instanceof Tensor && d.dtype === 'float32');
  const sources = asGiven ? null : new BatchSources([...xs, ...ys], scale);
  let order: SampleOrder | null = null;
  const slots = empty([names.length]);
  try {
    let xb = xs as Tensor[];
    let yb = ys as Tensor[];
    if (sources) {
      const n = xs[0].shape[0];
      order = sampleOrder(n, null, 0, sources.anyResident);
      xb = sources.batches(xs, order, 0, n);
      yb = sources.batches(ys, order, 0, n);
    }
    try {
      trainStep(model, compiled, xb, yb, slots, 0, args.seed ?? model.step);
    } finally {
      if (sources) for (const t of new Set([...xb, ...yb])) t.dispose();
    }
    const values = new Float32Array(await readBuffer(slots.buffer, 4 * names.length, `trainOnBatch ${model.name}`));
    return names.length === 1 ? values[0] : Array.from(values);
  } finally {
    slots.dispose();
    order?.gpu?.dispose();
    sources?.dispose();
  }
}
