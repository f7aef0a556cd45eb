// Dense: y = act(x·W + b), one fused GEMM (bias and activation in its epilogue).
// Backward: dz = dy·act'(y); dW = xᵀ·dz; db = Σ_batch dz; dx = dz·Wᵀ.
// Optional contractive penalty λ·‖∂h/∂x‖²_F (the contractive autoencoder's encoder).
import { Layer, Weight, checkLayerActivation, checkOptions, shapeError, type CallState, type LayerConfig } from './layer.js';
import { matmul, biasGrad } from '../ops/matmul.js';
import { activationBackward, type ActivationName } from '../ops/activation.js';
import { contractiveBackward, contractivePenalty } from '../ops/regularizers.js';
import type { L1L2 } from '../ops/regularizers.js';
import { checkInitializer, type InitializerSpec } from '../initializers.js';
import { zeros } from '../ops/fill.js';
import type { Shape, Tensor } from '../tensor.js';

export interface DenseConfig extends LayerConfig {
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: L1L2;
  biasRegularizer?: L1L2;
  /** Weight λ of the contractive penalty λ·‖∂h/∂x‖²_F, averaged over the batch. */
  contractive?: number;
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly contractive: number;
  kernel!: Weight;
  bias: Weight | null = null;

  constructor(readonly config: DenseConfig) {
    super(config, 'Dense');
    checkOptions('dense', config, ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'contractive']);
    if (!Number.isInteger(config.units) || config.units <= 0) throw new Error(`dense: units must be a positive integer, got ${config.units}`);
    this.units = config.units;
    this.activation = config.activation ?? 'linear';
    checkLayerActivation('dense', this.activation);
    if (config.kernelInitializer !== undefined) checkInitializer(config.kernelInitializer, 'dense: kernelInitializer');
    if (config.biasInitializer !== undefined) checkInitializer(config.biasInitializer, 'dense: biasInitializer');
    this.useBias = config.useBias ?? true;
    this.contractive = config.contractive ?? 0;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 1) throw shapeError(this, inputShape, 'Dense takes [features] per sample; add a flatten layer before it');
    return [this.units];
  }

  protected override build(inputShape: Shape): void {
    this.kernel = this.addWeight('kernel', [inputShape[0], this.units], this.config.kernelInitializer ?? 'glorotUniform', this.config.kernelRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.config.biasInitializer ?? 'zeros', this.config.biasRegularizer);
  }

  forward(x: Tensor): Tensor {
    return matmul(x, this.kernel.value, { bias: this.bias?.value, activation: this.activation });
  }

  override addCallPenalty(y: Tensor, loss: Tensor, lossIndex: number): void {
    if (this.contractive > 0) contractivePenalty(y, this.kernel.value, this.activation, this.contractive, { out: loss, outIndex: lossIndex, accumulate: true });
  }

  backward(dy: Tensor, x: Tensor, y: Tensor, _state: CallState, needInputGrad: boolean): Tensor | null {
    let dKernel: Tensor | undefined;
    if (this.contractive > 0) {
      // The penalty depends on h = y and on W: its gradients join dy (before the activation
      // derivative is applied) and dW.
      dKernel = zeros(this.kernel.shape);
      contractiveBackward(y, this.kernel.value, this.activation, this.contractive, dy, dKernel);
    }
    const dz = activationBackward(y, dy, this.activation);
    this.addGrad(this.kernel, matmul(x, dz, { transposeA: true, out: dKernel, accumulate: dKernel !== undefined }));
    if (this.bias) this.addGrad(this.bias, biasGrad(dz));
    const dx = needInputGrad ? matmul(dz, this.kernel.value, { transposeB: true }) : null;
    dz.dispose();
    return dx;
  }

  getConfig(): Record<string, unknown> {
    return { units: this.units, activation: this.activation, useBias: this.useBias, contractive: this.contractive || undefined };
  }
}

export function dense(config: DenseConfig): Dense {
  return new Dense(config);
}
