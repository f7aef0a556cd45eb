// A functional model: the graph from its inputs to its outputs, ordered once (graph.ts), with its
// layers, weights and summary. A model is a Layer: applied inside another model it becomes one node
// and its weights are shared, not copied. Running the graph lives in execution.ts; training (fit,
// evaluate, trainOnBatch) in training.ts and saving in io/, both loaded when first used, so a
// predict-only bundle carries neither.
import { backwardPass, forwardPass, outputsOf, predict, type Pass, type PredictArgs } from './execution.js';
import { orderGraph, input as symbolicInput, SymbolicTensor, type GraphNode } from './graph.js';
import { InputLayer } from './layers/input_layer.js';
import { Layer, type CallState, type Weight } from './layers/layer.js';
import type { Json } from './layers/config.js';
import { LOSS_NAMES, type LossName } from './ops/loss.js';
import type { LossFunction } from './custom_losses.js';
import { checkMetric, type MetricName } from './ops/metrics.js';
import type { Optimizer } from './optimizers.js';
import { OPTIMIZER_NAMES, type OptimizerName } from './optimizer_names.js';
import type { Data } from './batches.js';
import type { IOHandler, SaveResult } from './io/index.js';
import type { FitArgs, History, Logs, EvaluateArgs } from './training.js';
import type { Dataset, FitDatasetArgs } from './fit_dataset.js';
import { formatShape, sizeOf, type Shape, type Tensor } from './tensor.js';

/** A loss by name, or a function of (yTrue, yPred) written in ops returning a scalar (src/custom_losses.ts). */
export type LossSpec = LossName | LossFunction;

export interface CompileArgs {
  optimizer: OptimizerName | Optimizer;
  loss: LossSpec | LossSpec[] | Record<string, LossSpec>;
  /** Weights of the outputs' losses in the total (default 1 each): a list, or keyed by output name. */
  lossWeights?: number[] | Record<string, number>;
  /** Extra values to report per epoch for every output: the loss names, binaryAccuracy, psnr, ssim (see ops/metrics.ts). */
  metrics?: MetricName[];
}

/** compile()'s arguments, one entry per output. */
export interface Compiled {
  losses: LossSpec[];
  lossWeights: number[];
  metrics: MetricName[];
}

/** The InputLayer of each model input, shared by every model built on that input (as in Keras). */
const inputLayers = new WeakMap<SymbolicTensor, InputLayer>();

function inputLayerOf(t: SymbolicTensor): InputLayer {
  let layer = inputLayers.get(t);
  if (!layer) inputLayers.set(t, (layer = new InputLayer(t.name, t.sampleShape)));
  return layer;
}

/** Unique names in order: a repeated name gets _1, _2… (Keras's output names). */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    return k === 0 ? n : `${n}_${k}`;
  });
}

/** A model's outputs as given to model(): one tensor, or a list. */
export type Outputs = SymbolicTensor | readonly SymbolicTensor[];

/** What predict() returns: one tensor for a model built with one output tensor, a list for a list. */
export type Prediction<O extends Outputs> = O extends readonly SymbolicTensor[] ? Tensor<'float32'>[] : Tensor<'float32'>;

/** Any model, whatever its outputs' form (what functions that take a model accept). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any>;

/** Inputs (or targets) for predict/fit/evaluate: one Data, a list (one per input) or an object keyed by input name. */
export type DataArg = Data | readonly Data[] | Record<string, Data>;

function asList<T>(v: T | readonly T[]): T[] {
  return Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}

