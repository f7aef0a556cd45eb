// A functional model: the chain of layer calls from an input to an output, ordered once.
// Forward walks the nodes, backward walks them in reverse. A training step is encoded into the
// shared command encoder and submitted once, with no readback: each batch's loss goes to a slot
// of a GPU buffer that is read once per epoch.
import { encoder, flush, sync } from './runner.js';
import { input as symbolicInput, orderNodes, type GraphNode, type SymbolicTensor } from './graph.js';
import { InputLayer } from './layers/input_layer.js';
import type { CallState, Layer, Weight } from './layers/layer.js';
import { lossBackward, lossForward, type LossName } from './ops/loss.js';
import { checkMetric, metricForward, sampleScores, type MetricName } from './ops/metrics.js';
import { l1l2Backward, l1l2Penalty } from './ops/regularizers.js';
import type { Optimizer } from './optimizers.js';
import { OPTIMIZER_NAMES, type OptimizerName } from './optimizer_names.js';
import { BatchSource, checkData, type Data } from './batches.js';
import { seededRandom } from './initializers.js';
import { ProgressBar } from './progress.js';
import { saveModel, loadWeightsInto, type IOHandler, type SaveResult } from './io/index.js';
import { empty, formatShape, Tensor, tensor, type Shape } from './tensor.js';
import type { TrainingParams } from './callbacks.js';
import { DatasetPasses, elementData, grownSlots, iteratorOf, uploadBatch, type Dataset, type FitDatasetArgs, type StepBatch, type TrainingRun } from './fit_dataset.js';

export interface CompileArgs {
  optimizer: OptimizerName | Optimizer;
  loss: LossName;
  /** Extra values to report per epoch: the loss names, binaryAccuracy, psnr, ssim (see ops/metrics.ts). */
  metrics?: MetricName[];
}

export interface Logs {
  loss: number;
  val_loss?: number;
  [metric: string]: number | undefined;
}

export interface Callbacks {
  /** Called by fit() before onTrainBegin (Keras's set_model / set_params; see callbacks.ts). */
  setModel?(model: Model): void;
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
  validationData?: [Data, Data];
  /** Fraction of the samples (the last ones, before shuffling, as in Keras) held out for validation. */
  validationSplit?: number;
  /** 0 silent, 1 Keras's progress bar (in place on a TTY), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callbacks | Callbacks[];
  /** Seeds shuffling and the random layers (noise, dropout). */
  seed?: number;
  /** Multiplies uint8 data as it is uploaded, e.g. 1/255 for pixels. */
  scale?: number;
  /** Stop with an error naming epoch and batch when the loss becomes NaN (default true). */
  terminateOnNaN?: boolean;
}

export interface PredictArgs {
  batchSize?: number;
  scale?: number;
}

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

interface Order {
  gpu: Tensor<'int32'> | null;
  host: Int32Array;
}

/** The tensors of one forward pass, freed together when the step is encoded. */
interface Pass {
  outputs: Tensor[];
  states: CallState[];
}

export class Model {
  readonly name: string;
  readonly input: SymbolicTensor;
  readonly output: SymbolicTensor;
  readonly nodes: readonly GraphNode[];
  /** The layers in call order, the InputLayer first (as Keras's model.layers). */
  readonly layers: readonly Layer[];
  /** Set to true from a callback to end fit() after the current batch. */
  stopTraining = false;
  /** The optimizer instance; given by name to compile(), it is made when training starts. */
  optimizer: Optimizer | null = null;
  #optimizerName: OptimizerName | null = null;
  loss: LossName | null = null;
  metrics: MetricName[] = [];
  #step = 0;

