// GlobalAveragePooling2D (Keras/TF.js): the mean over height and width per channel; backward
// spreads dy / (height·width) over the image.
import { GlobalPooling2D } from './global_pooling2d.js';
import type { LayerConfig } from './layer.js';
import { avgPool2d, avgPool2dBackward } from '../ops/pooling.js';
import { empty, type Tensor } from '../tensor.js';

export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalAveragePooling2D';

  constructor(config: LayerConfig = {}) {
    super(config);
  }

  forward(x: Tensor): Tensor {
    const y = empty([x.shape[0], x.shape[3]]);
    avgPool2d(x, this.window(x.shape), y);
    return y;
  }

  backward(dy: Tensor, x: Tensor): Tensor {
    const dy4 = GlobalPooling2D.as4d(dy);
    const dx = avgPool2dBackward(dy4, x.shape, this.window(x.shape));
    dy4.dispose();
    return dx;
  }
}

export function globalAveragePooling2d(config: LayerConfig = {}): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(config);
}