export class Model<O extends Outputs = SymbolicTensor> extends Layer {
  static override readonly className: string = 'Model';
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** The calls between inputs and outputs in execution order. */
  readonly nodes: readonly GraphNode[];
  /** Every layer of the graph once, in Keras's order (by depth, deepest first), InputLayers included. */
  readonly allLayers: readonly Layer[];
  readonly inputNames: readonly string[];
  /** The output layers' names (Keras's output_names): the keys of per-output losses and History. */
  readonly outputNames: readonly string[];
  /** Set to true from a callback to end fit() after the current batch. */
  stopTraining = false;
  /** The optimizer instance; given by name to compile(), it is made when training starts. */
  optimizer: Optimizer | null = null;
  optimizerName: OptimizerName | null = null;
  compiled: Compiled | null = null;
  /** Training steps taken (seeds the random layers). */
  step = 0;
  /** Whether fit() is running (a second fit is refused). */
  isTraining = false;

  /** Whether predict() returns a list (outputs were given as a list). */
  readonly outputsAsList: boolean;

  constructor(args: { inputs: SymbolicTensor | readonly SymbolicTensor[]; outputs: O; name?: string }) {
    super({ name: args?.name });
    if (!args || args.inputs === undefined || args.outputs === undefined) throw new Error('model() takes { inputs, outputs }: symbolic tensors from input() and from layers\' apply()');
    this.inputs = asList(args.inputs);
    this.outputs = asList<SymbolicTensor>(args.outputs);
    this.outputsAsList = Array.isArray(args.outputs);
    if (!this.inputs.length || !this.outputs.length) throw new Error(`model '${this.name}' needs at least one input and one output`);
    const topology = orderGraph(this.inputs, this.outputs, `model '${this.name}'`);
    this.nodes = topology.nodes;
    const ranked = [
      ...this.inputs.map((t) => ({ layer: inputLayerOf(t) as Layer, depth: topology.inputDepths.get(t)!, index: topology.inputIndices.get(t)! })),
      ...topology.layers.map((l) => ({ layer: l, depth: topology.layerDepths.get(l)!, index: topology.layerIndices.get(l)! })),
    ];
    this.allLayers = ranked.sort((a, b) => b.depth - a.depth || a.index - b.index).map((e) => e.layer);
    this.inputNames = this.inputs.map((t) => inputLayerOf(t).name);
    this.outputNames = uniqueNames(this.outputs.map((t) => t.node?.layer.name ?? t.name));
    this.inputShapes = this.inputs.map((t) => t.sampleShape);
  }

  /** Keras's `layers`: a functional model's are all its layers, InputLayers included (a Sequential leaves its InputLayer out). */
  get layers(): readonly Layer[] {
    return this.allLayers;
  }

  /** The first input and output (the only ones of most models). */
  get input(): SymbolicTensor {
    return this.inputs[0];
  }

  get output(): SymbolicTensor {
    return this.outputs[0];
  }

  override get inputShape(): Shape {
    return this.inputs[0].sampleShape;
  }

  get outputShape(): Shape {
    return this.outputs[0].sampleShape;
  }

  /** The InputLayer of each input, in input order. */
  get inputLayers(): InputLayer[] {
    return this.inputs.map(inputLayerOf);
  }

  /** Every weight once, in layer order (kernel, then bias), nested models' included. */
  override get weights(): Weight[] {
    return [...new Set(this.layers.flatMap((l) => l.weights))];
  }

  /** The weights the optimizer moves: those of trainable layers (and nested models) that are trainable themselves. */
  get trainableWeights(): Weight[] {
    if (!this.trainable) return [];
    const list = this.layers.filter((l) => l.trainable).flatMap((l) => (l instanceof Model ? l.trainableWeights : l.weights.filter((w) => w.trainable)));
    return [...new Set(list)];
  }

  get nonTrainableWeights(): Weight[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  override countParams(): number {
    return this.weights.reduce((n, w) => n + sizeOf(w.shape), 0);
  }

  override countTrainableParams(): number {
    return this.trainableWeights.reduce((n, w) => n + sizeOf(w.shape), 0);
  }

  /** A layer by name (searching nested models too) or by index in `layers`. */
  getLayer(name: string | number): Layer {
    if (typeof name === 'number') {
      const layer = this.layers[name];
      if (!layer) throw new Error(`model '${this.name}' has ${this.layers.length} layers; there is no layer at index ${name}`);
      return layer;
    }
    const found = this.#findLayer(name);
    if (!found) throw new Error(`model '${this.name}' has no layer '${name}'; it has ${this.layers.map((l) => l.name).join(', ')}`);
    return found;
  }

  #findLayer(name: string): Layer | undefined {
    for (const l of this.layers) if (l.name === name) return l;
    for (const l of this.layers) {
      const inner = l instanceof Model ? l.#findLayer(name) : undefined;
      if (inner) return inner;
    }
    return undefined;
  }