  constructor(args: { inputs: SymbolicTensor; outputs: SymbolicTensor; name?: string }) {
    this.name = args.name ?? 'model';
    this.input = args.inputs;
    this.output = args.outputs;
    this.nodes = orderNodes(this.input, this.output);
    const layers: Layer[] = [new InputLayer(this.input.name, this.input.sampleShape)];
    for (const node of this.nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
    this.layers = layers;
  }

  get inputShape(): Shape {
    return this.input.sampleShape;
  }

  get outputShape(): Shape {
    return this.output.sampleShape;
  }

  /** Every weight once, in layer order (kernel, then bias). */
  get weights(): Weight[] {
    return this.layers.flatMap((l) => l.weights);
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`model '${this.name}' has no layer '${name}'; it has ${this.layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /** Keras's summary table: layer (type), output shape, params; totals. Printed and returned. */
  summary(print: (line: string) => void = console.log): string {
    const shape = (s: Shape) => `(None, ${s.join(', ')})`;
    const rows = this.layers.map((l, i) => [
      `${l.name} (${l.className})`,
      i === 0 ? `[${shape(this.inputShape)}]` : shape(this.nodes.find((n) => n.layer === l)!.output.sampleShape),
      String(l.countParams()),
    ]);
    const widths = [29, 26, 10];
    const line = (cells: string[]) => ' ' + cells.map((c, i) => c.padEnd(widths[i] - (i === 0 ? 1 : 0))).join('').trimEnd();
    const total = this.countParams();
    const trainable = this.layers.reduce((n, l) => n + l.countTrainableParams(), 0);
    const size = (n: number) => `${n.toLocaleString('en-US')} (${((n * 4) / 1024).toFixed(2)} KB)`;
    const text = [
      `Model: "${this.name}"`,
      '_'.repeat(65),
      line(['Layer (type)', 'Output Shape', 'Param #']),
      '='.repeat(65),
      ...rows.map(line),
      '='.repeat(65),
      `Total params: ${size(total)}`,
      `Trainable params: ${size(trainable)}`,
      `Non-trainable params: ${size(total - trainable)}`,
      '_'.repeat(65),
    ].join('\n');
    print(text);
    return text;
  }

  compile(args: CompileArgs): void {
    if (!args || !args.loss) throw new Error(`model '${this.name}'.compile needs a loss (e.g. 'meanSquaredError' or 'binaryCrossentropy')`);
    const o = args.optimizer;
    if (typeof o === 'string' && !OPTIMIZER_NAMES.includes(o)) throw new Error(`unknown optimizer '${o}'; expected one of ${OPTIMIZER_NAMES.join(', ')}`);
    this.optimizer?.dispose();
    this.optimizer = typeof o === 'string' ? null : o;
    this.#optimizerName = typeof o === 'string' ? o : null;
    this.loss = args.loss;
    for (const m of args.metrics ?? []) checkMetric(m, this.outputShape);
    this.metrics = args.metrics ?? [];
    // Fail now on an unknown loss name rather than inside the first step.
    if (!['meanSquaredError', 'mse', 'meanAbsoluteError', 'mae', 'binaryCrossentropy'].includes(args.loss)) {
      throw new Error(`unknown loss '${args.loss}'; expected meanSquaredError (mse), meanAbsoluteError (mae) or binaryCrossentropy`);
    }
  }

  /** Runs the nodes on a batch. The caller frees the pass (freePass) once its work is encoded. */
  #forward(x: Tensor, training: boolean, seed: number): Pass {
    const pass: Pass = { outputs: [], states: [] };
    let value = x;
    this.nodes.forEach((node, i) => {
      const state: CallState = { training, seed: (seed + i * 0x9e3779b9) >>> 0, step: this.#step, saved: [] };
      value = node.layer.forward(value, state);
      pass.outputs.push(value);
      pass.states.push(state);
    });
    return pass;
  }

  #freePass(pass: Pass): void {
    for (const t of pass.outputs) t.dispose();
    for (const s of pass.states) for (const t of s.saved) t.dispose();
  }

  /** Loss (and penalties, when training) of a pass into slots[index·(1+metrics)…]. */
  #addLosses(pass: Pass, x: Tensor, y: Tensor, slots: Tensor, index: number, training: boolean): void {
    const yPred = pass.outputs.at(-1)!;
    const stride = 1 + this.metrics.length;
    lossForward(yPred, y, this.loss!, { out: slots, outIndex: index * stride });
    this.metrics.forEach((m, k) => metricForward(yPred, y, m, { out: slots, outIndex: index * stride + 1 + k }));
    if (!training) return;
    const batch = x.shape[0];
    this.nodes.forEach((node, i) => {
      const reg = node.layer.activityRegularizer;
      // Keras divides the activity penalty by the batch size.
      if (reg) l1l2Penalty(pass.outputs[i], reg, { scale: 1 / batch, out: slots, outIndex: index * stride, accumulate: true });
      node.layer.addCallPenalty(pass.outputs[i], slots, index * stride);
    });
    for (const w of this.weights) if (w.regularizer) l1l2Penalty(w.value, w.regularizer, { out: slots, outIndex: index * stride, accumulate: true });
  }

  /** Encodes one training step: forward, loss, backward, optimizer update. No readback. */
  #trainStep(x: Tensor, y: Tensor, slots: Tensor, index: number, seed: number): void {
    const pass = this.#forward(x, true, seed);
    this.#addLosses(pass, x, y, slots, index, true);
    const batch = x.shape[0];
    const gradients: Tensor[] = [];
    let dy: Tensor | null = lossBackward(pass.outputs.at(-1)!, y, this.loss!);
    for (let i = this.nodes.length - 1; i >= 0 && dy; i--) {
      gradients.push(dy);
      const { layer } = this.nodes[i];
      if (layer.activityRegularizer) l1l2Backward(pass.outputs[i], layer.activityRegularizer, dy, 1 / batch);
      const xi = i === 0 ? x : pass.outputs[i - 1];
      dy = layer.backward(dy, xi, pass.outputs[i], pass.states[i], i > 0);
    }
    const params = [];
    for (const w of this.weights) {
      if (!w.grad) continue;
      if (w.regularizer) l1l2Backward(w.value, w.regularizer, w.grad);
      if (w.trainable) params.push({ value: w.value, grad: w.grad });
    }
    this.optimizer!.apply(params);
    for (const w of this.weights) {
      w.grad?.dispose();
      w.grad = null;
    }
    for (const g of gradients) g.dispose();
    this.#freePass(pass);
    this.#step++;
    flush();
  }

  #checkCompiled(what: string): void {
    if (!(this.optimizer || this.#optimizerName) || !this.loss) throw new Error(`model '${this.name}': call compile() before ${what}()`);
  }

  /** Makes the optimizer compile() named, loading the optimizers' code now (see optimizer_names.ts). */
  async #ensureOptimizer(): Promise<void> {
    if (this.optimizer) return;
    const { getOptimizer } = await import('./optimizers.js');
    this.optimizer = getOptimizer(this.#optimizerName!);
  }

  #checkXY(x: Data, y: Data, what: string): void {
    checkData(x, this.inputShape, `${what}: x`);
    checkData(y, this.outputShape, `${what}: y`);
    if (x.shape[0] !== y.shape[0]) throw new Error(`${what}: x has ${x.shape[0]} samples but y has ${y.shape[0]}`);
  }

  async fit(x: Data, y: Data, args: FitArgs = {}): Promise<History> {
    this.#checkCompiled('fit');
    this.#checkXY(x, y, 'fit');
    const common = this.#commonArgs(args, 'fit');
    const { batchSize = 32, shuffle = true } = args;
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`fit: batchSize must be a positive integer, got ${batchSize}`);
    const split = args.validationSplit ?? 0;
    if (!(split >= 0 && split < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${split}`);
    if (args.validationData) this.#checkXY(args.validationData[0], args.validationData[1], 'fit: validationData');
    await this.#ensureOptimizer();
    const random = seededRandom(common.seed);
    const scale = common.scale;
    const xs = new BatchSource(x, scale);
    const ys = x === y ? xs : new BatchSource(y, scale);
    const numTrain = split > 0 ? Math.floor(xs.numSamples * (1 - split)) : xs.numSamples;
    try {
      return await this.#runTraining({
        ...common,
        what: 'fit',
        steps: Math.ceil(numTrain / batchSize),
        validates: args.validationData !== undefined || split > 0,
        batches: () => this.#rowBatches(xs, ys === xs ? null : ys, this.#order(xs, numTrain, shuffle ? random : null), numTrain, batchSize),
        validate: async () => {
          if (split > 0) return this.#evaluateSource(xs, ys === xs ? null : ys, numTrain, xs.numSamples - numTrain, batchSize, false);
          if (!args.validationData) return null;
          const [vx, vy] = args.validationData;
          return this.#evaluateSource(new BatchSource(vx, scale), vx === vy ? null : new BatchSource(vy, scale), 0, vx.shape[0], batchSize, true);
        },
      });
    } finally {
      xs.dispose();
      if (ys !== xs) ys.dispose();
    }
  }

  /** The options fit() and fitDataset() share, checked before any GPU work. */
  #commonArgs(args: FitArgs | FitDatasetArgs, what: string) {
    const { epochs = 1, verbose = 1, scale = 1, terminateOnNaN = true } = args ?? {};
    if (!(Number.isInteger(epochs) && epochs > 0)) throw new Error(`${what}: epochs must be a positive integer, got ${epochs}`);
    const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
    const callbacks = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
    return { epochs, verbose, scale, terminateOnNaN, seed, callbacks };
  }

  /** Rows order.host[0…n) of the sources, batchSize at a time, as step batches; frees the order at the end. */
  async *#rowBatches(xs: BatchSource, ys: BatchSource | null, order: Order, n: number, batchSize: number): AsyncGenerator<StepBatch> {
    try {
      for (let first = 0; first < n; first += batchSize) {
        const count = Math.min(batchSize, n - first);
        const x = xs.batch(order, first, count);
        const y = ys ? ys.batch(order, first, count) : x;
        yield { x, y, count, release: () => void (x.dispose(), y.dispose()) };
      }
    } finally {
      order.gpu?.dispose();
    }
  }

  /** The epochs of fit() and fitDataset(): callbacks, one step per batch (no readback), the epoch's logs read once, validation, History. */
  async #runTraining(run: TrainingRun): Promise<History> {
    const names = ['loss', ...this.metrics];
    const { callbacks, epochs, verbose } = run;
    const history = new History();
    this.stopTraining = false;
    const params: TrainingParams = { epochs, steps: run.steps, metrics: run.validates ? [...names, ...names.map((k) => `val_${k}`)] : names };
    for (const c of callbacks) {
      c.setModel?.(this);
      c.setParams?.(params);
    }
    let slots = empty([(run.steps ?? 16) * names.length]);
    let known = run.steps;
    try {
      for (const c of callbacks) await c.onTrainBegin?.();
      for (let epoch = 0; epoch < epochs && !this.stopTraining; epoch++) {
        for (const c of callbacks) await c.onEpochBegin?.(epoch);
        // An epoch of unknown length (a data set's first pass) draws no live bar.
        const bar = new ProgressBar(known ?? 0, verbose);
        bar.startEpoch(epoch, epochs);
        const sizes: number[] = [];
        for await (const batch of run.batches(epoch)) {
          const b = sizes.length;
          try {
            slots = grownSlots(slots, (b + 1) * names.length);
            this.#trainStep(batch.x, batch.y, slots, b, (run.seed + epoch * 7919) >>> 0);
          } finally {
            batch.release();
          }
          sizes.push(batch.count);
          await bar.step(sizes.length, () => this.#readLosses(slots, sizes));
          for (const c of callbacks) await c.onBatchEnd?.(b, { size: batch.count });
          if (this.stopTraining) break;
        }
        if (sizes.length === 0) throw new Error(`${run.what}: no batches in epoch ${epoch + 1}`);
        known = run.steps ?? sizes.length;
        await sync(`${run.what} ${this.name}`);
        const logs = await this.#readLosses(slots, sizes);
        if (Number.isNaN(logs.loss) && run.terminateOnNaN) {
          const perBatch = await slots.data();
          const bad = sizes.findIndex((_, b) => Number.isNaN(perBatch[b * names.length]));
          throw new Error(`${run.what}: the loss became NaN at epoch ${epoch + 1}, batch ${bad + 1} (pass terminateOnNaN: false to continue)`);
        }
        const validation = await run.validate();
        if (validation) for (const [k, v] of Object.entries(validation)) logs[`val_${k}`] = v;
        bar.endEpoch(logs, sizes.length);
        history.record(epoch, logs);
        for (const c of callbacks) await c.onEpochEnd?.(epoch, logs);
      }
      for (const c of callbacks) await c.onTrainEnd?.(history);
    } finally {
      slots.dispose();
    }
    return history;
  }

  /**
   * Trains on batches from a data set (TF.js's model.fitDataset): an async iterable or iterable of
   * { xs, ys } (or [xs, ys]) as fit() takes them. Each batch is uploaded while the GPU trains on the
   * previous one (fit_dataset.ts). Without batchesPerEpoch every epoch is one pass (the data set
   * must start a new pass on each iteration); with it, epochs take that many batches of one pass.
   */
  async fitDataset(dataset: Dataset, args: FitDatasetArgs = {}): Promise<History> {
    this.#checkCompiled('fitDataset');
    const common = this.#commonArgs(args, 'fitDataset');
    const { batchesPerEpoch } = args;
    if (batchesPerEpoch !== undefined && !(Number.isInteger(batchesPerEpoch) && batchesPerEpoch > 0)) throw new Error(`fitDataset: batchesPerEpoch must be a positive integer, got ${batchesPerEpoch}`);
    iteratorOf(dataset, 'fitDataset: dataset');
    const v = args.validationData;
    const { validationBatchSize = 32 } = args;
    if (!(Number.isInteger(validationBatchSize) && validationBatchSize > 0)) throw new Error(`fitDataset: validationBatchSize must be a positive integer, got ${validationBatchSize}`);
    if (Array.isArray(v)) {
      if (v.length !== 2) throw new Error('fitDataset: validationData must be [x, y] or a data set of batches');
      this.#checkXY(v[0], v[1], 'fitDataset: validationData');
    } else if (v !== undefined) iteratorOf(v, 'fitDataset: validationData');
    await this.#ensureOptimizer();
    const upload = (element: unknown, what: string): StepBatch => {
      const { x, y } = elementData(element, what);
      this.#checkXY(x, y, what);
      return uploadBatch(x, y, common.scale, (source, n) => this.#order(source, n, null));
    };
    const passes = new DatasetPasses(dataset, batchesPerEpoch ?? null, upload);
    try {
      return await this.#runTraining({
        ...common,
        what: 'fitDataset',
        steps: batchesPerEpoch ?? null,
        validates: v !== undefined,
        batches: (epoch) => passes.epoch(epoch, () => (this.stopTraining = true)),
        validate: async () => {
          if (v === undefined) return null;
          if (Array.isArray(v)) return this.#evaluateSource(new BatchSource(v[0], common.scale), v[0] === v[1] ? null : new BatchSource(v[1], common.scale), 0, v[0].shape[0], validationBatchSize, true);
          return this.#evaluateBatches(new DatasetPasses(v, null, upload, 'fitDataset: validation').epoch(0));
        },
      });
    } finally {
      await passes.close();
      if (passes.exhausted && common.verbose) console.warn('fitDataset: the data set ran out before epochs × batchesPerEpoch batches; training stopped early (as TF.js does)');
    }
  }

  /** Sample order for an epoch: 0…n-1, shuffled when a generator is given; uploaded when batches come from the GPU. */
  #order(source: BatchSource, n: number, random: (() => number) | null, offset = 0): Order {
    const host = Int32Array.from({ length: n }, (_, i) => i + offset);
    if (random) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [host[i], host[j]] = [host[j], host[i]];
      }
    }
    return { host, gpu: source.resident ? (tensor(host) as Tensor<'int32'>) : null };
  }

  /** Reads the loss slots of the batches of these sizes and averages them weighted by size. */
  async #readLosses(slots: Tensor, sizes: readonly number[]): Promise<Logs> {
    const values = await slots.data();
    const names = ['loss', ...this.metrics];
    const logs: Logs = { loss: 0 };
    let seen = 0;
    sizes.forEach((size, b) => {
      seen += size;
      names.forEach((name, k) => (logs[name] = (logs[name] ?? 0) + values[b * names.length + k] * size));
    });
    for (const name of names) logs[name] = logs[name]! / seen;
    return logs;
  }

  async #evaluateSource(xs: BatchSource, ys: BatchSource | null, offset: number, n: number, batchSize: number, owned: boolean): Promise<Logs> {
    try {
      return await this.#evaluateBatches(this.#rowBatches(xs, ys, this.#order(xs, n, null, offset), n, batchSize));
    } finally {
      if (owned) {
        xs.dispose();
        ys?.dispose();
      }
    }
  }

  /** Mean losses and metrics over batches, in inference mode. */
  async #evaluateBatches(batches: AsyncIterable<StepBatch>): Promise<Logs> {
    const stride = 1 + this.metrics.length;
    let slots = empty([16 * stride]);
    const sizes: number[] = [];
    try {
      for await (const batch of batches) {
        try {
          slots = grownSlots(slots, (sizes.length + 1) * stride);
          const pass = this.#forward(batch.x, false, 0);
          this.#addLosses(pass, batch.x, batch.y, slots, sizes.length, false);
          this.#freePass(pass);
        } finally {
          batch.release();
        }
        sizes.push(batch.count);
      }
      return await this.#readLosses(slots, sizes);
    } finally {
      slots.dispose();
    }
  }

  /**
   * The mean loss over (x, y), and the metrics: { loss, ...metrics }. With reduction 'none', the
   * compiled loss of each sample instead (mean over its elements, no penalties), as a GPU tensor [N]:
   * an autoencoder's anomaly scores.
   */
  async evaluate(x: Data, y: Data, args: PredictArgs & { reduction: 'none' }): Promise<Tensor>;
  async evaluate(x: Data, y: Data, args?: PredictArgs & { reduction?: 'mean' }): Promise<Logs>;
  async evaluate(x: Data, y: Data, args: PredictArgs & { reduction?: 'mean' | 'none' } = {}): Promise<Logs | Tensor> {
    this.#checkCompiled('evaluate');
    this.#checkXY(x, y, 'evaluate');
    const { reduction = 'mean' } = args;
    if (reduction !== 'mean' && reduction !== 'none') throw new Error(`evaluate: reduction must be 'mean' or 'none', got '${String(reduction)}'`);
    const xs = new BatchSource(x, args.scale ?? 1);
    const ys = x === y ? null : new BatchSource(y, args.scale ?? 1);
    if (reduction === 'none') return this.#sampleLosses(xs, ys, args.batchSize ?? 32);
    return this.#evaluateSource(xs, ys, 0, xs.numSamples, args.batchSize ?? 32, true);
  }

  /** The compiled loss per sample, batch by batch into one [N] tensor (no readback). */
  #sampleLosses(xs: BatchSource, ys: BatchSource | null, batchSize: number): Promise<Tensor> {
    return this.#eachPrediction(xs, ys, batchSize, empty([xs.numSamples]), (yPred, yb, first, result) => sampleScores(yPred, yb, this.loss!, result, first));
  }

  /**
   * Runs the model over a source batch by batch (inference), handing each batch's prediction, its
   * targets (ys, or the inputs) and first sample index to `use`, which writes into `result`.
   */
  async #eachPrediction<T extends Tensor>(xs: BatchSource, ys: BatchSource | null, batchSize: number, result: T, use: (yPred: Tensor, yb: Tensor, first: number, result: T) => void): Promise<T> {
    const n = xs.numSamples;
    const order = this.#order(xs, n, null);
    try {
      for (let first = 0; first < n; first += batchSize) {
        const count = Math.min(batchSize, n - first);
        const xb = xs.batch(order, first, count);
        const yb = ys ? ys.batch(order, first, count) : xb;
        const pass = this.#forward(xb, false, 0);
        use(pass.outputs.at(-1)!, yb, first, result);
        this.#freePass(pass);
        xb.dispose();
        if (yb !== xb) yb.dispose();
        flush();
      }
      await sync();
      return result;
    } catch (e) {
      result.dispose();
      throw e;
    } finally {
      order.gpu?.dispose();
      xs.dispose();
      ys?.dispose();
    }
  }

  /** One training step on one batch; returns its loss (reads it back). */
  async trainOnBatch(x: Data, y: Data, args: { scale?: number; seed?: number } = {}): Promise<number> {
    this.#checkCompiled('trainOnBatch');
    this.#checkXY(x, y, 'trainOnBatch');
    await this.#ensureOptimizer();
    const xs = new BatchSource(x, args.scale ?? 1);
    const ys = x === y ? xs : new BatchSource(y, args.scale ?? 1);
    const n = xs.numSamples;
    const order = this.#order(xs, n, null);
    const slots = empty([1 + this.metrics.length]);
    try {
      const xb = xs.batch(order, 0, n);
      const yb = ys === xs ? xb : ys.batch(order, 0, n);
      this.#trainStep(xb, yb, slots, 0, args.seed ?? this.#step);
      xb.dispose();
      if (yb !== xb) yb.dispose();
      await sync(`trainOnBatch ${this.name}`);
      return (await slots.data())[0];
    } finally {
      slots.dispose();
      order.gpu?.dispose();
      xs.dispose();
      if (ys !== xs) ys.dispose();
    }
  }

  /** The model's outputs for x, as one GPU tensor [N, ...outputShape] (read it with .data()). */
  async predict(x: Data, args: PredictArgs = {}): Promise<Tensor<'float32'>> {
    checkData(x, this.inputShape, 'predict: x');
    const xs = new BatchSource(x, args.scale ?? 1);
    const n = xs.numSamples;
    const result = empty([n, ...this.outputShape], 'float32');
    const rowBytes = (result.size / n) * 4;
    return this.#eachPrediction(xs, null, args.batchSize ?? 32, result, (yPred, _, first, out) => {
      encoder().copyBufferToBuffer(yPred.buffer, 0, out.buffer, first * rowBytes, yPred.shape[0] * rowBytes);
    });
  }

  /**
   * Saves in TensorFlow.js's layers format (model.json + binary weight shards): 'file://dir' in
   * Node, 'downloads://name' or 'indexeddb://name' in a browser, or an IOHandler.
   */
  save(destination: string | IOHandler): Promise<SaveResult> {
    return saveModel(this, destination);
  }

  /** Loads weights saved by save() (or TF.js) into this model; on any error the weights are unchanged. */
  loadWeights(source: string | IOHandler): Promise<void> {
    return loadWeightsInto(this, source);
  }

  /**
   * Frees the GPU memory of this model's weights and optimizer state. Layers shared with another
   * model (an encoder, a decoder) lose their weights too: dispose the last model that uses them.
   */
  dispose(): void {
    for (const w of this.weights) w.value.dispose();
    this.optimizer?.dispose();
    this.optimizer = null;
  }

  /** All weights as Float32Arrays, in Keras's order (layer by layer; kernel, then bias). */
  async getWeights(): Promise<Float32Array[]> {
    return (await Promise.all(this.layers.map((l) => l.getWeights()))).flat();
  }

  /** Replaces all weights; every shape is checked first, so a bad list changes nothing. */
  setWeights(values: readonly Float32Array[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) throw new Error(`model '${this.name}' has ${weights.length} weights, got ${values.length} arrays`);
    weights.forEach((w, i) => {
      if (values[i].length !== w.value.size) throw new Error(`model '${this.name}': weight '${w.name}' has shape ${formatShape(w.shape)} (${w.value.size} values), got ${values[i].length}`);
    });
    let k = 0;
    for (const layer of this.layers) {
      layer.setWeights(values.slice(k, k + layer.weights.length));
      k += layer.weights.length;
    }
  }
}

/** Keras's functional model: model({ inputs, outputs }). */
export function model(args: { inputs: SymbolicTensor; outputs: SymbolicTensor; name?: string }): Model {
  return new Model(args);
}

/** Keras's Sequential as a function: the layers applied in order to input({ shape }). */
export function sequential(args: { layers: Layer[]; inputShape?: Shape; name?: string }): Model {
  const shape = args.inputShape ?? args.layers[0]?.declaredInputShape;
  if (!shape) throw new Error('sequential: give inputShape (or inputShape on the first layer)');
  const x = symbolicInput({ shape });
  let y = x;
  for (const layer of args.layers) y = layer.apply(y);
  return new Model({ inputs: x, outputs: y, name: args.name });
}
