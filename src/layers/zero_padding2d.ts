// ZeroPadding2D (Keras/TF.js): rows of zeros above and below, columns left and right of each image
// (NHWC). Backward crops dy back (shaders/pad2d_forward.wgsl both ways).
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { pad2d, pad2dBackward, type Pad2D } from '../ops/padding.js';
import type { Shape, Tensor } from '../tensor.js';

export type Amounts2D = number | [number, number] | [[number, number], [number, number]];

/** Keras's forms: n (all four sides), [rows, columns] (both sides of each), [[top, bottom], [left, right]]. */
export function amounts2d(layer: string, key: string, v: Amounts2D): Pad2D {
  const nested: unknown = typeof v === 'number' ? [[v, v], [v, v]] : Array.isArray(v) && v.every((a) => typeof a === 'number') ? v.map((a) => [a, a]) : v;
  const ok = Array.isArray(nested) && nested.length === 2 && nested.every((p) => Array.isArray(p) && p.length === 2 && p.every((a) => Number.isInteger(a) && a >= 0));
  if (!ok) throw new Error(`${layer}: ${key} must be a non-negative integer, [rows, columns] or [[top, bottom], [left, right]], got ${JSON.stringify(v)}`);
  return nested as Pad2D;
}

export interface ZeroPadding2DConfig extends LayerConfig {
  /** Default 1. */
  padding?: Amounts2D;
}

export class ZeroPadding2D extends Layer {
  static override readonly className = 'ZeroPadding2D';
  readonly padding: Pad2D;

  constructor(config: ZeroPadding2DConfig = {}) {
    super(config);
    checkOptions('ZeroPadding2D', config, ['padding']);
    this.padding = amounts2d('ZeroPadding2D', 'padding', config.padding ?? 1);
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeError(this, inputShape, 'expected [height, width, channels] per sample');
    const [[top, bottom], [left, right]] = this.padding;
    return [inputShape[0] + top + bottom, inputShape[1] + left + right, inputShape[2]];
  }

  forward(x: Tensor): Tensor {
    return pad2d(x, this.padding);
  }

  backward(dy: Tensor): Tensor {
    return pad2dBackward(dy, this.padding);
  }

  override getConfig(): Record<string, unknown> {
    return { padding: this.padding.map((p) => [...p]), ...super.getConfig() };
  }
}

export function zeroPadding2d(config: ZeroPadding2DConfig = {}): ZeroPadding2D {
  return new ZeroPadding2D(config);
}
