// Permute (Keras/TF.js): reorders the axes of each sample; dims are 1-based and name the input axis
// each output axis takes (the batch axis stays first). Forward is one transpose with perm
// [0, ...dims]; backward is the same kernel with the inverse permutation (dx = dyᵀ).
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { inversePermutation, isPermutation, transpose } from '../ops/permute.js';
import type { Shape, Tensor } from '../tensor.js';

export interface PermuteConfig extends LayerConfig {
  /** A permutation of 1 … rank of the per-sample axes: output axis i is input axis dims[i]. */
  dims: number[];
}

export class Permute extends Layer {
  static override readonly className = 'Permute';
  readonly dims: number[];
  /** [0, ...dims]: the permutation of the whole batch. */
  readonly #perm: number[];

  constructor(config: PermuteConfig) {
    super(config);
    checkOptions('Permute', config, ['dims']);
    const dims: unknown = config.dims;
    if (!Array.isArray(dims) || dims.length === 0 || !isPermutation(dims.map((d) => d - 1), dims.length)) {
      throw new Error(`Permute${config.name ? ` '${config.name}'` : ''}: dims must be a permutation of 1 … ${Array.isArray(dims) && dims.length > 0 ? dims.length : 'rank'} (1-based, the batch axis excluded, as Keras), got ${JSON.stringify(dims)}`);
    }
    this.dims = [...dims];
    this.#perm = [0, ...dims];
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== this.dims.length) throw shapeError(this, inputShape, `dims ${JSON.stringify(this.dims)} permute ${this.dims.length} axes per sample, the input has ${inputShape.length}`);
    return this.dims.map((d) => inputShape[d - 1]);
  }

  forward(x: Tensor): Tensor {
    return transpose(x, this.#perm);
  }

  backward(dy: Tensor): Tensor {
    return transpose(dy, inversePermutation(this.#perm));
  }

  override getConfig(): Record<string, unknown> {
    return { dims: [...this.dims], ...super.getConfig() };
  }
}

export function permute(config: PermuteConfig): Permute {
  return new Permute(config);
}
