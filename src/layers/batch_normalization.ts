// BatchNormalization (Keras): y = (x − μ)/sqrt(σ² + ε)·γ + β per channel of `axis`. Training uses
// the batch's mean and biased variance, and moves the moving averages towards them on the GPU in
// the same forward pass (moving ← moving − (moving − stat)·(1 − momentum)), so a training step needs
// no readback and no hook; predicting uses the moving averages. gamma and beta are trainable,
// movingMean and movingVariance are not (Keras's weight order: gamma, beta, movingMean, movingVariance).
// Backward, with N elements per channel and x̂ = (x − μ)/σ:
//   dβ = Σ dy     dγ = Σ dy·x̂     dx = γ/σ·(dy − dβ/N − x̂·dγ/N)   (batch statistics depend on x)
//   dx = γ/σ·dy                                                      (moving averages are constants)
// As in Keras (not TF.js), a layer with trainable = false normalizes with its moving averages even
// when the model trains, and leaves them as they are.
import { Layer, Weight, checkOptions, shapeError, type CallState, type LayerConfig } from './layer.js';
import { batchNorm, batchNormBackward, batchNormStats } from '../ops/batch_norm.js';
import { checkInitializer, type InitializerSpec } from '../initializers.js';
import type { L1L2 } from '../ops/regularizers.js';
import type { Shape, Tensor } from '../tensor.js';
import { ConfigReader, serializeInitializer, serializeRegularizer, type Json } from './config.js';

export interface BatchNormalizationConfig extends LayerConfig {
  /** The normalized (channel) axis, counting the batch axis as 0; negative counts from the end. Default -1. */
  axis?: number;
  /** Default 0.99. */
  momentum?: number;
  /** Default 1e-3. */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
  betaRegularizer?: L1L2;
  gammaRegularizer?: L1L2;
}

const OPTIONS = [
  'axis', 'momentum', 'epsilon', 'center', 'scale',
  'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer',
];

export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Weight | null = null;
  beta: Weight | null = null;
  movingMean!: Weight;
  movingVariance!: Weight;

  constructor(readonly config: BatchNormalizationConfig = {}) {
    super(config);
    checkOptions('batchNormalization', config, OPTIONS);
    this.axis = config.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`batchNormalization: axis must be an integer, got ${JSON.stringify(config.axis)}`);
    if (this.axis === 0) throw new Error('batchNormalization: axis 0 is the batch axis; normalize along a feature axis (e.g. -1, the channels)');
    this.momentum = config.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`batchNormalization: momentum must be in [0, 1], got ${config.momentum}`);
    this.epsilon = config.epsilon ?? 1e-3;
    if (!(this.epsilon > 0 && Number.isFinite(this.epsilon))) throw new Error(`batchNormalization: epsilon must be a positive number, got ${config.epsilon}`);
    this.center = config.center ?? true;
    this.scale = config.scale ?? true;
    for (const key of ['betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer'] as const) {
      if (config[key] !== undefined) checkInitializer(config[key], `batchNormalization: ${key}`);
    }
  }

  /** The normalized axis within a sample's shape (the batch axis excluded). */
  #sampleAxis(inputShape: Shape): number {
    const rank = inputShape.length + 1;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 1 || axis >= rank) throw shapeError(this, inputShape, `axis ${this.axis} does not exist in an input of rank ${rank} (batch included)`);
    return axis - 1;
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.#sampleAxis(inputShape);
    return inputShape;
  }

  protected override build(inputShape: Shape): void {
    const shape = [inputShape[this.#sampleAxis(inputShape)]];
    const c = this.config;
    if (this.scale) this.gamma = this.addWeight('gamma', shape, c.gammaInitializer ?? 'ones', c.gammaRegularizer);
    if (this.center) this.beta = this.addWeight('beta', shape, c.betaInitializer ?? 'zeros', c.betaRegularizer);
    this.movingMean = this.addWeight('moving_mean', shape, c.movingMeanInitializer ?? 'zeros', undefined, false);
    this.movingVariance = this.addWeight('moving_variance', shape, c.movingVarianceInitializer ?? 'ones', undefined, false);
  }

  /** Batch statistics when training a trainable layer; the moving averages otherwise (Keras). */
  #usesBatchStats(state: CallState): boolean {
    return state.training && this.trainable;
  }

  #options(x: Tensor) {
    return { axis: this.#sampleAxis(x.shape.slice(1)) + 1, epsilon: this.epsilon, gamma: this.gamma?.value ?? null, beta: this.beta?.value ?? null };
  }

  forward(x: Tensor, state: CallState): Tensor {
    const o = this.#options(x);
    if (!this.#usesBatchStats(state)) return batchNorm(x, this.movingMean.value, this.movingVariance.value, o);
    const { mean, variance } = batchNormStats(x, o.axis, { mean: this.movingMean.value, variance: this.movingVariance.value, momentum: this.momentum, update: true });
    // Kept for backward; the model frees state.saved after the step.
    state.saved.push(mean, variance);
    return batchNorm(x, mean, variance, o);
  }

  backward(dy: Tensor, x: Tensor, _y: Tensor, state: CallState, needInputGrad: boolean): Tensor | null {
    const training = this.#usesBatchStats(state);
    const [mean, variance] = training ? state.saved.slice(-2) : [this.movingMean.value, this.movingVariance.value];
    const { dx, dgamma, dbeta } = batchNormBackward(x, dy, mean, variance, { ...this.#options(x), training, needDx: needInputGrad });
    if (this.gamma) this.addGrad(this.gamma, dgamma);
    else dgamma.dispose();
    if (this.beta) this.addGrad(this.beta, dbeta);
    else dbeta.dispose();
    return dx;
  }

  override getConfig(): Json {
    const c = this.config;
    return {
      axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      betaInitializer: serializeInitializer(c.betaInitializer ?? 'zeros'), gammaInitializer: serializeInitializer(c.gammaInitializer ?? 'ones'),
      movingMeanInitializer: serializeInitializer(c.movingMeanInitializer ?? 'zeros'), movingVarianceInitializer: serializeInitializer(c.movingVarianceInitializer ?? 'ones'),
      betaRegularizer: serializeRegularizer(c.betaRegularizer), gammaRegularizer: serializeRegularizer(c.gammaRegularizer),
      betaConstraint: null, gammaConstraint: null,
      ...super.getConfig(),
    };
  }

  static override fromConfig(config: Json): BatchNormalization {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (BatchNormalization)`);
    r.only('betaConstraint');
    r.only('gammaConstraint');
    r.only('renorm', false);
    r.only('synchronized', false);
    // Keras writes axis as a list of one for the usual channel axis.
    const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis;
    return new BatchNormalization({
      ...r.base(),
      axis: axis as number | undefined,
      momentum: r.optional('momentum'),
      epsilon: r.optional('epsilon'),
      center: r.optional('center'),
      scale: r.optional('scale'),
      betaInitializer: r.initializer('betaInitializer'),
      gammaInitializer: r.initializer('gammaInitializer'),
      movingMeanInitializer: r.initializer('movingMeanInitializer'),
      movingVarianceInitializer: r.initializer('movingVarianceInitializer'),
      betaRegularizer: r.regularizer('betaRegularizer'),
      gammaRegularizer: r.regularizer('gammaRegularizer'),
    });
  }

}

export function batchNormalization(config: BatchNormalizationConfig = {}): BatchNormalization {
  return new BatchNormalization(config);
}