  /**
   * [layer name, node index, output index] of a tensor of this graph, as Keras numbers them in saved
   * topologies and summaries: a layer's calls in call order, a nested model's from 1 (its node 0 is
   * its own construction, which Keras's _should_skip_first_node leaves out of both).
   */
  tensorRef(t: SymbolicTensor): [string, number, number] {
    if (!t.node) return [inputLayerOf(t).name, 0, 0];
    const layer = t.node.layer;
    const calls = this.nodes.filter((n) => n.layer === layer).sort((p, q) => p.id - q.id);
    return [layer.name, calls.indexOf(t.node) + (layer instanceof Model ? 1 : 0), t.outputIndex];
  }

  /** Whether every call has one input and the calls form a chain (Keras prints no "Connected to" column then). */
  get isChain(): boolean {
    return this.inputs.length === 1 && this.outputs.length === 1 && this.nodes.every((n, i) => n.inputs.length === 1 && n.inputs[0] === (i === 0 ? this.inputs[0] : this.nodes[i - 1].outputs[0]));
  }

  /** Keras's summary table: layer (type), output shape, params (and "Connected to" for graphs); totals. Printed and returned. */
  summary(print: (line: string) => void = console.log): string {
    const shape = (s: Shape) => `(None, ${s.join(', ')})`;
    const connected = !this.isChain;
    const nodesOf = (l: Layer) => this.nodes.filter((n) => n.layer === l);
    const ref = (t: SymbolicTensor) => {
      const [layer, node, index] = this.tensorRef(t);
      return `${layer}[${node}][${index}]`;
    };
    const rows: string[][] = [];
    for (const l of this.layers) {
      if (l instanceof InputLayer) {
        rows.push([`${l.name} (${l.className})`, `[${shape(l.inputShape!)}]`, '0', '']);
        continue;
      }
      const nodes = nodesOf(l);
      const outShape = nodes[0].outputs.length === 1 ? shape(nodes[0].outputs[0].sampleShape) : nodes[0].outputs.map((t) => shape(t.sampleShape)).join(', ');
      const inbound = nodes.flatMap((n) => n.inputs.map(ref));
      rows.push([`${l.name} (${l.className})`, outShape, String(l.countParams()), inbound[0] ?? '']);
      for (const more of inbound.slice(1)) rows.push(['', '', '', more]);
    }
    const widths = connected ? [29, 26, 10, 30] : [29, 26, 10];
    const width = connected ? 98 : 65;
    const line = (cells: string[]) => ' ' + cells.slice(0, widths.length).map((c, i) => c.padEnd(widths[i] - (i === 0 ? 1 : 0))).join('').trimEnd();
    const total = this.countParams();
    const trainable = this.countTrainableParams();
    const size = (n: number) => `${n.toLocaleString('en-US')} (${((n * 4) / 1024).toFixed(2)} KB)`;
    const text = [
      `Model: "${this.name}"`,
      '_'.repeat(width),
      line(['Layer (type)', 'Output Shape', 'Param #', 'Connected to']),
      '='.repeat(width),
      ...rows.map(line),
      '='.repeat(width),
      `Total params: ${size(total)}`,
      `Trainable params: ${size(trainable)}`,
      `Non-trainable params: ${size(total - trainable)}`,
      '_'.repeat(width),
    ].join('\n');
    print(text);
    return text;
  }

