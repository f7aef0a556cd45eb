// AveragePooling1D (Keras/TF.js): the mean of each window of steps per channel ('same' windows
// average their unpadded steps only); backward spreads dy / count over each window.
import { Pooling1D, type Pooling1DConfig } from './pooling1d.js';
import { run1d } from './one_d.js';
import { avgPool2d, avgPool2dBackward } from '../ops/pooling.js';
import type { Tensor } from '../tensor.js';

export class AveragePooling1D extends Pooling1D {
  static override readonly className = 'AveragePooling1D';

  constructor(config: Pooling1DConfig = {}) {
    super(config);
  }

  forward(x: Tensor): Tensor {
    const [steps, channels] = this.computeOutputShape(x.shape.slice(1));
    return run1d([x.shape[0], steps, channels], [x], (y, x2) => avgPool2d(x2, this.options, y));
  }

  backward(dy: Tensor, x: Tensor): Tensor {
    return run1d(x.shape, [dy, x], (dx, dy2, x2) => avgPool2dBackward(dy2, x2.shape, this.options, dx));
  }
}

export function averagePooling1d(config: Pooling1DConfig = {}): AveragePooling1D {
  return new AveragePooling1D(config);
}
