// GaussianNoise: adds N(0, stddev²) while training; the identity at inference.
import { Layer, checkOptions, type CallState, type LayerConfig } from './layer.js';
import { gaussianNoise as addNoise } from '../ops/random.js';
import type { Shape, Tensor } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export interface GaussianNoiseConfig extends LayerConfig {
  stddev: number;
}

export class GaussianNoise extends Layer {
  static override readonly className = 'GaussianNoise';
  readonly stddev: number;

  constructor(config: GaussianNoiseConfig) {
    super(config);
    checkOptions('GaussianNoise', config, ['stddev']);
    if (!(config.stddev >= 0)) throw new Error(`gaussianNoise: stddev must be ≥ 0, got ${config.stddev}`);
    this.stddev = config.stddev;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  forward(x: Tensor, state: CallState): Tensor {
    if (!state.training) return x.reshape(x.shape);
    return addNoise(x, { stddev: this.stddev, seed: state.seed, step: state.step });
  }

  backward(dy: Tensor): Tensor {
    return dy.reshape(dy.shape);
  }

  override getConfig(): Json {
    return { stddev: this.stddev, ...super.getConfig() };
  }

  static override fromConfig(config: Json): GaussianNoise {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (GaussianNoise)`);
    return new GaussianNoise({ ...r.base(), stddev: r.number('stddev') });
  }
}

export function gaussianNoise(config: GaussianNoiseConfig): GaussianNoise {
  return new GaussianNoise(config);
}
