// UpSampling1D (Keras/TF.js): each step repeated `size` times; backward sums each block of dy.
import { Layer, checkOptions, type LayerConfig } from './layer.js';
import { check1d, run1d, single } from './one_d.js';
import { upSampling2d, upSampling2dBackward } from '../ops/upsampling.js';
import type { Shape, Tensor } from '../tensor.js';

export interface UpSampling1DConfig extends LayerConfig {
  /** Default 2. */
  size?: number;
}

export class UpSampling1D extends Layer {
  static override readonly className = 'UpSampling1D';
  readonly size: number;

  constructor(config: UpSampling1DConfig = {}) {
    super(config);
    checkOptions('UpSampling1D', config, ['size']);
    this.size = single('UpSampling1D', 'size', config.size ?? 2);
  }

  computeOutputShape(inputShape: Shape): Shape {
    check1d(this, inputShape);
    return [inputShape[0] * this.size, inputShape[1]];
  }

  forward(x: Tensor): Tensor {
    return run1d([x.shape[0], x.shape[1] * this.size, x.shape[2]], [x], (y, x2) => upSampling2d(x2, [1, this.size], y));
  }

  backward(dy: Tensor): Tensor {
    return run1d([dy.shape[0], dy.shape[1] / this.size, dy.shape[2]], [dy], (dx, dy2) => upSampling2dBackward(dy2, [1, this.size], dx));
  }

  override getConfig(): Record<string, unknown> {
    return { size: this.size, ...super.getConfig() };
  }
}

export function upSampling1d(config: UpSampling1DConfig = {}): UpSampling1D {
  return new UpSampling1D(config);
}
