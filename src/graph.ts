// The symbolic graph: input() returns a shape-only tensor, layer.apply() records a node, and a
// model orders the nodes between its input and output once (Keras's functional API).
import type { Layer } from './layers/layer.js';
import { formatShape, type Shape } from './tensor.js';

/** A shape with the batch dimension first, unknown until data arrives (Keras's None). */
export type SymbolicShape = readonly (number | null)[];

export class SymbolicTensor {
  constructor(
    readonly shape: SymbolicShape,
    /** The call that produced it; null for a model input. */
    readonly node: GraphNode | null,
    readonly name: string,
  ) {}

  /** The shape of one sample (without the batch dimension). */
  get sampleShape(): Shape {
    return this.shape.slice(1) as number[];
  }
}

/** One call of a layer: input → output. A layer applied twice has two nodes sharing its weights. */
export interface GraphNode {
  layer: Layer;
  input: SymbolicTensor;
  output: SymbolicTensor;
}

export function recordNode(layer: Layer, input: SymbolicTensor, outputShape: Shape): SymbolicTensor {
  const node = { layer, input } as GraphNode;
  node.output = new SymbolicTensor([null, ...outputShape], node, `${layer.name}/output`);
  return node.output;
}

let inputCount = 0;

/** A model input of the given per-sample shape (batch dimension implicit, like Keras's (None, …)). */
export function input(config: { shape: Shape; name?: string }): SymbolicTensor {
  const { shape } = config;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`input: shape must be a non-empty list of positive integers, got ${JSON.stringify(shape)}`);
  }
  const name = config.name ?? (inputCount++ === 0 ? 'input' : `input_${inputCount - 1}`);
  return new SymbolicTensor([null, ...shape], null, name);
}

/** The nodes from `input` to `output`, in execution order; throws when output does not depend on input. */
export function orderNodes(inputTensor: SymbolicTensor, output: SymbolicTensor): GraphNode[] {
  const order: GraphNode[] = [];
  for (let t = output; t !== inputTensor; ) {
    if (!t.node) {
      throw new Error(`model: output ${formatShape(output.shape.map((d) => d ?? -1))} is not computed from the given input '${inputTensor.name}' (reached input '${t.name}')`);
    }
    order.push(t.node);
    t = t.node.input;
  }
  return order.reverse();
}
