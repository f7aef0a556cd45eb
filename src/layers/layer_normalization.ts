// LayerNormalization (Keras/TF.js) over the last axis: each sample's row of features is normalized
// with its own mean and biased variance, y = (x − μ)/sqrt(σ² + ε)·γ + β, in training and
// inference alike (no moving statistics). Backward, with F features per row and x̂ = (x − μ)/σ,
// g = dy·γ:   dx = (g − mean(g) − x̂·mean(g·x̂))/σ    dγ = Σ_rows dy·x̂    dβ = Σ_rows dy.
import { Layer, Weight, checkOptions, shapeError, type CallState, type LayerConfig } from './layer.js';
import { layerNorm, layerNormBackward } from '../ops/batch_norm.js';
import { checkInitializer, type InitializerSpec } from '../initializers.js';
import type { L1L2 } from '../ops/regularizers.js';
import type { Shape, Tensor } from '../tensor.js';

export interface LayerNormalizationConfig extends LayerConfig {
  /** Only the last axis (-1, the default) is supported. */
  axis?: number;
  /** Default 1e-3. */
  epsilon?: number;
  /** Default true. */
  center?: boolean;
  /** Default true. */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  betaRegularizer?: L1L2;
  gammaRegularizer?: L1L2;
}

export class LayerNormalization extends Layer {
  static override readonly className = 'LayerNormalization';
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Weight | null = null;
  beta: Weight | null = null;

  constructor(readonly config: LayerNormalizationConfig = {}) {
    super(config);
    checkOptions('LayerNormalization', config, ['axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer']);
    this.axis = config.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`LayerNormalization: axis must be an integer, got ${JSON.stringify(config.axis)}`);
    this.epsilon = config.epsilon ?? 1e-3;
    if (!(this.epsilon > 0 && Number.isFinite(this.epsilon))) throw new Error(`LayerNormalization: epsilon must be a positive number, got ${config.epsilon}`);
    this.center = config.center ?? true;
    this.scale = config.scale ?? true;
    for (const key of ['betaInitializer', 'gammaInitializer'] as const) {
      if (config[key] !== undefined) checkInitializer(config[key], `LayerNormalization: ${key}`);
    }
  }

  computeOutputShape(inputShape: Shape): Shape {
    const rank = inputShape.length + 1;
    if (this.axis !== -1 && this.axis !== rank - 1) throw shapeError(this, inputShape, `axis ${this.axis}: only the last axis (-1 or ${rank - 1}) is supported`);
    if (inputShape.length === 0) throw shapeError(this, inputShape, 'expected at least one feature axis');
    return inputShape;
  }

  protected override build(inputShape: Shape): void {
    const shape = [inputShape[inputShape.length - 1]];
    if (this.scale) this.gamma = this.addWeight('gamma', shape, this.config.gammaInitializer ?? 'ones', this.config.gammaRegularizer);
    if (this.center) this.beta = this.addWeight('beta', shape, this.config.betaInitializer ?? 'zeros', this.config.betaRegularizer);
  }

  forward(x: Tensor, state: CallState): Tensor {
    const { y, mean, variance } = layerNorm(x, { epsilon: this.epsilon, gamma: this.gamma?.value ?? null, beta: this.beta?.value ?? null });
    // Kept for backward; the model frees state.saved after the step.
    state.saved.push(mean, variance);
    return y;
  }

  backward(dy: Tensor, x: Tensor, _y: Tensor, state: CallState, needInputGrad: boolean): Tensor | null {
    const [mean, variance] = state.saved.slice(-2);
    const { dx, dgamma, dbeta } = layerNormBackward(x, dy, mean, variance, { epsilon: this.epsilon, gamma: this.gamma?.value ?? null, needDx: needInputGrad });
    if (this.gamma) this.addGrad(this.gamma, dgamma);
    else dgamma.dispose();
    if (this.beta) this.addGrad(this.beta, dbeta);
    else dbeta.dispose();
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale, ...super.getConfig() };
  }
}

export function layerNormalization(config: LayerNormalizationConfig = {}): LayerNormalization {
  return new LayerNormalization(config);
}
