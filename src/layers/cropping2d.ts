// Cropping2D (Keras/TF.js): removes rows above and below, columns left and right of each image
// (NHWC). Backward pads dy with zeros back to the input's extent (shaders/pad2d_forward.wgsl both ways).
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { amounts2d, type Amounts2D } from './zero_padding2d.js';
import { pad2d, pad2dBackward, type Pad2D } from '../ops/padding.js';
import type { Shape, Tensor } from '../tensor.js';

export interface Cropping2DConfig extends LayerConfig {
  /** Default 0. */
  cropping?: Amounts2D;
}

export class Cropping2D extends Layer {
  static override readonly className = 'Cropping2D';
  readonly cropping: Pad2D;

  constructor(config: Cropping2DConfig = {}) {
    super(config);
    checkOptions('Cropping2D', config, ['cropping']);
    this.cropping = amounts2d('Cropping2D', 'cropping', config.cropping ?? 0);
  }

  /** The crop as a padding by negative amounts. */
  get #asPadding(): Pad2D {
    const [[top, bottom], [left, right]] = this.cropping;
    return [[-top, -bottom], [-left, -right]];
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeError(this, inputShape, 'expected [height, width, channels] per sample');
    const [[top, bottom], [left, right]] = this.cropping;
    const [h, w] = [inputShape[0] - top - bottom, inputShape[1] - left - right];
    if (h <= 0 || w <= 0) throw shapeError(this, inputShape, `cropping ${JSON.stringify(this.cropping)} removes ${top + bottom} of ${inputShape[0]} rows and ${left + right} of ${inputShape[1]} columns, leaving nothing`);
    return [h, w, inputShape[2]];
  }

  forward(x: Tensor): Tensor {
    return pad2d(x, this.#asPadding);
  }

  backward(dy: Tensor): Tensor {
    return pad2dBackward(dy, this.#asPadding);
  }

  override getConfig(): Record<string, unknown> {
    return { cropping: this.cropping.map((p) => [...p]), ...super.getConfig() };
  }
}

export function cropping2d(config: Cropping2DConfig = {}): Cropping2D {
  return new Cropping2D(config);
}
