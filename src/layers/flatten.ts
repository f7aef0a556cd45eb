// Flatten: [h, w, c] per sample → [h·w·c], a view.
import { ViewLayer } from './reshape.js';
import { checkOptions, type LayerConfig } from './layer.js';
import { sizeOf, type Shape } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export class Flatten extends ViewLayer {
  static override readonly className = 'Flatten';

  constructor(config: LayerConfig = {}) {
    super(config);
    checkOptions('Flatten', config, []);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [sizeOf(inputShape)];
  }

  override getConfig(): Json {
    return { dataFormat: 'channels_last', ...super.getConfig() };
  }

  static override fromConfig(config: Json): Flatten {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (Flatten)`);
    r.only('dataFormat', 'channels_last');
    return new Flatten(r.base());
  }
}

export function flatten(config: LayerConfig = {}): Flatten {
  return new Flatten(config);
}
