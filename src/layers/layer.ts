// The layer contract (Keras 3's dense.py shape): config in the constructor, computeOutputShape,
// lazy build (parameter init on first apply), forward, backward. Layers see one input and one
// output; shapes here exclude the batch dimension.
import { type L1L2 } from '../ops/regularizers.js';
import { formatShape, type Shape, Tensor, tensor, sizeOf, write } from '../tensor.js';
import { add } from '../ops/elementwise.js';
import { ACTIVATION_NAMES, isActivationName, type ActivationName } from '../ops/activation.js';
import { SymbolicTensor, recordNode } from '../graph.js';
import { makeInitializer, type InitializerSpec } from '../initializers.js';

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

export abstract class Layer {
  /** Keras's class name, used by summary() and the saved model (e.g. 'Dense'). */
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  readonly activityRegularizer?: L1L2;
  readonly declaredInputShape?: Shape;
  weights: Weight[] = [];
  inputShape: Shape | null = null;

  constructor(config: LayerConfig, className: string) {
    this.name = config.name ?? uniqueName(snake(className));
    this.trainable = config.trainable ?? true;
    this.activityRegularizer = config.activityRegularizer;
    this.declaredInputShape = config.inputShape;
  }

  get built(): boolean {
    return this.inputShape !== null;
  }

  /** The output shape for an input shape, or an error naming the layer and the shape. */
  abstract computeOutputShape(inputShape: Shape): Shape;

  /** Creates the parameters for this input shape (called once, on first apply). */
  protected build(_inputShape: Shape): void {}

  /** y = layer(x) for a batch; x is [batch, ...inputShape]. */
  abstract forward(x: Tensor, state: CallState): Tensor;

  /**
   * Given dL/dy, sets the gradients of this layer's weights (addGrad) and returns dL/dx, or null
   * when needInputGrad is false (the model's input needs no gradient).
   */
  abstract backward(dy: Tensor, x: Tensor, y: Tensor, state: CallState, needInputGrad: boolean): Tensor | null;

  /** Adds penalties of one call that depend on its output (e.g. Dense's contractive term) to loss[lossIndex]. */
  addCallPenalty(_y: Tensor, _loss: Tensor, _lossIndex: number): void {}

  /** The layer's options in TF.js's camelCase, for saving. */
  abstract getConfig(): Record<string, unknown>;

  /** Records this layer in the graph: returns the symbolic output. Builds the layer on first use. */
  apply(input: SymbolicTensor): SymbolicTensor {
    if (!(input instanceof SymbolicTensor)) throw new Error(`${this.name}.apply() takes a symbolic tensor from input() or another layer's apply()`);
    const featureShape = input.shape.slice(1) as number[];
    if (this.inputShape && formatShape(this.inputShape) !== formatShape(featureShape)) {
      throw new Error(`layer '${this.name}' (${this.className}) was built for input shape ${formatShape(this.inputShape)} and cannot take ${formatShape(featureShape)}`);
    }
    const outputShape = this.computeOutputShape(featureShape);
    if (!this.inputShape) {
      this.build(featureShape);
      this.inputShape = featureShape;
    }
    return recordNode(this, input, outputShape);
  }

  /** Adds a parameter, initialised now (weights are created on the CPU once, then live on the GPU). */
  protected addWeight(name: string, shape: Shape, initializer: InitializerSpec, regularizer?: L1L2, trainable = true): Weight {
    const values = makeInitializer(initializer)(shape);
    const weight = new Weight(`${this.name}/${name}`, tensor(values, shape), trainable, regularizer, this);
    this.weights.push(weight);
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
