// LeakyReLU (Keras/TF.js): x for x > 0, alpha·x otherwise; alpha defaults to 0.3.
import { ElementwiseActivationLayer, finiteOption } from './activation.js';
import { checkOptions, type LayerConfig } from './layer.js';

export interface LeakyReLUConfig extends LayerConfig {
  alpha?: number;
}

export class LeakyReLU extends ElementwiseActivationLayer {
  static override readonly className = 'LeakyReLU';
  protected readonly act = 'leakyRelu' as const;
  readonly alpha: number;

  constructor(config: LeakyReLUConfig = {}) {
    super(config);
    checkOptions('LeakyReLU', config, ['alpha']);
    this.alpha = finiteOption('LeakyReLU', 'alpha', config.alpha ?? 0.3);
  }

  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

export function leakyReLU(config: LeakyReLUConfig = {}): LeakyReLU {
  return new LeakyReLU(config);
}
