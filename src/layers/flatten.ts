// Flatten: [h, w, c] per sample → [h·w·c], a view.
import { ViewLayer } from './reshape.js';
import { checkOptions, type LayerConfig } from './layer.js';
import { sizeOf, type Shape } from '../tensor.js';

export class Flatten extends ViewLayer {
  readonly className = 'Flatten';

  constructor(config: LayerConfig = {}) {
    super(config, 'Flatten');
    checkOptions('Flatten', config, []);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [sizeOf(inputShape)];
  }

  getConfig(): Record<string, unknown> {
    return {};
  }
}

export function flatten(config: LayerConfig = {}): Flatten {
  return new Flatten(config);
}
