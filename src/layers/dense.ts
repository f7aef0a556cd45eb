// Dense: y = act(x·W + b), one fused GEMM (bias and activation in its epilogue); softmax, which
// reduces along the units, is its own kernel after the GEMM. On inputs of rank > 2 it applies to the
// last axis (as Keras): x [batch, ..., features] is the GEMM's [batch·..., features], a view.
// Backward: dz = dy·act'(y) (softmax's Jacobian for softmax); dW = xᵀ·dz; db = Σ_rows dz; dx = dz·Wᵀ.
// Where the optimizer hands the kernel its update (Weight.update), the dW GEMM applies it in its
// epilogue, dW never stored; dx, which reads W, is encoded before that.
// Optional contractive penalty λ·‖∂h/∂x‖²_F (the contractive autoencoder's encoder).
import { Layer, Weight, checkLayerActivation, checkOptions, shapeError, type CallState, type LayerConfig } from './layer.js';
import { matmul, matmulUpdate, biasGrad } from '../ops/matmul.js';
import type { ActivationName } from '../ops/activation.js';
import { contractiveBackward, contractivePenalty } from '../ops/regularizers.js';
import type { L1L2 } from '../ops/regularizers.js';
import { checkInitializer, type InitializerSpec } from '../initializers.js';
import { zeros } from '../ops/fill.js';
import { empty, type Shape, type Tensor } from '../tensor.js';
import { softmax, softmaxBackward } from '../ops/softmax.js';
import { ConfigReader, serializeKernelBias, type Json } from './config.js';

export interface DenseConfig extends LayerConfig {
  units: number;
  activation?: ActivationName | 'softmax';
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: L1L2;
  biasRegularizer?: L1L2;
  /** Weight λ of the contractive penalty λ·‖∂h/∂x‖²_F, averaged over the batch. */
  contractive?: number;
}

export class Dense extends Layer {
  static override readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName | 'softmax';
  readonly useBias: boolean;
  readonly contractive: number;
  kernel!: Weight;
  bias: Weight | null = null;

  constructor(readonly config: DenseConfig) {
    super(config);
    checkOptions('dense', config, ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'contractive']);
    if (!Number.isInteger(config.units) || config.units <= 0) throw new Error(`dense: units must be a positive integer, got ${config.units}`);
    this.units = config.units;
    this.activation = config.activation ?? 'linear';
    if (this.activation !== 'softmax') checkLayerActivation('dense', this.activation);
    if (config.kernelInitializer !== undefined) checkInitializer(config.kernelInitializer, 'dense: kernelInitializer');
    if (config.biasInitializer !== undefined) checkInitializer(config.biasInitializer, 'dense: biasInitializer');
    this.useBias = config.useBias ?? true;
    this.contractive = config.contractive ?? 0;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length === 0) throw shapeError(this, inputShape, 'Dense takes [..., features] per sample');
    return [...inputShape.slice(0, -1), this.units];
  }

  protected override build(inputShape: Shape): void {
    this.kernel = this.addWeight('kernel', [inputShape[inputShape.length - 1], this.units], this.config.kernelInitializer ?? 'glorotUniform', this.config.kernelRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.config.biasInitializer ?? 'zeros', this.config.biasRegularizer);
  }

  /** The activation fused into the GEMM's epilogue. */
  get #fused(): ActivationName {
    return this.activation === 'softmax' ? 'linear' : this.activation;
  }

  forward(x: Tensor): Tensor {
    const y = empty([...x.shape.slice(0, -1), this.units]);
    withRows([x, y], ([x2, y2]) => matmul(x2, this.kernel.value, { bias: this.bias?.value, activation: this.#fused, out: y2 }));
    if (this.activation !== 'softmax') return y;
    const p = softmax(y);
    y.dispose();
    return p;
  }

  override addCallPenalty(y: Tensor, loss: Tensor, lossIndex: number): void {
    if (this.contractive > 0) contractivePenalty(y, this.kernel.value, this.#fused, this.contractive, { out: loss, outIndex: lossIndex, accumulate: true });
  }

  /** Softmax reduces along the units and the contractive penalty adds to dy: neither is taken over. */
  override get outputActivation(): ActivationName | null {
    return this.activation === 'softmax' || this.contractive > 0 ? null : this.activation;
  }

  backward(dy: Tensor, x: Tensor, y: Tensor, state: CallState, needInputGrad: boolean): Tensor | null {
    let dKernel: Tensor | undefined;
    if (this.contractive > 0) {
      // The penalty depends on h = y and on W: its gradients join dy (before the activation
      // derivative is applied) and dW.
      dKernel = zeros(this.kernel.shape);
      contractiveBackward(y, this.kernel.value, this.#fused, this.contractive, dy, dKernel);
    }
    const dz = this.activation === 'softmax' ? softmaxBackward(y, dy) : this.activationGradient(y, dy, this.activation, state);
    const dx = needInputGrad ? empty(x.shape) : null;
    // Not with a gradient already there (the contractive penalty's, another call's).
    const update = dKernel === undefined && !this.kernel.grad ? this.kernel.update : null;
    withRows(dx ? [x, dz, dx] : [x, dz], ([x2, dz2, dx2]) => {
      if (dx2) matmul(dz2, this.kernel.value, { transposeB: true, out: dx2 });
      if (this.bias) this.addGrad(this.bias, biasGrad(dz2));
      if (!(update && matmulUpdate(x2, dz2, { transposeA: true }, update))) {
        this.addGrad(this.kernel, matmul(x2, dz2, { transposeA: true, out: dKernel, accumulate: dKernel !== undefined }));
      }
    });
    this.kernel.update = null;
    dz.dispose();
    return dx;
  }

  override getConfig(): Json {
    return {
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      ...serializeKernelBias(this.config),
      ...(this.contractive ? { contractive: this.contractive } : {}),
      ...super.getConfig(),
    };
  }

  static override fromConfig(config: Json): Dense {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (Dense)`);
    return new Dense({
      ...r.base(),
      units: r.number('units'),
      activation: r.activation(),
      useBias: r.optional('useBias'),
      ...r.kernelBias(),
      contractive: r.optional('contractive'),
    });
  }
}

/** Runs `use` on [rows, last axis] views of tensors of any rank ≥ 2 (the same buffers), then frees the views. */
function withRows(tensors: Tensor[], use: (views: Tensor[]) => void): void {
  const views = tensors.map((t) => (t.shape.length === 2 ? t : t.reshape([t.size / t.shape[t.shape.length - 1], t.shape[t.shape.length - 1]])));
  try {
    use(views);
  } finally {
    views.forEach((v, i) => v !== tensors[i] && v.dispose());
  }
}

export function dense(config: DenseConfig): Dense {
  return new Dense(config);
}
