// MaxPooling2D: forward keeps the argmax of each window; backward gathers dy through it.
import { Layer, checkOptions, shapeError, type CallState, type LayerConfig } from './layer.js';
import { maxPool2d, maxPool2dBackward, pool2dOutputShape, type Pool2DOptions } from '../ops/pooling.js';
import { pair, type Padding, type Pair } from '../ops/shapes.js';
import type { Shape, Tensor } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export interface Pooling2DConfig extends LayerConfig {
  poolSize?: number | [number, number];
  /** Defaults to poolSize, as in Keras. */
  strides?: number | [number, number];
  padding?: Padding;
}

/** Options shared by the pooling layers. */
export abstract class PoolingBase extends Layer {
  readonly poolSize: Pair;
  readonly strides: Pair;
  readonly padding: Padding;

  constructor(config: Pooling2DConfig) {
    super(config);
    const className = this.className;
    checkOptions(className, config, ['poolSize', 'strides', 'padding']);
    this.poolSize = pair(config.poolSize ?? 2, `${className} poolSize`);
    this.strides = pair(config.strides ?? this.poolSize, `${className} strides`);
    this.padding = config.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') throw new Error(`${className}: padding must be 'valid' or 'same', got ${JSON.stringify(config.padding)}`);
  }

  protected get options(): Pool2DOptions {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeError(this, inputShape, 'expected [height, width, channels] per sample');
    try {
      return pool2dOutputShape([1, ...inputShape], this.options).slice(1);
    } catch (e) {
      throw shapeError(this, inputShape, (e as Error).message);
    }
  }

  override getConfig(): Json {
    return { poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding, dataFormat: 'channels_last', ...super.getConfig() };
  }

  static override fromConfig<T extends Layer>(this: new (config: Pooling2DConfig) => T, config: Json): T {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (${(this as unknown as { className: string }).className})`);
    r.only('dataFormat', 'channels_last');
    return new this({ ...r.base(), poolSize: r.optional('poolSize'), strides: r.optional('strides'), padding: r.optional('padding') });
  }
}

export class MaxPooling2D extends PoolingBase {
  static override readonly className = 'MaxPooling2D';

  constructor(config: Pooling2DConfig = {}) {
    super(config);
  }

  forward(x: Tensor, state: CallState): Tensor {
    const { y, argmax } = maxPool2d(x, this.options);
    state.saved.push(argmax);
    return y;
  }

  /** The gradient reaches only each window's argmax: act'(x) there is one multiply in the same pass. */
  override get foldsInputActivation(): boolean {
    return true;
  }

  backward(dy: Tensor, x: Tensor, _y: Tensor, state: CallState): Tensor {
    const fold = state.inputActivation ? { x, activation: state.inputActivation } : undefined;
    return maxPool2dBackward(dy, state.saved[0] as Tensor<'int32'>, x.shape, this.options, undefined, fold);
  }
}

export function maxPooling2d(config: Pooling2DConfig = {}): MaxPooling2D {
  return new MaxPooling2D(config);
}
