// Conv2DTranspose, Keras semantics (NHWC; kernel [kh, kw, filters, in]; outputPadding adds rows and
// columns, each fewer than its stride, as Keras's output_padding).
import { ConvBase, type Conv2DConfig } from './conv2d.js';
import type { CallState } from './layer.js';
import { conv2dTranspose as conv2dTransposeOp, conv2dTransposeBackwardFilter, conv2dTransposeBackwardInput, conv2dTransposeOutputShape, outputPadding } from '../ops/conv2d.js';
import type { Shape, Tensor } from '../tensor.js';
import type { Json } from './config.js';

export class Conv2DTranspose extends ConvBase {
  static override readonly className = 'Conv2DTranspose';

  readonly outputPadding: [number, number] | null;

  constructor(config: Conv2DConfig) {
    super(config, ['outputPadding']);
    this.outputPadding = config.outputPadding == null ? null : outputPadding('Conv2DTranspose', config.outputPadding, this.strides);
  }

  protected override options() {
    return { ...super.options(), ...(this.outputPadding ? { outputPadding: this.outputPadding } : {}) };
  }

  override getConfig(): Json {
    return { ...super.getConfig(), outputPadding: this.outputPadding };
  }

  static override fromConfig(config: Json): Conv2DTranspose {
    return new Conv2DTranspose({ ...ConvBase.readConv(config, 'Conv2DTranspose'), outputPadding: (config.outputPadding ?? undefined) as Conv2DConfig['outputPadding'] });
  }

  protected kernelShape(inChannels: number): Shape {
    return [...this.kernelSize, this.filters, inChannels];
  }

  protected outputShapeOf(xShape: Shape): Shape {
    return conv2dTransposeOutputShape(xShape, this.kernelShape(xShape[3]), this.options());
  }

  forward(x: Tensor): Tensor {
    return conv2dTransposeOp(x, this.kernel.value, { ...this.options(), bias: this.bias?.value, activation: this.activation });
  }

  backward(dy: Tensor, x: Tensor, y: Tensor, state: CallState, needInputGrad: boolean): Tensor | null {
    const dz = this.activationGradient(y, dy, this.activation, state);
    this.addGrad(this.kernel, conv2dTransposeBackwardFilter(x, dz, this.kernel.shape, this.options()));
    if (this.bias) this.addGrad(this.bias, this.biasGradOf(dz));
    const dx = needInputGrad ? conv2dTransposeBackwardInput(dz, this.kernel.value, x.shape, this.options()) : null;
    dz.dispose();
    return dx;
  }
}

export function conv2dTranspose(config: Conv2DConfig): Conv2DTranspose {
  return new Conv2DTranspose(config);
}
