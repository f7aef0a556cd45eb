// Layers written as ops: Lambda (Keras's, a function of the input tensors) and Sampling (the VAE's
// reparameterisation z = zMean + exp(zLogVar / 2)·ε). Their backward passes come from the tape
// (src/layers/tape_call.ts): each only says what it computes, in call().
import { add, exp, mul } from '../math.js';
import { nextSeed } from '../initializers.js';
import { randomNormalTensor } from '../ops/random.js';
import { formatShape, type Shape, type Tensor } from '../tensor.js';
import { Layer, shapeError, type CallKwargs, type LayerConfig } from './layer.js';
import { ConfigReader, type Json } from './config.js';

export interface LambdaConfig extends LayerConfig {
  /** The layer's computation, in ops (add, mul, exp, …): a tensor (or a list) from the input(s). */
  fn: (inputs: Tensor | Tensor[]) => Tensor | Tensor[];
  /** Per-sample output shape; found by running fn on a batch of one when omitted. */
  outputShape?: Shape | Shape[];
}

/** Keras's Lambda: a function of tensors as a layer, differentiated by the tape. */
export class Lambda extends Layer {
  static override readonly className = 'Lambda';
  readonly fn: LambdaConfig['fn'];
  readonly outputShape?: Shape | Shape[];

  constructor(config: LambdaConfig) {
    super(config);
    if (typeof config?.fn !== 'function') throw new Error(`layers.lambda: fn must be a function of the input tensor(s), got ${config?.fn === null ? 'null' : typeof config?.fn}`);
    this.fn = config.fn;
    this.outputShape = config.outputShape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return this.fn(inputs);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.outputShape ?? super.computeOutputShape(inputShape);
  }

  override getConfig(): Json {
    throw new Error(`layer '${this.name}' (Lambda) holds a JavaScript function, which a saved model cannot carry; write a Layer subclass with call() and registerLayer() it to save the model`);
  }
}

export function lambda(config: LambdaConfig): Lambda {
  return new Lambda(config);
}

export interface SamplingConfig extends LayerConfig {
  /** Seeds ε; with the training step it reproduces the draw (default: from setRandomSeed's sequence). */
  seed?: number;
}

/**
 * z = zMean + exp(zLogVar / 2)·ε with ε ~ N(0, 1) drawn on the GPU (Philox, keyed by the layer's
 * seed and the model's step): the reparameterisation that lets a VAE's gradient pass through the
 * sampling. Takes [zMean, zLogVar] of one shape. Samples in training and inference alike (Keras's).
 */
export class Sampling extends Layer {
  static override readonly className = 'Sampling';
  readonly seed: number;

  constructor(config: SamplingConfig = {}) {
    super(config);
    const seed = config.seed ?? nextSeed();
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`layers.sampling: seed must be a non-negative integer, got ${seed}`);
    this.seed = seed;
  }

  /** ε of a call with `batch` rows at training step `step` (what call() draws). */
  epsilon(shape: Shape, step: number): Tensor {
    return randomNormalTensor(shape, { seed: this.seed, step });
  }

  override call(inputs: Tensor | Tensor[], { step }: CallKwargs): Tensor {
    const [zMean, zLogVar] = inputs as Tensor[];
    return add(zMean, mul(exp(mul(0.5, zLogVar)), this.epsilon(zMean.shape, step)));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    if (!Array.isArray(shapes[0]) || shapes.length !== 2 || formatShape(shapes[0]) !== formatShape(shapes[1])) {
      throw shapeError(this, (Array.isArray(shapes[0]) ? shapes[0] : inputShape) as Shape, `Sampling takes [zMean, zLogVar] of one shape, got ${Array.isArray(shapes[0]) ? shapes.map((s) => formatShape(s)).join(' and ') : formatShape(inputShape as Shape)}`);
    }
    return shapes[0];
  }

  override getConfig(): Json {
    return { seed: this.seed, ...super.getConfig() };
  }

  static override fromConfig(config: Json): Sampling {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (Sampling)`);
    return new Sampling({ ...r.base(), seed: typeof config.seed === 'number' ? config.seed : undefined });
  }
}

export function sampling(config: SamplingConfig = {}): Sampling {
  return new Sampling(config);
}
