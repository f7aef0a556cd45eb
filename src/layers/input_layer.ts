// The model's input as a layer, so that model.layers and summary() read as in Keras.
// It holds no weights and is never executed.
import { Layer } from './layer.js';
import type { Shape, Tensor } from '../tensor.js';

export class InputLayer extends Layer {
  readonly className = 'InputLayer';

  constructor(name: string, shape: Shape) {
    super({ name }, 'InputLayer');
    this.inputShape = [...shape];
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  forward(x: Tensor): Tensor {
    return x;
  }

  backward(dy: Tensor): Tensor {
    return dy;
  }

  getConfig(): Record<string, unknown> {
    return { batchInputShape: [null, ...this.inputShape!] };
  }
}
