// GlobalMaxPooling2D (Keras/TF.js): the maximum over height and width per channel; backward sends
// dy to the element that was the maximum (the first in row-major order on ties).
import { GlobalPooling2D } from './global_pooling2d.js';
import type { CallState, LayerConfig } from './layer.js';
import { maxPool2d, maxPool2dBackward } from '../ops/pooling.js';
import { empty, type Tensor } from '../tensor.js';

export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalMaxPooling2D';

  constructor(config: LayerConfig = {}) {
    super(config);
  }

  forward(x: Tensor, state: CallState): Tensor {
    const y = empty([x.shape[0], x.shape[3]]);
    state.saved.push(maxPool2d(x, this.window(x.shape), y).argmax);
    return y;
  }

  backward(dy: Tensor, x: Tensor, _y: Tensor, state: CallState): Tensor {
    const dy4 = GlobalPooling2D.as4d(dy);
    const dx = maxPool2dBackward(dy4, state.saved[0] as Tensor<'int32'>, x.shape, this.window(x.shape));
    dy4.dispose();
    return dx;
  }
}

export function globalMaxPooling2d(config: LayerConfig = {}): GlobalMaxPooling2D {
  return new GlobalMaxPooling2D(config);
}
