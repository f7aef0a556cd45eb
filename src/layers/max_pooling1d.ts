// MaxPooling1D (Keras/TF.js): the maximum of each window of steps per channel; backward sends dy
// to each window's maximum (its argmax, kept from forward).
import { Pooling1D, type Pooling1DConfig } from './pooling1d.js';
import type { CallState } from './layer.js';
import { run1d } from './one_d.js';
import { maxPool2d, maxPool2dBackward } from '../ops/pooling.js';
import type { Tensor } from '../tensor.js';

export class MaxPooling1D extends Pooling1D {
  static override readonly className = 'MaxPooling1D';

  constructor(config: Pooling1DConfig = {}) {
    super(config);
  }

  forward(x: Tensor, state: CallState): Tensor {
    const [steps, channels] = this.computeOutputShape(x.shape.slice(1));
    return run1d([x.shape[0], steps, channels], [x], (y, x2) => state.saved.push(maxPool2d(x2, this.options, y).argmax));
  }

  backward(dy: Tensor, x: Tensor, _y: Tensor, state: CallState): Tensor {
    const argmax = state.saved[0] as Tensor<'int32'>;
    return run1d(x.shape, [dy, x], (dx, dy2, x2) => maxPool2dBackward(dy2, argmax, x2.shape, this.options, dx));
  }
}

export function maxPooling1d(config: Pooling1DConfig = {}): MaxPooling1D {
  return new MaxPooling1D(config);
}
