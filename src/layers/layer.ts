// The layer contract (Keras 3's dense.py shape): config in the constructor, computeOutputShape,
// lazy build (parameter init on first apply), forward, backward, and its own (de)serialization
// (getConfig, static fromConfig). Most layers take one input and give one output and write
// forward/backward for one tensor; layers with several inputs (merges) or outputs (nested models)
// override run/runBackward, which the model calls for every node. Shapes exclude the batch dimension.
import { type L1L2 } from '../ops/regularizers.js';
import type { FusedUpdate } from '../ops/matmul.js';
import { formatShape, type Shape, Tensor, tensor, sizeOf, write } from '../tensor.js';
import { binary } from '../ops/binary.js';
import { ACTIVATION_NAMES, activationBackward, isActivationName, type ActivationName } from '../ops/activation.js';
import { SymbolicTensor, recordNode } from '../graph.js';
import { makeInitializer, type InitializerSpec } from '../initializers.js';
import { ConfigReader, serializeRegularizer, type Json } from './config.js';
import { addCallLoss, addTapeCallLosses, inferOutputShapes, runTapeBackward, runTapeCall } from './tape_call.js';

export interface LayerConfig {
  name?: string;
  trainable?: boolean;
  /** Penalty on the layer's output, added to the loss (the sparse autoencoder's L1). */
  activityRegularizer?: L1L2;
  /** Declares the input shape when the layer is the first of a model (Keras's input_shape). */
  inputShape?: Shape;
}

/** A parameter tensor of a layer and, during a training step, its gradient. */
export class Weight {
  grad: Tensor | null = null;
  /**
   * During a training step, where the optimizer allows it: its update, for the layer to apply in
   * the GEMM that computes the gradient instead of setting `grad` (Dense does; see matmulUpdate).
   */
  update: FusedUpdate | null = null;
  constructor(
    readonly name: string,
    readonly value: Tensor,
    /** False for state the optimizer never moves (BatchNormalization's moving averages). */
    private readonly ownTrainable: boolean,
    readonly regularizer?: L1L2,
    private readonly layer?: { readonly trainable: boolean },
  ) {}

  /** Whether the optimizer trains it: a trainable weight of a layer that is trainable now (Keras lets `layer.trainable` change after build). */
  get trainable(): boolean {
    return this.ownTrainable && (this.layer?.trainable ?? true);
  }

  get shape(): Shape {
    return this.value.shape;
  }
}

/** Per-call scratch: what forward keeps for backward (e.g. MaxPool's argmax), freed after the step. */
/** What call() is told besides its inputs: whether the model trains, and the training step (for random draws). */
export interface CallKwargs {
  training: boolean;
  step: number;
}

/** A loss added with addLoss(fn): a scalar computed in each training step (Keras's add_loss). */
export interface AddedLoss {
  fn: () => Tensor;
  /** Its key in History. */
  name: string;
}

export interface CallState {
  training: boolean;
  /** Seed and step for the random layers (noise, dropout), so a step can be replayed. */
  seed: number;
  step: number;
  saved: Tensor[];
  /** A nested model's own pass (src/execution.ts), freed with the outer one. */
  nested?: unknown;
  /**
   * Set by a training step whose loss kernel applied this call's output activation derivative
   * (Layer.outputActivation): the dy backward() gets is already dL/d(pre-activation).
   */
  dyPreActivation?: boolean;
  /**
   * Set by a training step for a layer that folds in its input's activation (Layer.foldsInputActivation):
   * the activation of the layer whose output this call reads, whose derivative backward() applies
   * to dx in its own pass (that layer's call has dyPreActivation set).
   */
  inputActivation?: ActivationName;
}

const nameCounts = new Map<string, number>();

/** Keras-style unique names: dense, dense_1, dense_2… per class, per program. */
function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

