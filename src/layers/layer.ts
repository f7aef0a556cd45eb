// The layer contract (Keras 3's dense.py shape): config in the constructor, computeOutputShape,
// lazy build (parameter init on first apply), forward, backward, and its own (de)serialization
// (getConfig, static fromConfig). Most layers take one input and give one output and write
// forward/backward for one tensor; layers with several inputs (merges) or outputs (nested models)
// override run/runBackward, which the model calls for every node. Shapes exclude the batch dimension.
import { type L1L2 } from '../ops/regularizers.js';
import { formatShape, type Shape, Tensor, tensor, sizeOf, write } from '../tensor.js';
import { add } from '../ops/elementwise.js';
import { ACTIVATION_NAMES, isActivationName, type ActivationName } from '../ops/activation.js';
import { SymbolicTensor, recordNode } from '../graph.js';
import { makeInitializer, type InitializerSpec } from '../initializers.js';
import { ConfigReader, serializeRegularizer, type Json } from './config.js';

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
export interface CallState {
  training: boolean;
  /** Seed and step for the random layers (noise, dropout), so a step can be replayed. */
  seed: number;
  step: number;
  saved: Tensor[];
  /** A nested model's own pass (src/execution.ts), freed with the outer one. */
  nested?: unknown;
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
  get arity(): number | 'list' {
    return 1;
  }

  /** The output shape for an input shape (a list of shapes for a layer that takes a list), or an error naming the layer. */
  abstract computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[];

  /** Creates the parameters for this input shape (called once, on first apply). */
  protected build(_inputShape: Shape | Shape[]): void {}

  /** y = layer(x) for a batch; x is [batch, ...inputShape]. */
  forward(_x: Tensor, _state: CallState): Tensor {
    throw new Error(`layer '${this.name}' (${this.className}) defines no forward()`);
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
    return [this.forward(inputs[0], state)];
  }

  /**
   * The backward pass of one call: from dL/d(each output), sets the weights' gradients and returns
   * dL/d(each input), null where needInputGrads says it is not wanted.
   */
  runBackward(dys: readonly Tensor[], inputs: readonly Tensor[], outputs: readonly Tensor[], state: CallState, needInputGrads: readonly boolean[]): (Tensor | null)[] {
    return [this.backward(dys[0], inputs[0], outputs[0], state, needInputGrads[0])];
  }

  /** Adds penalties of one call that depend on its output (e.g. Dense's contractive term) to loss[lossIndex]. */
  addCallPenalty(_y: Tensor, _loss: Tensor, _lossIndex: number): void {}

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
    const what = `layer '${String(config.name)}' (${(this as unknown as LayerClass).className})`;
    const own = Object.fromEntries(Object.entries(config).filter(([k]) => !BASE_CONFIG_KEYS.includes(k)));
    return new this({ ...own, ...new ConfigReader(config, what).base() });
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
    if (this.arity !== 'list' && list.length !== this.arity) throw new Error(`${what} takes ${this.arity === 1 ? 'one tensor' : `${this.arity} tensors`}, got a list of ${list.length}`);
    for (const t of list) {
      if (!(t instanceof SymbolicTensor)) throw new Error(`${what}.apply() takes symbolic tensors from input() or another layer's apply(), got ${t === null ? 'null' : typeof t === 'object' ? (t as object).constructor?.name : typeof t}`);
    }
    const shapes = list.map((t) => t.sampleShape);
    if (this.inputShapes && shapes.map(formatShape).join() !== this.inputShapes.map(formatShape).join()) {
      throw new Error(`${what} was built for input shape ${this.inputShapes.map(formatShape).join(', ')} and cannot take ${shapes.map(formatShape).join(', ')}`);
    }
    const arg = this.arity === 'list' ? shapes : shapes[0];
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
      const sum = add(weight.grad, grad);
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
