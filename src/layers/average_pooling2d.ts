// AveragePooling2D ('same' averages over the unpadded elements only, as Keras).
import { PoolingBase, type Pooling2DConfig } from './max_pooling2d.js';
import { avgPool2d, avgPool2dBackward } from '../ops/pooling.js';
import type { Tensor } from '../tensor.js';

export class AveragePooling2D extends PoolingBase {
  static override readonly className = 'AveragePooling2D';

  constructor(config: Pooling2DConfig = {}) {
    super(config);
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }

  backward(dy: Tensor, x: Tensor): Tensor {
    return avgPool2dBackward(dy, x.shape, this.options);
  }
}

export function averagePooling2d(config: Pooling2DConfig = {}): AveragePooling2D {
  return new AveragePooling2D(config);
}
