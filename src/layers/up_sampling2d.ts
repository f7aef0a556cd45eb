// UpSampling2D: by integer factors, nearest neighbour (each pixel repeated; backward sums each
// block) or bilinear as TF.js's layer computes it (resizeBilinear with alignCorners and
// halfPixelCenters false: output pixel i samples input position i / size; backward sends dy back
// along the same weights). Keras (Python) samples bilinear at half-pixel centres instead, so a
// bilinear model moves between wgslnet and TF.js exactly, and to Keras only approximately.
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { INTERPOLATIONS, upSampling2d as upSample, upSampling2dBackward, type Interpolation } from '../ops/upsampling.js';
import { pair, type Pair } from '../ops/shapes.js';
import type { Shape, Tensor } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export interface UpSampling2DConfig extends LayerConfig {
  size?: number | [number, number];
  /** 'nearest' (the default) or 'bilinear' (TF.js's placement). */
  interpolation?: Interpolation;
}

export class UpSampling2D extends Layer {
  static override readonly className = 'UpSampling2D';
  readonly size: Pair;
  readonly interpolation: Interpolation;

  constructor(config: UpSampling2DConfig = {}) {
    super(config);
    checkOptions('UpSampling2D', config, ['size', 'interpolation']);
    const interpolation: unknown = config.interpolation ?? 'nearest';
    if (!INTERPOLATIONS.includes(interpolation as Interpolation)) {
      throw new Error(`UpSampling2D: interpolation ${JSON.stringify(interpolation)} is not supported; it takes ${INTERPOLATIONS.map((i) => `'${i}'`).join(' or ')}`);
    }
    this.interpolation = interpolation as Interpolation;
    this.size = pair(config.size ?? 2, 'UpSampling2D size');
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeError(this, inputShape, 'expected [height, width, channels] per sample');
    return [inputShape[0] * this.size[0], inputShape[1] * this.size[1], inputShape[2]];
  }

  forward(x: Tensor): Tensor {
    return upSample(x, this.size, undefined, this.interpolation);
  }

  backward(dy: Tensor): Tensor {
    return upSampling2dBackward(dy, this.size, undefined, this.interpolation);
  }

  override getConfig(): Json {
    return { size: [...this.size], interpolation: this.interpolation, dataFormat: 'channels_last', ...super.getConfig() };
  }

  static override fromConfig(config: Json): UpSampling2D {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (UpSampling2D)`);
    r.only('dataFormat', 'channels_last');
    r.only('interpolation', ...INTERPOLATIONS);
    return new UpSampling2D({ ...r.base(), size: r.optional('size'), interpolation: r.optional('interpolation') });
  }
}

export function upSampling2d(config: UpSampling2DConfig = {}): UpSampling2D {
  return new UpSampling2D(config);
}
