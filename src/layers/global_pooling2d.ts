// What GlobalAveragePooling2D and GlobalMaxPooling2D share: [height, width, channels] per sample →
// [channels], as the 2-D pooling kernels with one window over the whole image.
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import type { Pool2DOptions } from '../ops/pooling.js';
import type { Shape, Tensor } from '../tensor.js';

export abstract class GlobalPooling2D extends Layer {
  constructor(config: LayerConfig) {
    super(config);
    const className = this.className;
    checkOptions(className, config, []);
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeError(this, inputShape, 'expected [height, width, channels] per sample');
    return [inputShape[2]];
  }

  /** One window over x's whole image. */
  protected window(xShape: Shape): Pool2DOptions {
    return { poolSize: [xShape[1], xShape[2]], strides: [xShape[1], xShape[2]], padding: 'valid' };
  }

  /** dy [batch, channels] as the pooling kernels' [batch, 1, 1, channels]: a view of its buffer. */
  protected static as4d(t: Tensor): Tensor {
    return t.reshape([t.shape[0], 1, 1, t.shape[t.shape.length - 1]]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig() };
  }
}
