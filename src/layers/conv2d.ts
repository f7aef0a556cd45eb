// Conv2D (NHWC; kernel [kh, kw, in, filters]). Forward fuses bias and activation; backward:
// dz = dy·act'(y), then the input and filter gradients as kernels of their own (ops/conv2d.ts),
// and the bias gradient as column sums of dz.
import { Layer, Weight, checkLayerActivation, checkOptions, shapeError, type CallState, type LayerConfig } from './layer.js';
import { conv2d as conv2dOp, conv2dBackwardFilter, conv2dBackwardFilterAndBias, conv2dBackwardInput, conv2dOutputShape, dilation, type Conv2DOptions } from '../ops/conv2d.js';
import { biasGrad } from '../ops/matmul.js';
import type { ActivationName } from '../ops/activation.js';
import { pair, type Padding, type Pair } from '../ops/shapes.js';
import type { L1L2 } from '../ops/regularizers.js';
import { checkInitializer, type InitializerSpec } from '../initializers.js';
import { empty, type Shape, type Tensor } from '../tensor.js';
import { ConfigReader, serializeKernelBias, type Json } from './config.js';

export interface Conv2DConfig extends LayerConfig {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: L1L2;
  biasRegularizer?: L1L2;
  /** Conv2D (and Conv1D): taps this far apart; default 1; > 1 only with strides 1 (Keras's rule). */
  dilationRate?: number | [number, number];
  /** Conv2DTranspose: extra output rows/columns, each smaller than its stride (Keras's output_padding). */
  outputPadding?: number | [number, number] | null;
}

/** What Conv2D and Conv2DTranspose share: options, weights, the bias gradient. */
export abstract class ConvBase extends Layer {
  readonly filters: number;
  readonly kernelSize: Pair;
  readonly strides: Pair;
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  /** [1, 1] unless the subclass takes the dilationRate option. */
  readonly dilationRate: Pair;
  kernel!: Weight;
  bias: Weight | null = null;

  override get outputActivation(): ActivationName {
    return this.activation;
  }

  /** `extraOptions`: the subclass's own options besides the shared ones. */
  constructor(readonly config: Conv2DConfig, extraOptions: readonly string[] = []) {
    super(config);
    const className = this.className;
    checkOptions(className, config, ['filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', ...extraOptions]);
    if (!Number.isInteger(config.filters) || config.filters <= 0) throw new Error(`${className}: filters must be a positive integer, got ${config.filters}`);
    this.filters = config.filters;
    this.kernelSize = pair(config.kernelSize, `${className} kernelSize`);
    this.strides = pair(config.strides ?? 1, `${className} strides`);
    this.padding = config.padding ?? 'valid';
    if (this.padding !== 'same' && this.padding !== 'valid') throw new Error(`${className}: padding must be 'same' or 'valid', got '${this.padding}'`);
    this.activation = config.activation ?? 'linear';
    checkLayerActivation(className, this.activation);
    if (config.kernelInitializer !== undefined) checkInitializer(config.kernelInitializer, `${className}: kernelInitializer`);
    if (config.biasInitializer !== undefined) checkInitializer(config.biasInitializer, `${className}: biasInitializer`);
    this.useBias = config.useBias ?? true;
    this.dilationRate = extraOptions.includes('dilationRate') ? dilation(className, { dilationRate: config.dilationRate, strides: config.strides }, this.strides) : [1, 1];
  }

  protected abstract kernelShape(inChannels: number): Shape;
  protected abstract outputShapeOf(xShape: Shape): Shape;

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeError(this, inputShape, 'expected [height, width, channels] per sample');
    try {
      return this.outputShapeOf([1, ...inputShape]).slice(1);
    } catch (e) {
      throw shapeError(this, inputShape, (e as Error).message);
    }
  }

  protected override build(inputShape: Shape): void {
    this.kernel = this.addWeight('kernel', this.kernelShape(inputShape[2]), this.config.kernelInitializer ?? 'glorotUniform', this.config.kernelRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.config.biasInitializer ?? 'zeros', this.config.biasRegularizer);
  }

  protected options() {
    return { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate };
  }

  /**
   * The kernel's gradient from x and dz (Conv2D and Conv1D: x [N,H,W,C], dz [N,OH,OW,F] and the
   * kernel as [kh,kw,C,F], into `out`), and the bias's in the same pass over dz.
   */
  protected addFilterGrads(x: Tensor, dz: Tensor, kernelShape: Shape, out: Tensor): void {
    const options: Conv2DOptions = { ...this.options(), out };
    if (!this.bias) {
      conv2dBackwardFilter(x, dz, kernelShape, options);
      return;
    }
    const { db } = conv2dBackwardFilterAndBias(x, dz, kernelShape, options);
    this.addGrad(this.bias, db);
  }

  /** Bias gradient: Σ over batch and space of dz, i.e. column sums of dz as [N·H·W, filters]. */
  protected biasGradOf(dz: Tensor): Tensor {
    const view = dz.reshape([dz.size / this.filters, this.filters]);
    const db = biasGrad(view);
    view.dispose();
    return db;
  }

  override getConfig(): Json {
    return {
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channels_last',
      dilationRate: [...this.dilationRate],
      activation: this.activation,
      useBias: this.useBias,
      ...serializeKernelBias(this.config),
      ...super.getConfig(),
    };
  }

  /** The options the convolutions read from a saved config; dilationRate only where the class takes it. */
  protected static readConv(config: Json, className: string, dilated = false): Conv2DConfig {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (${className})`);
    r.only('dataFormat', 'channels_last');
    if (!dilated) r.only('dilationRate', 1, [1, 1]);
    r.only('groups', 1);
    return {
      ...r.base(),
      filters: r.number('filters'),
      kernelSize: r.c.kernelSize as Conv2DConfig['kernelSize'],
      strides: r.optional('strides'),
      padding: r.optional('padding'),
      activation: r.activation(),
      useBias: r.optional('useBias'),
      ...(dilated ? { dilationRate: r.optional('dilationRate') } : {}),
      ...r.kernelBias(),
    };
  }
}

export class Conv2D extends ConvBase {
  static override readonly className = 'Conv2D';

  constructor(config: Conv2DConfig) {
    super(config, ['dilationRate']);
  }

  static override fromConfig(config: Json): Conv2D {
    return new Conv2D(ConvBase.readConv(config, 'Conv2D', true));
  }

  protected kernelShape(inChannels: number): Shape {
    return [...this.kernelSize, inChannels, this.filters];
  }

  protected outputShapeOf(xShape: Shape): Shape {
    return conv2dOutputShape(xShape, this.kernelShape(xShape[3]), this.options());
  }

  forward(x: Tensor): Tensor {
    return conv2dOp(x, this.kernel.value, { ...this.options(), bias: this.bias?.value, activation: this.activation });
  }

  backward(dy: Tensor, x: Tensor, y: Tensor, state: CallState, needInputGrad: boolean): Tensor | null {
    const dz = this.activationGradient(y, dy, this.activation, state);
    const dk = empty(this.kernel.shape);
    this.addFilterGrads(x, dz, this.kernel.shape, dk);
    this.addGrad(this.kernel, dk);
    const dx = needInputGrad ? conv2dBackwardInput(dz, this.kernel.value, x.shape, this.options()) : null;
    dz.dispose();
    return dx;
  }
}

export function conv2d(config: Conv2DConfig): Conv2D {
  return new Conv2D(config);
}
