// PReLU (Keras/TF.js): x where x > 0, alpha·x elsewhere, with a learned alpha per element of a
// sample (alphaInitializer 'zeros' by default, as TF.js; sharedAxes not supported).
// Backward: dx = dy (x > 0) or alpha·dy; dalpha = Σ_batch dy·x where x ≤ 0.
import { Layer, Weight, checkOptions, type LayerConfig } from './layer.js';
import { prelu as preluOp, preluBackward } from '../ops/prelu.js';
import { checkInitializer, type InitializerSpec } from '../initializers.js';
import type { L1L2 } from '../ops/regularizers.js';
import type { Shape, Tensor } from '../tensor.js';

export interface PReLUConfig extends LayerConfig {
  alphaInitializer?: InitializerSpec;
  alphaRegularizer?: L1L2;
}

export class PReLU extends Layer {
  static override readonly className = 'PReLU';
  alpha!: Weight;

  constructor(readonly config: PReLUConfig = {}) {
    super(config);
    checkOptions('PReLU', config, ['alphaInitializer', 'alphaRegularizer']);
    if (config.alphaInitializer !== undefined) checkInitializer(config.alphaInitializer, 'PReLU: alphaInitializer');
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  protected override build(inputShape: Shape): void {
    this.alpha = this.addWeight('alpha', inputShape, this.config.alphaInitializer ?? 'zeros', this.config.alphaRegularizer);
  }

  forward(x: Tensor): Tensor {
    return preluOp(x, this.alpha.value);
  }

  backward(dy: Tensor, x: Tensor): Tensor {
    const { dx, dalpha } = preluBackward(x, this.alpha.value, dy);
    this.addGrad(this.alpha, dalpha);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig() };
  }
}

export function prelu(config: PReLUConfig = {}): PReLU {
  return new PReLU(config);
}
