// Reshape: the same values per sample under targetShape.
import { Layer, checkOptions, shapeError, type LayerConfig } from './layer.js';
import { formatShape, sizeOf, type Shape, type Tensor } from '../tensor.js';
import { ConfigReader, type Json } from './config.js';

export interface ReshapeConfig extends LayerConfig {
  targetShape: Shape;
}

/** Layers that only change the shape: views of the same buffer, no kernel. */
export abstract class ViewLayer extends Layer {
  // Views of the same buffer: the model frees a step's tensors only when the step is encoded.
  forward(x: Tensor): Tensor {
    const [batch] = x.shape;
    return x.reshape([batch, ...(this.computeOutputShape(x.shape.slice(1)) as Shape)]);
  }

  backward(dy: Tensor, x: Tensor): Tensor {
    return dy.reshape(x.shape);
  }
}

export class Reshape extends ViewLayer {
  static override readonly className = 'Reshape';
  readonly targetShape: Shape;

  constructor(config: ReshapeConfig) {
    super(config);
    checkOptions('Reshape', config, ['targetShape']);
    this.targetShape = config.targetShape;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (sizeOf(inputShape) !== sizeOf(this.targetShape)) throw shapeError(this, inputShape, `${sizeOf(inputShape)} values per sample do not fit targetShape ${formatShape(this.targetShape)}`);
    return this.targetShape;
  }

  override getConfig(): Json {
    return { targetShape: [...this.targetShape], ...super.getConfig() };
  }

  static override fromConfig(config: Json): Reshape {
    const r = new ConfigReader(config, `layer '${String(config?.name)}' (Reshape)`);
    return new Reshape({ ...r.base(), targetShape: r.shape('targetShape') });
  }
}

export function reshape(config: ReshapeConfig): Reshape {
  return new Reshape(config);
}
