// The symbolic graph (Keras's functional API): input() returns a shape-only tensor, layer.apply()
// records a node with its input tensors and creates its output tensors. A model orders the nodes
// between its inputs and outputs once, as Keras does: a depth-first walk back from the outputs
// (micrograd's build_topo), then nodes and layers sorted by depth, deepest first.
import type { Layer } from './layers/layer.js';
import type { Shape } from './tensor.js';

/** A shape with the batch dimension first, unknown until data arrives (Keras's None). */
export type SymbolicShape = readonly (number | null)[];

export class SymbolicTensor {
  constructor(
    readonly shape: SymbolicShape,
    /** The call that produced it; null for a model input. */
    readonly node: GraphNode | null,
    /** Which of the node's outputs it is (0 for a model input). */
    readonly outputIndex: number,
    readonly name: string,
  ) {}

  /** The shape of one sample (without the batch dimension). */
  get sampleShape(): Shape {
    return this.shape.slice(1) as number[];
  }
}

/** One call of a layer: inputs → outputs. A layer applied twice has two nodes sharing its weights. */
export interface GraphNode {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Creation order across the program: a layer's nodes are numbered by it when a model is saved. */
  readonly id: number;
}

let nodeCount = 0;

export function recordNode(layer: Layer, inputs: readonly SymbolicTensor[], outputShapes: readonly Shape[]): SymbolicTensor[] {
  const outputs: SymbolicTensor[] = [];
  const node: GraphNode = { layer, inputs: [...inputs], outputs, id: nodeCount++ };
  outputShapes.forEach((shape, i) => {
    const suffix = outputShapes.length > 1 ? `/output_${i}` : '/output';
    outputs.push(new SymbolicTensor([null, ...shape], node, i, `${layer.name}${suffix}`));
  });
  return outputs;
}

let inputCount = 0;

/** A model input of the given per-sample shape (batch dimension implicit, like Keras's (None, …)). */
export function input(config: { shape: Shape; name?: string }): SymbolicTensor {
  const { shape } = config ?? {};
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`input: shape must be a non-empty list of positive integers, got ${JSON.stringify(shape)}`);
  }
  const name = config.name ?? (inputCount++ === 0 ? 'input' : `input_${inputCount - 1}`);
  return new SymbolicTensor([null, ...shape], null, 0, name);
}

/** A model's nodes and layers in execution order, as Keras's Functional orders them. */
export interface Topology {
  /** The nodes between the inputs and the outputs, deepest first (each after the nodes it reads). */
  nodes: GraphNode[];
  /** Every layer once, deepest first; at equal depth, in the order the walk from the outputs met them. */
  layers: Layer[];
  /** The depth of each model input (its InputLayer's place in `layers`). */
  inputDepths: Map<SymbolicTensor, number>;
  /** The order the walk met each model input, to break ties at equal depth as Keras does. */
  inputIndices: Map<SymbolicTensor, number>;
  layerIndices: Map<Layer, number>;
  layerDepths: Map<Layer, number>;
}

function describe(t: SymbolicTensor): string {
  return t.node ? `'${t.name}'` : `input '${t.name}'`;
}

/**
 * Orders the graph from `inputs` to `outputs`. Errors name what is wrong: an output that depends on
 * a tensor which is not among the inputs, an input that reaches no output, the same input twice.
 */
export function orderGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], what: string): Topology {
  const inputSet = new Set(inputs);
  if (inputSet.size !== inputs.length) throw new Error(`${what}: the same input is listed twice among the inputs`);
  for (const t of [...inputs, ...outputs]) {
    if (!(t instanceof SymbolicTensor)) throw new Error(`${what}: inputs and outputs must be symbolic tensors from input() or a layer's apply(), got ${t === null ? 'null' : typeof t === 'object' ? (t as object).constructor?.name : typeof t}`);
  }
  for (const t of inputs) {
    if (t.node) throw new Error(`${what}: input ${describe(t)} is computed by layer '${t.node.layer.name}'; a model's inputs must come from input()`);
  }
  const finished = new Set<GraphNode>();
  const inProgress = new Set<GraphNode>();
  const postorder: GraphNode[] = [];
  const layerIndices = new Map<Layer, number>();
  const inputIndices = new Map<SymbolicTensor, number>();
  const reached = new Set<SymbolicTensor>();
  // Keras numbers layers as the walk first meets them, input layers included, in one sequence.
  let index = 0;
  const visit = (t: SymbolicTensor, from: SymbolicTensor) => {
    if (inputSet.has(t)) {
      reached.add(t);
      if (!inputIndices.has(t)) inputIndices.set(t, index++);
      return;
    }
    const node = t.node;
    if (!node) throw new Error(`${what}: output ${describe(from)} depends on input '${t.name}', which is not among the model's inputs (${inputs.map((i) => `'${i.name}'`).join(', ')})`);
    if (finished.has(node)) return;
    if (inProgress.has(node)) throw new Error(`${what}: the graph has a cycle through layer '${node.layer.name}'`);
    if (!layerIndices.has(node.layer)) layerIndices.set(node.layer, index++);
    inProgress.add(node);
    for (const x of node.inputs) visit(x, from);
    inProgress.delete(node);
    finished.add(node);
    postorder.push(node);
  };
  for (const o of outputs) visit(o, o);
  const unused = inputs.filter((t) => !reached.has(t));
  if (unused.length) throw new Error(`${what}: input${unused.length > 1 ? 's' : ''} ${unused.map((t) => `'${t.name}'`).join(', ')} reach${unused.length > 1 ? '' : 'es'} no output`);

  // Depths: an output's node is 0, a node's inputs are one deeper (the largest over all paths); a
  // layer used several times takes its deepest node's depth.
  const nodeDepths = new Map<GraphNode, number>();
  const layerDepths = new Map<Layer, number>();
  const inputDepths = new Map<SymbolicTensor, number>();
  for (const node of [...postorder].reverse()) {
    const depth = Math.max(nodeDepths.get(node) ?? 0, layerDepths.get(node.layer) ?? 0);
    nodeDepths.set(node, depth);
    layerDepths.set(node.layer, depth);
    for (const x of node.inputs) {
      if (x.node) nodeDepths.set(x.node, Math.max(depth + 1, nodeDepths.get(x.node) ?? 0));
      else inputDepths.set(x, Math.max(depth + 1, inputDepths.get(x) ?? 0));
    }
  }
  for (const t of inputs) if (!inputDepths.has(t)) inputDepths.set(t, 0);
  // Deepest first; ties keep the post-order, so every node still follows the nodes it reads.
  const nodes = postorder
    .map((node, i) => ({ node, i }))
    .sort((a, b) => nodeDepths.get(b.node)! - nodeDepths.get(a.node)! || a.i - b.i)
    .map((e) => e.node);
  const layers = [...layerDepths.keys()].sort((a, b) => layerDepths.get(b)! - layerDepths.get(a)! || layerIndices.get(a)! - layerIndices.get(b)!);
  return { nodes, layers, inputDepths, inputIndices, layerIndices, layerDepths };
}
