// Conv1D (Keras/TF.js; [batch, steps, channels], kernel [kernelSize, in, filters]): the 2-D
// convolution kernels on height-1 images, the kernel viewed as [1, kernelSize, in, filters] (the
// same memory). Forward fuses bias and activation; backward as Conv2D's.
import { ConvBase, type Conv2DConfig } from './conv2d.js';
import { shapeError, type CallState } from './layer.js';
import { as2d, check1d, run1d, single } from './one_d.js';
import { conv2d as conv2dOp, conv2dBackwardInput, conv2dOutputShape } from '../ops/conv2d.js';
import { empty, type Shape, type Tensor } from '../tensor.js';
import type { Json } from './config.js';

export interface Conv1DConfig extends Omit<Conv2DConfig, 'kernelSize' | 'strides' | 'dilationRate'> {
  kernelSize: number;
  /** Default 1. */
  strides?: number;
  /** Taps this far apart; default 1; > 1 only with strides 1 (Keras's rule). */
  dilationRate?: number;
}

export class Conv1D extends ConvBase {
  static override readonly className = 'Conv1D';

  constructor(config: Conv1DConfig) {
    const kernelSize = single('Conv1D', 'kernelSize', config.kernelSize);
    const strides = single('Conv1D', 'strides', config.strides ?? 1);
    const dilationRate = single('Conv1D', 'dilationRate', config.dilationRate ?? 1);
    if (dilationRate > 1 && strides > 1) throw new Error(`Conv1D: dilationRate ${dilationRate} cannot be combined with strides ${strides} > 1 (Keras's rule)`);
    super({ ...config, kernelSize: [1, kernelSize], strides: [1, strides], dilationRate: [1, dilationRate] }, ['dilationRate']);
  }

  /** Keras's Conv1D config: one kernel size, stride and dilation. */
  override getConfig(): Json {
    return { ...super.getConfig(), kernelSize: [this.kernelSize[1]], strides: [this.strides[1]], dilationRate: [this.dilationRate[1]] };
  }

  static override fromConfig(config: Json): Conv1D {
    const c = ConvBase.readConv(config, 'Conv1D', true);
    const one = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v) as number;
    const optional = (v: unknown) => (v === undefined ? undefined : one(v));
    return new Conv1D({ ...c, kernelSize: one(c.kernelSize), strides: optional(c.strides), dilationRate: optional(c.dilationRate) });
  }

  protected kernelShape(inChannels: number): Shape {
    return [this.kernelSize[1], inChannels, this.filters];
  }

  /** The kernel as the 2-D kernels take it: [1, kernelSize, in, filters]. */
  #kernel4(): Tensor {
    return this.kernel.value.reshape([1, ...this.kernel.shape]);
  }

  protected outputShapeOf(xShape: Shape): Shape {
    const [n, steps, c] = xShape;
    const [, , outSteps, f] = conv2dOutputShape([n, 1, steps, c], [1, this.kernelSize[1], c, this.filters], this.options());
    return [n, outSteps, f];
  }

  override computeOutputShape(inputShape: Shape): Shape {
    check1d(this, inputShape);
    try {
      return this.outputShapeOf([1, ...inputShape]).slice(1);
    } catch (e) {
      throw shapeError(this, inputShape, (e as Error).message);
    }
  }

  protected override build(inputShape: Shape): void {
    // ConvBase reads the channels at [height, width, channels]'s index 2.
    super.build([1, ...inputShape]);
  }

  forward(x: Tensor): Tensor {
    const k4 = this.#kernel4();
    try {
      return run1d(this.outputShapeOf(x.shape), [x], (y, x2) => conv2dOp(x2, k4, { ...this.options(), bias: this.bias?.value, activation: this.activation, out: y }));
    } finally {
      k4.dispose();
    }
  }

  backward(dy: Tensor, x: Tensor, y: Tensor, state: CallState, needInputGrad: boolean): Tensor | null {
    const dz = this.activationGradient(y, dy, this.activation, state);
    const k4 = this.#kernel4();
    const [x2, dz2] = [as2d(x), as2d(dz)];
    try {
      const dk = empty(this.kernel.shape);
      const dk4 = dk.reshape(k4.shape);
      this.addFilterGrads(x2, dz2, k4.shape, dk4);
      dk4.dispose();
      this.addGrad(this.kernel, dk);
      return needInputGrad ? run1d(x.shape, [], (dx) => conv2dBackwardInput(dz2, k4, x2.shape, { ...this.options(), out: dx })) : null;
    } finally {
      for (const t of [k4, x2, dz2, dz]) t.dispose();
    }
  }
}

export function conv1d(config: Conv1DConfig): Conv1D {
  return new Conv1D(config);
}
