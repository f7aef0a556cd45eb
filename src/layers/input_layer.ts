// A model input as a layer, so that model.layers, summary() and the saved topology read as in
// Keras. It holds no weights and is never executed.
import { Layer } from './layer.js';
import type { Shape } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';

  constructor(name: string, shape: Shape) {
    super({ name });
    this.inputShapes = [[...shape]];
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override getConfig(): Json {
    return { batchInputShape: [null, ...this.inputShape!], dtype: 'float32', sparse: false, name: this.name };
  }

  static override fromConfig(config: Json): InputLayer {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (InputLayer)`);
    const { name, inputShape } = r.base();
    if (!inputShape) throw r.fail('declares no input shape (batch_input_shape)');
    return new InputLayer(name ?? 'input', inputShape);
  }
}