function snake(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** What registerLayer() and the model loader need of a layer class. */
export interface LayerClass {
  /** Keras's class name, as saved in model.json (e.g. 'Dense'). */
  readonly className: string;
  fromConfig(config: Json): Layer;
}

/** Keys of every layer's saved config that Layer itself reads (ConfigReader.base()), not the subclass. */
const BASE_CONFIG_KEYS: readonly string[] = ['name', 'trainable', 'dtype', 'batchInputShape', 'batchShape', 'batchSize', 'activityRegularizer', 'inputShape'];

export abstract class Layer {
  /** Keras's class name; each subclass declares `static readonly className`. */
  static readonly className: string = 'Layer';
  readonly name: string;
  trainable: boolean;
  readonly activityRegularizer?: L1L2;
  readonly declaredInputShape?: Shape;
  /** The parameters this layer created (addWeight), in creation order. */
  protected readonly ownWeights: Weight[] = [];
  /** The per-sample input shapes it was built for, one per input; null until first applied. */
  inputShapes: Shape[] | null = null;

  constructor(config: LayerConfig = {}) {
    const className = (new.target as unknown as LayerClass).className;
    this.name = config.name ?? uniqueName(snake(className));
    this.trainable = config.trainable ?? true;
    this.activityRegularizer = config.activityRegularizer;
    this.declaredInputShape = config.inputShape;
  }

  /** Every weight of the layer, in Keras's order (kernel, then bias). */
  get weights(): Weight[] {
    return this.ownWeights;
  }

  /** Keras's class name, used by summary() and the saved model (e.g. 'Dense'). */
  get className(): string {
    return (this.constructor as unknown as LayerClass).className;
  }

  get built(): boolean {
    return this.inputShapes !== null;
  }

  /** The input shape of a one-input layer once built. */
  get inputShape(): Shape | null {
    return this.inputShapes?.[0] ?? null;
  }

  /** How many inputs apply() takes: 1, or 'list' for layers that take a list (merges). */
  get arity(): number | 'list' | 'any' {
    // A layer written as ops takes what its call() takes: one tensor or a list.
    return this.call ? 'any' : 1;
  }

  /** Whether apply() gave a call()-layer a list (call() then gets a list at run time too). */
  private callTakesList = false;

  /** The output shape for an input shape (a list of shapes for a layer that takes a list), or an error naming the layer. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (!this.call) throw new Error(`layer '${this.name}' (${this.className}) defines neither computeOutputShape() nor call()`);
    // A layer written as ops: build it (call() may use its weights), then run call() on a batch of one.
    const asList = Array.isArray((inputShape as unknown[])[0]);
    const shapes = asList ? (inputShape as Shape[]) : [inputShape as Shape];
    if (!this.inputShapes) {
      this.build(inputShape);
      this.inputShapes = shapes;
    }
    const out = inferOutputShapes(`layer '${this.name}' (${this.className})`, (x) => this.call!(x, { training: false, step: 0 }), shapes, asList);
    return out.length === 1 ? out[0] : out;
  }

  /**
   * A layer written as ops defines call() instead of forward/backward: its outputs from its
   * input (a list for several), in ops (add, matMul, exp, …); its backward pass comes from the
   * gradient tape. build() and addWeight() work as for any layer; addLoss(tensor) inside call()
   * adds a loss computed from the call's tensors.
   */
  call?(inputs: Tensor | Tensor[], kwargs: CallKwargs): Tensor | Tensor[];

  /** Losses added with addLoss(fn), computed in every training step. */
  readonly addedLosses: AddedLoss[] = [];

  /**
   * Keras's add_loss. Inside call(): a scalar tensor computed from the call's tensors. Elsewhere: a
   * function returning a scalar, computed in each training step from the weights or (for a model)
   * from its symbolic tensors, which stand for their values in that step; `name` is its key in History.
   */
  addLoss(loss: Tensor | (() => Tensor), name?: string): void {
    const what = `layer '${this.name}' (${this.className})`;
    if (loss instanceof Tensor) return addCallLoss(what, loss);
    if (typeof loss !== 'function') throw new Error(`${what}.addLoss takes a function returning a scalar tensor (or, inside call(), a scalar tensor), got ${loss === null ? 'null' : typeof loss}`);
    const key = name ?? `${this.name}_loss${this.addedLosses.length ? `_${this.addedLosses.length}` : ''}`;
    if (typeof key !== 'string' || !/^[\w.]+$/.test(key) || key === 'loss') throw new Error(`${what}.addLoss: name must be letters, digits, _ or . and not 'loss', got ${JSON.stringify(name)}`);
    this.addedLosses.push({ fn: loss, name: key });
  }

  /** Creates the parameters for this input shape (called once, on first apply). */
  protected build(_inputShape: Shape | Shape[]): void {}

  /** y = layer(x) for a batch; x is [batch, ...inputShape]. */
  forward(_x: Tensor, _state: CallState): Tensor {
    throw new Error(`layer '${this.name}' (${this.className}) defines no forward()`);
  }

  /**
   * The elementwise activation that ends forward() and whose derivative is the first thing
   * backward() applies to dy (through activationGradient); null where there is none. A training
   * step may fold that derivative into the loss's gradient kernel (src/execution.ts
   * lossFusableActivation), saving the layer a pass over its output.
   */
  get outputActivation(): ActivationName | null {
    return null;
  }

  /**
   * Whether backward() can multiply dx by the derivative of the activation its input came out of
   * (state.inputActivation), so that the layer that made the input skips that pass.
   */
  get foldsInputActivation(): boolean {
    return false;
  }

  /**
   * dz = dy·act'(y) for backward(), or a view of dy where the loss kernel or the next layer applied
   * the derivative already (state.dyPreActivation). Either way the caller disposes dz.
   */
  protected activationGradient(y: Tensor, dy: Tensor, activation: ActivationName, state: CallState): Tensor {
    return state.dyPreActivation ? dy.reshape(dy.shape) : activationBackward(y, dy, activation);
  }

  /**
   * Given dL/dy, sets the gradients of this layer's weights (addGrad) and returns dL/dx, or null
   * when needInputGrad is false (the model's input needs no gradient).
   */
  backward(_dy: Tensor, _x: Tensor, _y: Tensor, _state: CallState, _needInputGrad: boolean): Tensor | null {
    throw new Error(`layer '${this.name}' (${this.className}) defines no backward()`);
  }

  /** One call on a batch: the outputs for the inputs (one each for most layers). */
  run(inputs: readonly Tensor[], state: CallState): Tensor[] {
    if (this.call) {
      const what = `layer '${this.name}' (${this.className})`;
      const shapes = this.computeOutputShapes();
      return runTapeCall(what, () => this.call!(this.callTakesList ? [...inputs] : inputs[0], { training: state.training, step: state.step }), inputs, this.weights, state, shapes);
    }
    return [this.forward(inputs[0], state)];
  }

  /**
   * The backward pass of one call: from dL/d(each output), sets the weights' gradients and returns
   * dL/d(each input), null where needInputGrads says it is not wanted.
   */
  runBackward(dys: readonly Tensor[], inputs: readonly Tensor[], outputs: readonly Tensor[], state: CallState, needInputGrads: readonly boolean[]): (Tensor | null)[] {
    if (this.call) return runTapeBackward(`layer '${this.name}' (${this.className})`, state, dys, needInputGrads);
    return [this.backward(dys[0], inputs[0], outputs[0], state, needInputGrads[0])];
  }

  /** Adds penalties of one call that depend on its output (e.g. Dense's contractive term) to loss[lossIndex]. */
  addCallPenalty(_y: Tensor, loss: Tensor, lossIndex: number, state?: CallState): void {
    if (this.call && state) addTapeCallLosses(state, loss, lossIndex);
  }

  /** The per-sample output shapes the graph was built with (for checking what call() returns). */
  private computeOutputShapes(): Shape[] | undefined {
    if (!this.inputShapes) return undefined;
    const out = this.computeOutputShape(this.callTakesList ? this.inputShapes : this.inputShapes[0]);
    return Array.isArray((out as unknown[])[0]) ? (out as Shape[]) : [out as Shape];
  }

  /**
   * The layer's full Keras config in TF.js's camelCase (what model.json stores, in snake_case).
   * Subclasses add their options to this base: `{ ...own, ...super.getConfig() }`.
   */
  getConfig(): Json {
    return {
      name: this.name,
      trainable: this.trainable,
      dtype: 'float32',
      ...(this.declaredInputShape ? { batchInputShape: [null, ...this.declaredInputShape] } : {}),
      ...(this.activityRegularizer ? { activityRegularizer: serializeRegularizer(this.activityRegularizer) } : {}),
    };
  }

  /**
   * A layer from its config (getConfig()'s output, or model.json's config in camelCase). The
   * default passes the config to the constructor, as TF.js does; layers with options that need
   * decoding or checking override it.
   */
  static fromConfig(this: new (config: Json) => Layer, config: Json): Layer {
    const what = `layer '${String(config?.name)}' (${(this as unknown as LayerClass).className})`;
    const base = new ConfigReader(config, what).base();
    const own = Object.fromEntries(Object.entries(config).filter(([k]) => !BASE_CONFIG_KEYS.includes(k)));
    return new this({ ...own, ...base });
  }

  /** Records this layer in the graph: returns the symbolic output. Builds the layer on first use. */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    const outputs = this.applyAll(inputs);
    if (outputs.length !== 1) throw new Error(`layer '${this.name}' (${this.className}) has ${outputs.length} outputs; use applyAll() to get them all`);
    return outputs[0];
  }

  /** apply() for layers with several outputs: every symbolic output, in order. */
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    const what = `layer '${this.name}' (${this.className})`;
    const list = Array.isArray(inputs) ? [...(inputs as readonly SymbolicTensor[])] : [inputs as SymbolicTensor];
    if (this.arity === 'list' && !Array.isArray(inputs)) throw new Error(`${what} takes a list of tensors, e.g. ${this.className.toLowerCase()}.apply([a, b]); got one tensor`);
    if (typeof this.arity === 'number' && list.length !== this.arity) throw new Error(`${what} takes ${this.arity === 1 ? 'one tensor' : `${this.arity} tensors`}, got a list of ${list.length}`);
    for (const t of list) {
      if (!(t instanceof SymbolicTensor)) throw new Error(`${what}.apply() takes symbolic tensors from input() or another layer's apply(), got ${t === null ? 'null' : typeof t === 'object' ? (t as object).constructor?.name : typeof t}`);
    }
    const shapes = list.map((t) => t.sampleShape);
    if (this.inputShapes && shapes.map(formatShape).join() !== this.inputShapes.map(formatShape).join()) {
      throw new Error(`${what} was built for input shape ${this.inputShapes.map(formatShape).join(', ')} and cannot take ${shapes.map(formatShape).join(', ')}`);
    }
    if (this.arity === 'any') this.callTakesList = Array.isArray(inputs);
    const arg = this.arity === 'list' || (this.arity === 'any' && Array.isArray(inputs)) ? shapes : shapes[0];
    const out = this.computeOutputShape(arg);
    const outputShapes = Array.isArray(out[0]) ? (out as Shape[]) : [out as Shape];
    if (!this.inputShapes) {
      this.build(arg);
      this.inputShapes = shapes;
    }
    return recordNode(this, list, outputShapes);
  }

  /** Adds a parameter, initialised now (weights are created on the CPU once, then live on the GPU). */
  protected addWeight(name: string, shape: Shape, initializer: InitializerSpec, regularizer?: L1L2, trainable = true): Weight {
    const values = makeInitializer(initializer)(shape);
    const weight = new Weight(`${this.name}/${name}`, tensor(values, shape), trainable, regularizer, this);
    this.ownWeights.push(weight);
    return weight;
  }

  /** Sets (or, when the layer is used twice in a step, adds to) a weight's gradient. */
  protected addGrad(weight: Weight, grad: Tensor): void {
    if (!weight.grad) weight.grad = grad;
    else {
      const sum = binary('add', weight.grad, grad);
      weight.grad.dispose();
      grad.dispose();
      weight.grad = sum;
    }
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + sizeOf(w.shape), 0);
  }

  /** Parameters the optimizer trains (summary()'s "Trainable params"). */
  countTrainableParams(): number {
    return this.weights.reduce((n, w) => n + (w.trainable ? sizeOf(w.shape) : 0), 0);
  }

  /** The weights as Float32Arrays, in Keras's layouts and order (kernel, then bias). */
  async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.weights.map((w) => w.value.data() as Promise<Float32Array>));
  }

  /** Replaces the weights; checks every shape first, so a bad list changes nothing. */
  setWeights(values: readonly Float32Array[]): void {
    if (values.length !== this.weights.length) throw new Error(`layer '${this.name}' has ${this.weights.length} weights, got ${values.length} arrays`);
    values.forEach((v, i) => {
      const w = this.weights[i];
      if (v.length !== sizeOf(w.shape)) throw new Error(`layer '${this.name}' weight '${w.name}' has shape ${formatShape(w.shape)} (${sizeOf(w.shape)} values), got ${v.length} values`);
    });
    // In place: optimizer slots and cached bind groups refer to these buffers.
    values.forEach((v, i) => write(this.weights[i].value, v));
  }
}