  /** Per-output values from a single value, a list (one per output) or an object keyed by output name. */
  #perOutput<T>(value: T | readonly T[] | Record<string, T>, what: string, isValue: (v: unknown) => boolean): T[] {
    const n = this.outputs.length;
    if (Array.isArray(value)) {
      if (value.length !== n) throw new Error(`model '${this.name}'.compile: ${what} lists ${value.length} entries but the model has ${n} output${n > 1 ? 's' : ''} (${this.outputNames.join(', ')})`);
      return [...value];
    }
    if (!isValue(value) && typeof value === 'object' && value !== null) {
      const o = value as Record<string, T>;
      const unknown = Object.keys(o).filter((k) => !this.outputNames.includes(k));
      if (unknown.length) throw new Error(`model '${this.name}'.compile: ${what} names ${unknown.map((k) => `'${k}'`).join(', ')}, not an output; the outputs are ${this.outputNames.join(', ')}`);
      return this.outputNames.map((k) => o[k]);
    }
    return this.outputNames.map(() => value as T);
  }

  /** Sets the optimizer, the loss of each output, its weight, and the metrics. A bad argument changes nothing. */
  compile(args: CompileArgs): void {
    if (!args || args.loss === undefined || args.loss === null) throw new Error(`model '${this.name}'.compile needs a loss (e.g. 'meanSquaredError' or 'binaryCrossentropy')`);
    const o = args.optimizer;
    if (typeof o === 'string' ? !OPTIMIZER_NAMES.includes(o) : !(o && typeof o === 'object' && typeof o.apply === 'function')) {
      throw new Error(`unknown optimizer ${typeof o === 'string' ? `'${o}'` : String(o)}; expected one of ${OPTIMIZER_NAMES.join(', ')} or an optimizer from optimizers.*`);
    }
    const isLossValue = (v: unknown) => typeof v === 'string' || typeof v === 'function';
    const losses = this.#perOutput<LossSpec>(args.loss, 'loss', isLossValue);
    losses.forEach((l, i) => {
      if (l === undefined) throw new Error(`model '${this.name}'.compile: no loss for output '${this.outputNames[i]}'`);
      if (typeof l === 'function') {
        if (l.length > 2) throw new Error(`model '${this.name}'.compile: a loss function takes (yTrue, yPred); this one declares ${l.length} parameters`);
        return;
      }
      if (!LOSS_NAMES.includes(l)) throw new Error(`unknown loss '${String(l)}'${this.outputs.length > 1 ? ` for output '${this.outputNames[i]}'` : ''}; expected meanSquaredError (mse), meanAbsoluteError (mae) or binaryCrossentropy`);
    });
    const lossWeights = args.lossWeights === undefined ? losses.map(() => 1) : this.#perOutput<number>(args.lossWeights, 'lossWeights', (v) => typeof v === 'number').map((w) => w ?? 1);
    lossWeights.forEach((w, i) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new Error(`model '${this.name}'.compile: lossWeights for output '${this.outputNames[i]}' must be a finite number ≥ 0, got ${JSON.stringify(w)}`);
    });
    const metrics = args.metrics ?? [];
    if (!Array.isArray(metrics)) throw new Error(`model '${this.name}'.compile: metrics must be a list of metric names, got ${JSON.stringify(metrics)}`);
    for (const m of metrics) for (const t of this.outputs) checkMetric(m, t.sampleShape);
    if (this.isTraining) throw new Error(`model '${this.name}' is training; compile() it after fit() returns`);
    this.optimizer?.dispose();
    this.optimizer = typeof o === 'string' ? null : o;
    this.optimizerName = typeof o === 'string' ? o : null;
    this.compiled = { losses, lossWeights, metrics: [...metrics] };
  }

  /** The per-output loss names (one per output), or null before compile(). */
  get loss(): LossSpec | LossSpec[] | null {
    if (!this.compiled) return null;
    return this.outputs.length === 1 ? this.compiled.losses[0] : this.compiled.losses;
  }

  get metrics(): MetricName[] {
    return this.compiled?.metrics ?? [];
  }

  // ---- As a layer inside another model ----------------------------------------------------

  override get arity(): number | 'list' {
    return this.inputs.length === 1 ? 1 : 'list';
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = this.inputs.length === 1 ? [inputShape as Shape] : (inputShape as Shape[]);
    shapes.forEach((s, i) => {
      if (formatShape(s) !== formatShape(this.inputs[i].sampleShape)) throw new Error(`model '${this.name}' takes input '${this.inputNames[i]}' of shape ${formatShape(this.inputs[i].sampleShape)} per sample, got ${formatShape(s)}`);
    });
    const out = this.outputs.map((t) => t.sampleShape);
    return out.length === 1 ? out[0] : out;
  }

  override run(inputs: readonly Tensor[], state: CallState): Tensor[] {
    const pass = forwardPass(this, inputs, state);
    state.nested = pass;
    // An output that is one of the inputs is handed on as a view, so that freeing it frees nothing of the caller's.
    return outputsOf(pass).map((t) => (pass.made.has(t) ? t : t.reshape(t.shape)));
  }

  override runBackward(dys: readonly Tensor[], _inputs: readonly Tensor[], _outputs: readonly Tensor[], state: CallState, needInputGrads: readonly boolean[]): (Tensor | null)[] {
    return backwardPass(state.nested as Pass, dys, needInputGrads);
  }

  override getConfig(): Json {
    throw new Error(`model '${this.name}': a model's config is its topology; save it with model.save()`);
  }

  static override fromConfig(): Layer {
    throw new Error('a model is read from its topology: use loadModel()');
  }

  // ---- Running, training, saving ----------------------------------------------------------

  /**
   * The model's outputs for x as GPU tensors [N, ...outputShape] (read them with .data()): one
   * tensor, or a list when the model's outputs were given as a list. x is one Data, a list (one per
   * input) or an object keyed by input name.
   */
  async predict(x: DataArg, args: PredictArgs = {}): Promise<Prediction<O>> {
    const outputs = await predict(this, x, args);
    return (this.outputsAsList ? outputs : outputs[0]) as Prediction<O>;
  }

  /** Trains on (x, y): Keras's fit. Inputs and targets as for predict (targets per output). */
  async fit(x: DataArg, y: DataArg, args: FitArgs = {}): Promise<History> {
    const { fit } = await import('./training.js');
    return fit(this, x, y, args);
  }

  /**
   * Trains on batches from a data set (TF.js's model.fitDataset): an async iterable or iterable of
   * { xs, ys } (or [xs, ys]) in the forms fit() takes. Each batch is uploaded while the GPU trains
   * on the previous one. Without batchesPerEpoch every epoch is one pass over the data set.
   */
  async fitDataset(dataset: Dataset, args: FitDatasetArgs = {}): Promise<History> {
    const { fitDataset } = await import('./training.js');
    return fitDataset(this, dataset, args);
  }

  /**
   * The mean loss over (x, y), the per-output losses and the metrics. With reduction 'none', the
   * compiled loss of each sample instead (mean over its elements, no penalties), as a GPU tensor [N]:
   * an autoencoder's anomaly scores.
   */
  async evaluate(x: DataArg, y: DataArg, args: EvaluateArgs & { reduction: 'none' }): Promise<Tensor<'float32'>>;
  async evaluate(x: DataArg, y: DataArg, args?: EvaluateArgs & { reduction?: 'mean' }): Promise<Logs>;
  async evaluate(x: DataArg, y: DataArg, args: EvaluateArgs & { reduction?: 'mean' | 'none' } = {}): Promise<Logs | Tensor<'float32'>> {
    const { evaluate } = await import('./training.js');
    return evaluate(this, x, y, args);
  }

  /**
   * One training step on one batch. Returns its loss; with several outputs or metrics, TF.js's
   * list: [total, each output's loss (several outputs only), each metric].
   */
  async trainOnBatch(x: DataArg, y: DataArg, args: { scale?: number; seed?: number } = {}): Promise<number | number[]> {
    const { trainOnBatch } = await import('./training.js');
    return trainOnBatch(this, x, y, args);
  }

  /**
   * Saves in TensorFlow.js's layers format (model.json + binary weight shards): 'file://dir' in
   * Node, 'downloads://name' or 'indexeddb://name' in a browser, or an IOHandler.
   */
  async save(destination: string | IOHandler): Promise<SaveResult> {
    const { saveModel } = await import('./io/index.js');
    return saveModel(this, destination);
  }

  /** Loads weights saved by save() (or TF.js) into this model; on any error the weights are unchanged. */
  async loadWeights(source: string | IOHandler): Promise<void> {
    const { loadWeightsInto } = await import('./io/index.js');
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
  override async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.weights.map((w) => w.value.data() as Promise<Float32Array>));
  }

  /** Replaces all weights; every shape is checked first, so a bad list changes nothing. */
  override setWeights(values: readonly Float32Array[]): void {
    const weights = this.weights;
    if (!Array.isArray(values) || values.length !== weights.length) throw new Error(`model '${this.name}' has ${weights.length} weights, got ${Array.isArray(values) ? values.length : typeof values} arrays`);
    weights.forEach((w, i) => {
      if (!(values[i] instanceof Float32Array) || values[i].length !== w.value.size) throw new Error(`model '${this.name}': weight '${w.name}' has shape ${formatShape(w.shape)} (${w.value.size} values), got ${values[i]?.length ?? typeof values[i]}`);
    });
    const owner = new Map<Weight, Layer>();
    const walk = (m: AnyModel) => {
      for (const l of m.layers) {
        if (l instanceof Model) walk(l);
        else for (const w of l.weights) owner.set(w, l);
      }
    };
    walk(this);
    // Layer by layer, so that each layer checks and writes its own (in place: optimizer slots refer to the buffers).
    const byLayer = new Map<Layer, Float32Array[]>();
    weights.forEach((w, i) => {
      const l = owner.get(w)!;
      byLayer.set(l, [...(byLayer.get(l) ?? []), values[i]]);
    });
    for (const [layer, vs] of byLayer) layer.setWeights(vs);
  }
}

