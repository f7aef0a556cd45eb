// Softmax (Keras/TF.js) along `axis`: exp(x − max) / Σ exp(x − max). The kernel reduces along the
// last axis, which is the default (-1); another axis is an error at apply().
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { softmax as softmaxOp, softmaxBackward } from '../ops/softmax.js';
import type { Shape, Tensor } from '../tensor.js';

export interface SoftmaxConfig extends LayerConfig {
  /** Counting the batch axis as 0; negative from the end. Default -1. */
  axis?: number;
}

export class Softmax extends Layer {
  static override readonly className = 'Softmax';
  readonly axis: number;

  constructor(config: SoftmaxConfig = {}) {
    super(config);
    checkOptions('Softmax', config, ['axis']);
    this.axis = config.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`Softmax: axis must be an integer, got ${JSON.stringify(config.axis)}`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const rank = inputShape.length + 1;
    if (this.axis !== -1 && this.axis !== rank - 1) throw shapeError(this, inputShape, `softmax along axis ${this.axis}: only the last axis (-1 or ${rank - 1}) is supported`);
    return inputShape;
  }

  forward(x: Tensor): Tensor {
    return softmaxOp(x);
  }

  backward(dy: Tensor, _x: Tensor, y: Tensor): Tensor {
    return softmaxBackward(y, dy);
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}

export function softmax(config: SoftmaxConfig = {}): Softmax {
  return new Softmax(config);
}