/** Options every layer takes (LayerConfig). */
const LAYER_OPTIONS: readonly string[] = ['name', 'trainable', 'activityRegularizer', 'inputShape'];

/**
 * Throws for an option a layer does not know or does not support, when it is constructed: TF.js
 * ignores a misspelt option, and the model then trains with the default instead.
 */
export function checkOptions(layer: string, config: object, own: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (!LAYER_OPTIONS.includes(key) && !own.includes(key)) throw new Error(`${layer}: unknown option '${key}'; it takes ${[...own, ...LAYER_OPTIONS].join(', ')}`);
  }
}

/** Throws for an activation name that is not one of ours, naming the layer. */
export function checkLayerActivation(layer: string, name: unknown): asserts name is ActivationName {
  if (!isActivationName(name)) throw new Error(`${layer}: unknown activation ${typeof name === 'string' ? `'${name}'` : JSON.stringify(name) ?? String(name)}; expected one of ${ACTIVATION_NAMES.join(', ')}`);
}

/** Throws an error naming the layer, for shapes it cannot take. */
export function shapeError(layer: { name: string; className: string }, inputShape: Shape, why: string): Error {
  return new Error(`layer '${layer.name}' (${layer.className}) cannot take input shape ${formatShape(inputShape)}: ${why}`);
}