/** Keras's functional model: model({ inputs, outputs }), each a tensor or a list. */
export function model<O extends Outputs>(args: { inputs: SymbolicTensor | readonly SymbolicTensor[]; outputs: O; name?: string }): Model<O> {
  return new Model<O>(args);
}

/**
 * Keras's Sequential: a chain of layers, each called once on the previous one's output. As in Keras
 * and TF.js its `layers` leave out the InputLayer (a functional model's keep theirs), and it saves
 * as TF.js's 'Sequential' topology (the layer list, the input shape on the first layer).
 */
export class Sequential extends Model {
  static override readonly className = 'Sequential';
  #layers: readonly Layer[] | undefined;

  constructor(args: { inputs: SymbolicTensor; outputs: SymbolicTensor; name?: string }) {
    super(args);
    if (!this.isChain) throw new Error(`Sequential '${this.name}': its layers must form a chain, each called once on the previous one's output (use model() for other graphs)`);
  }

  override get layers(): readonly Layer[] {
    return (this.#layers ??= this.allLayers.filter((l) => !(l instanceof InputLayer)));
  }
}

/** Keras's Sequential as a function: the layers applied in order to an input named after the first (as TF.js names it). */
export function sequential(args: { layers: Layer[]; inputShape?: Shape; name?: string }): Sequential {
  const shape = args.inputShape ?? args.layers[0]?.declaredInputShape;
  if (!shape) throw new Error('sequential: give inputShape (or inputShape on the first layer)');
  const x = symbolicInput({ shape, name: args.layers[0] && `${args.layers[0].name}_input` });
  let y = x;
  for (const layer of args.layers) y = layer.apply(y);
  return new Sequential({ inputs: x, outputs: y, name: args.name });
}

