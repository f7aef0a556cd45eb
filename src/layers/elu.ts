// ELU (Keras/TF.js): x for x > 0, alpha·(exp(x) − 1) otherwise; alpha defaults to 1.
import { ElementwiseActivationLayer, finiteOption } from './activation.js';
import { checkOptions, type LayerConfig } from './layer.js';

export interface ELUConfig extends LayerConfig {
  alpha?: number;
}

export class ELU extends ElementwiseActivationLayer {
  static override readonly className = 'ELU';
  protected readonly act = 'elu' as const;
  readonly alpha: number;

  constructor(config: ELUConfig = {}) {
    super(config);
    checkOptions('ELU', config, ['alpha']);
    this.alpha = finiteOption('ELU', 'alpha', config.alpha ?? 1);
    // Backward takes the derivative from the output (y + alpha where y ≤ 0), which a negative alpha
    // makes ambiguous: its outputs for x < 0 are positive.
    if (this.alpha < 0) throw new Error(`ELU: alpha must be ≥ 0, got ${this.alpha}`);
  }

  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

export function elu(config: ELUConfig = {}): ELU {
  return new ELU(config);
}
