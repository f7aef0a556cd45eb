// UpSampling2D: nearest neighbour by integer factors; backward sums each block.
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { upSampling2d as upSample, upSampling2dBackward } from '../ops/upsampling.js';
import { pair, type Pair } from '../ops/shapes.js';
import type { Shape, Tensor } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export interface UpSampling2DConfig extends LayerConfig {
  size?: number | [number, number];
  /** Only 'nearest' (the default); 'bilinear' is refused rather than computed as nearest. */
  interpolation?: 'nearest';
}

export class UpSampling2D extends Layer {
  static override readonly className = 'UpSampling2D';
  readonly size: Pair;

  constructor(config: UpSampling2DConfig = {}) {
    super(config);
    checkOptions('UpSampling2D', config, ['size', 'interpolation']);
    const interpolation: unknown = config.interpolation ?? 'nearest';
    if (interpolation !== 'nearest') {
      throw new Error(`UpSampling2D: interpolation ${JSON.stringify(interpolation)} is not supported; only 'nearest' is (TF.js and Keras place bilinear samples differently, so a model relying on it would not port)`);
    }
    this.size = pair(config.size ?? 2, 'UpSampling2D size');
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeError(this, inputShape, 'expected [height, width, channels] per sample');
    return [inputShape[0] * this.size[0], inputShape[1] * this.size[1], inputShape[2]];
  }

  forward(x: Tensor): Tensor {
    return upSample(x, this.size);
  }

  backward(dy: Tensor): Tensor {
    return upSampling2dBackward(dy, this.size);
  }

  override getConfig(): Json {
    return { size: [...this.size], interpolation: 'nearest', dataFormat: 'channels_last', ...super.getConfig() };
  }

  static override fromConfig(config: Json): UpSampling2D {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (UpSampling2D)`);
    r.only('dataFormat', 'channels_last');
    r.only('interpolation', 'nearest');
    return new UpSampling2D({ ...r.base(), size: r.optional('size') });
  }
}

export function upSampling2d(config: UpSampling2DConfig = {}): UpSampling2D {
  return new UpSampling2D(config);
}
