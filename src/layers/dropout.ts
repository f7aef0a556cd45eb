// Dropout (inverted): zeroes a fraction `rate` while training and scales the rest by 1/(1-rate);
// the identity at inference. The mask is regenerated in backward from the same (seed, step).
import { Layer, checkOptions, type CallState, type LayerConfig } from './layer.js';
import { dropout as dropoutOp, dropoutBackward } from '../ops/random.js';
import type { Shape, Tensor } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export interface DropoutConfig extends LayerConfig {
  rate: number;
}

export class Dropout extends Layer {
  static override readonly className = 'Dropout';
  readonly rate: number;

  constructor(config: DropoutConfig) {
    super(config);
    checkOptions('Dropout', config, ['rate']);
    if (!(config.rate >= 0 && config.rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${config.rate}`);
    this.rate = config.rate;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  forward(x: Tensor, state: CallState): Tensor {
    if (!state.training) return x.reshape(x.shape);
    return dropoutOp(x, { rate: this.rate, seed: state.seed, step: state.step });
  }

  backward(dy: Tensor, _x: Tensor, _y: Tensor, state: CallState): Tensor {
    if (!state.training) return dy.reshape(dy.shape);
    return dropoutBackward(dy, { rate: this.rate, seed: state.seed, step: state.step });
  }

  override getConfig(): Json {
    return { rate: this.rate, ...super.getConfig() };
  }

  static override fromConfig(config: Json): Dropout {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (Dropout)`);
    r.only('noiseShape');
    return new Dropout({ ...r.base(), rate: r.number('rate') });
  }
}

export function dropout(config: DropoutConfig): Dropout {
  return new Dropout(config);
}
