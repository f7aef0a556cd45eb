import { Layer, checkLayerActivation, checkOptions, type LayerConfig } from './layer.js';
import { activationForward, activationBackward, type ActivationName } from '../ops/activation.js';
import { softmax, softmaxBackward } from '../ops/softmax.js';
import type { Shape, Tensor } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export interface ActivationConfig extends LayerConfig {
  activation: ActivationName | 'softmax';
}

/** A standalone activation (softmax over the last axis included). */
export class Activation extends Layer {
  static override readonly className = 'Activation';
  readonly activation: ActivationName | 'softmax';

  constructor(config: ActivationConfig) {
    super(config);
    checkOptions('Activation', config, ['activation']);
    this.activation = config.activation;
    if (this.activation !== 'softmax') checkLayerActivation('Activation', this.activation);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  forward(x: Tensor): Tensor {
    return this.activation === 'softmax' ? softmax(x) : activationForward(x, this.activation);
  }

  backward(dy: Tensor, _x: Tensor, y: Tensor): Tensor {
    return this.activation === 'softmax' ? softmaxBackward(y, dy) : activationBackward(y, dy, this.activation);
  }

  override getConfig(): Json {
    return { activation: this.activation, ...super.getConfig() };
  }

  static override fromConfig(config: Json): Activation {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (Activation)`);
    return new Activation({ ...r.base(), activation: config.activation === 'softmax' ? 'softmax' : r.activation() });
  }
}

export function activation(config: ActivationConfig): Activation {
  return new Activation(config);
}

/** The activation layers with options (ReLU, LeakyReLU, ELU): one of lib/activation.wgsl's functions with a fixed alpha. */
export abstract class ElementwiseActivationLayer extends Layer {
  protected abstract readonly act: ActivationName;
  protected abstract readonly alpha: number | undefined;

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  forward(x: Tensor): Tensor {
    return activationForward(x, this.act, this.alpha);
  }

  backward(dy: Tensor, _x: Tensor, y: Tensor): Tensor {
    return activationBackward(y, dy, this.act, this.alpha);
  }
}

/** Checks a finite-number option of an activation layer. */
export function finiteOption(layer: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${layer}: ${key} must be a finite number, got ${JSON.stringify(value) ?? String(value)}`);
  return value;
}
