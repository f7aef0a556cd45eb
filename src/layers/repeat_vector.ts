// RepeatVector (Keras/TF.js): [features] → [n, features], the vector repeated n times; backward sums
// the n copies. Both are the nearest-neighbour upsampling kernels on [batch, 1, 1, features] views
// (size [n, 1]), the output made in its own shape.
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { upSampling2d, upSampling2dBackward } from '../ops/upsampling.js';
import { empty, type Shape, type Tensor } from '../tensor.js';

export interface RepeatVectorConfig extends LayerConfig {
  n: number;
}

/** t [batch, ..., features] as [batch, rows, 1, features] (a view). */
function as4d(t: Tensor, rows: number): Tensor {
  return t.reshape([t.shape[0], rows, 1, t.shape[t.shape.length - 1]]);
}

export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  readonly n: number;

  constructor(config: RepeatVectorConfig) {
    super(config);
    checkOptions('RepeatVector', config, ['n']);
    if (!Number.isInteger(config.n) || config.n <= 0) throw new Error(`RepeatVector: n must be a positive integer, got ${JSON.stringify(config.n)}`);
    this.n = config.n;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 1) throw shapeError(this, inputShape, 'expected [features] per sample');
    return [this.n, inputShape[0]];
  }

  forward(x: Tensor): Tensor {
    const y = empty([x.shape[0], this.n, x.shape[1]]);
    const [x4, y4] = [as4d(x, 1), as4d(y, this.n)];
    upSampling2d(x4, [this.n, 1], y4);
    x4.dispose();
    y4.dispose();
    return y;
  }

  backward(dy: Tensor): Tensor {
    const dx = empty([dy.shape[0], dy.shape[2]]);
    const [dy4, dx4] = [as4d(dy, this.n), as4d(dx, 1)];
    upSampling2dBackward(dy4, [this.n, 1], dx4);
    dy4.dispose();
    dx4.dispose();
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { n: this.n, ...super.getConfig() };
  }
}

export function repeatVector(config: RepeatVectorConfig): RepeatVector {
  return new RepeatVector(config);
}
