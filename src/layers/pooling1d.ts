// What MaxPooling1D and AveragePooling1D share: Keras's options (poolSize 2, strides = poolSize,
// 'valid'), and the 2-D pooling geometry over a height-1 image.
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { check1d, single } from './one_d.js';
import { pool2dOutputShape, type Pool2DOptions } from '../ops/pooling.js';
import type { Padding } from '../ops/shapes.js';
import type { Shape } from '../tensor.js';

export interface Pooling1DConfig extends LayerConfig {
  /** Default 2. */
  poolSize?: number;
  /** Default poolSize. */
  strides?: number;
  padding?: Padding;
}

export abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: Padding;

  constructor(config: Pooling1DConfig) {
    super(config);
    const className = this.className;
    checkOptions(className, config, ['poolSize', 'strides', 'padding']);
    this.poolSize = single(className, 'poolSize', config.poolSize ?? 2);
    this.strides = single(className, 'strides', config.strides ?? this.poolSize);
    this.padding = config.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') throw new Error(`${className}: padding must be 'valid' or 'same', got ${JSON.stringify(config.padding)}`);
  }

  protected get options(): Pool2DOptions {
    return { poolSize: [1, this.poolSize], strides: [1, this.strides], padding: this.padding };
  }

  computeOutputShape(inputShape: Shape): Shape {
    check1d(this, inputShape);
    try {
      const [, , steps, channels] = pool2dOutputShape([1, 1, ...inputShape], this.options);
      return [steps, channels];
    } catch (e) {
      throw shapeError(this, inputShape, (e as Error).message);
    }
  }

  override getConfig(): Record<string, unknown> {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding, ...super.getConfig() };
  }
}
