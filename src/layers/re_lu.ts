// ReLU (Keras/TF.js): max(x, 0), capped at maxValue when given (relu6 for 6).
import { ElementwiseActivationLayer, finiteOption } from './activation.js';
import { checkOptions, type LayerConfig } from './layer.js';

export interface ReLUConfig extends LayerConfig {
  /** The cap; none by default. */
  maxValue?: number | null;
}

export class ReLU extends ElementwiseActivationLayer {
  static override readonly className = 'ReLU';
  readonly maxValue: number | null;
  protected readonly act;
  protected readonly alpha;

  constructor(config: ReLUConfig = {}) {
    super(config);
    checkOptions('ReLU', config, ['maxValue']);
    this.maxValue = config.maxValue ?? null;
    if (this.maxValue !== null && finiteOption('ReLU', 'maxValue', this.maxValue) < 0) throw new Error(`ReLU: maxValue must be ≥ 0, got ${this.maxValue}`);
    this.act = this.maxValue === null ? ('relu' as const) : ('relu6' as const);
    this.alpha = this.maxValue ?? undefined;
  }

  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, ...super.getConfig() };
  }
}

export function reLU(config: ReLUConfig = {}): ReLU {
  return new ReLU(config);
}
