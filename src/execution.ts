// Running a model's graph on a batch: forward through its nodes in order, backward through them in
// reverse. Everything is encoded into the shared command encoder; nothing is read back. Used by
// predict and the training step, and by a model applied as a layer inside another model.
//
// Backward, for each node from the last to the first:
//   dL/d(output) = Σ over the nodes that read it of what their backward returned (fan-out), plus
//                  the loss gradient where it is a model output;
//   dL/d(inputs), dL/d(weights) = layer.runBackward(dL/d(outputs), …); a layer used by several
//                  nodes sums its weight gradients (Layer.addGrad).
// Gradients handed to a layer's backward belong to it (it may add to them in place, as the
// activity and contractive penalties do), so gradients are never shared between two tensors.
import type { GraphNode, SymbolicTensor } from './graph.js';
import type { CallState, Weight } from './layers/layer.js';
import type { Optimizer } from './optimizers.js';
import type { ActivationName } from './ops/activation.js';
import { l1l2Backward, l1l2Penalty } from './ops/regularizers.js';
import { binary } from './ops/binary.js';
import { zeros } from './ops/fill.js';
import { encoder, flush, sync } from './runner.js';
import { empty, type Tensor } from './tensor.js';
import { BatchSources, dataList, positiveInteger, sampleOrder, type Data, type SampleOrder } from './batches.js';
import type { AnyModel, DataArg } from './model.js';

/** What execution needs of a model: its graph. */
export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  readonly nodes: readonly GraphNode[];
}

/** The tensors of one forward pass, freed together once the work that reads them is encoded. */
export interface Pass {
  graph: Graph;
  values: Map<SymbolicTensor, Tensor>;
  states: Map<GraphNode, CallState>;
  /** Every tensor the pass made (node outputs), to free. */
  made: Set<Tensor>;
  batch: number;
}

/** Seeds of the random layers: one per node, derived from the step's seed, so a step can be replayed. */
function nodeSeed(seed: number, i: number): number {
  return (seed + i * 0x9e3779b9) >>> 0;
}

/** The model's inputs → every node's outputs. */
export function forwardPass(graph: Graph, inputs: readonly Tensor[], options: { training: boolean; seed: number; step: number }): Pass {
  const pass: Pass = { graph, values: new Map(), states: new Map(), made: new Set(), batch: inputs[0].shape[0] };
  graph.inputs.forEach((t, i) => pass.values.set(t, inputs[i]));
  graph.nodes.forEach((node, i) => {
    const state: CallState = { training: options.training, seed: nodeSeed(options.seed, i), step: options.step, saved: [] };
    pass.states.set(node, state);
    const outputs = node.layer.run(node.inputs.map((t) => pass.values.get(t)!), state);
    node.outputs.forEach((t, k) => {
      pass.values.set(t, outputs[k]);
      pass.made.add(outputs[k]);
    });
  });
  return pass;
}

/** The pass's values of the model's outputs. */
export function outputsOf(pass: Pass): Tensor[] {
  return pass.graph.outputs.map((t) => pass.values.get(t)!);
}

/** Frees a pass: node outputs, what layers saved for backward, nested passes. */
export function freePass(pass: Pass): void {
  for (const t of pass.made) t.dispose();
  for (const s of pass.states.values()) {
    for (const t of s.saved) t.dispose();
    if (s.nested) freePass(s.nested as Pass);
  }
}

/**
 * Adds the penalties of a training pass to loss[index]: activity regularizers (divided by the batch
 * size, as Keras does) and the layers' own call penalties, nested models included.
 */
export function addPenalties(pass: Pass, loss: Tensor, index: number): void {
  for (const [node, state] of pass.states) {
    const { layer } = node;
    const y = pass.values.get(node.outputs[0])!;
    if (layer.activityRegularizer) l1l2Penalty(y, layer.activityRegularizer, { scale: 1 / pass.batch, out: loss, outIndex: index, accumulate: true });
    layer.addCallPenalty(y, loss, index, state);
    if (state.nested) addPenalties(state.nested as Pass, loss, index);
  }
}

/**
 * The activation of the layer that made t, when the one consumer of t may apply its derivative in
 * its own pass, so that the layer skips its activation-backward pass: t is the only output of its
 * node, without activity regularizer (which would add to t's gradient), and `reader` is all that
 * reads it — the one node taking t as input, or (reader null) the loss, t being one model output
 * and read by no node. (Added losses can read any tensor: callers do not fold when a model has any.)
 */
function foldableActivation(graph: Graph, t: SymbolicTensor, reader: GraphNode | null): ActivationName | null {
  const producer = t.node;
  const activation = producer?.layer.outputActivation ?? null;
  if (!producer || activation === null || producer.outputs.length !== 1 || producer.layer.activityRegularizer) return null;
  const readers = graph.nodes.filter((n) => n.inputs.includes(t));
  const asOutput = graph.outputs.filter((o) => o === t).length;
  const sole = reader === null ? readers.length === 0 && asOutput === 1 : asOutput === 0 && readers.length === 1 && readers[0] === reader;
  return sole ? activation : null;
}

/**
 * Where a training step's loss kernel may apply the activation derivative of output k's layer
 * (foldableActivation with the loss as reader), handing that layer dL/d(pre-activation) directly:
 * the activation and the call's state, whose dyPreActivation the caller sets once the kernel is
 * encoded; null otherwise.
 */
export function lossFusableActivation(pass: Pass, k: number): { activation: ActivationName; state: CallState } | null {
  const t = pass.graph.outputs[k];
  const activation = foldableActivation(pass.graph, t, null);
  return activation === null ? null : { activation, state: pass.states.get(t.node!)! };
}

/**
 * Before a training step's backward: where a layer that can fold in its input's activation
 * (Layer.foldsInputActivation, e.g. MaxPooling2D) is the sole reader of a layer's activated output
 * (foldableActivation), the reader applies act' to its dx and the producer skips its
 * activation-backward pass.
 */
export function foldInputActivations(pass: Pass): void {
  for (const node of pass.graph.nodes) {
    if (!node.layer.foldsInputActivation || node.inputs.length !== 1) continue;
    const t = node.inputs[0];
    const activation = foldableActivation(pass.graph, t, node);
    if (activation === null) continue;
    pass.states.get(node)!.inputActivation = activation;
    pass.states.get(t.node!)!.dyPreActivation = true;
  }
}

/**
 * Starts the optimizer's step before backward (Optimizer.beginStep) and hands each weight whose
 * update the GEMM computing its gradient may apply its update (Weight.update): a weight used by
 * one call of the pass (a gradient summed over calls is complete only after the last), without a
 * regularizer (its term joins the gradient after backward) and without a gradient yet (an added
 * loss's). A nested model's weights count once for its node and once for their own: not handed.
 */
export function offerFusedUpdates(pass: Pass, trainable: readonly Weight[], optimizer: Optimizer): void {
  const updates = optimizer.beginStep?.(trainable.map((w) => w.value)) ?? [];
  // Fusion off (the default) hands out none: no walk over the graph in every step.
  if (!updates.some((u) => u)) return;
  const uses = new Map<Weight, number>();
  const count = (p: Pass) => {
    for (const node of p.graph.nodes) for (const w of node.layer.weights) uses.set(w, (uses.get(w) ?? 0) + 1);
    for (const s of p.states.values()) if (s.nested) count(s.nested as Pass);
  };
  count(pass);
  trainable.forEach((w, i) => {
    if (!w.regularizer && !w.grad && uses.get(w) === 1) w.update = updates[i];
  });
}

/** A fresh copy of a tensor (its own buffer). */
function copyOf(t: Tensor): Tensor {
  const out = empty(t.shape);
  encoder().copyBufferToBuffer(t.buffer, 0, out.buffer, 0, t.buffer.size);
  return out;
}

/** Sums gradient contributions per tensor, keeping each stored gradient unshared. */
class Gradients {
  readonly #grads = new Map<SymbolicTensor, Tensor>();
  /** Every gradient made during backward, freed at the end. */
  readonly made = new Set<Tensor>();

  add(t: SymbolicTensor, g: Tensor): void {
    this.made.add(g);
    const old = this.#grads.get(t);
    if (!old) this.#grads.set(t, g);
    else {
      const sum = binary('add', old, g);
      this.made.add(sum);
      this.#grads.set(t, sum);
    }
  }

  /** The gradient of t, or zeros when nothing downstream of it reaches the loss. */
  take(t: SymbolicTensor, value: Tensor): Tensor {
    let g = this.#grads.get(t);
    if (!g) {
      g = zeros(value.shape);
      this.made.add(g);
    }
    return g;
  }

  get(t: SymbolicTensor): Tensor | undefined {
    return this.#grads.get(t);
  }
}

/**
 * Backward through a pass, given dL/d(each model output) (null where an output does not reach the
 * loss). Sets the weights' gradients and returns dL/d(each model input), null where not wanted.
 * The returned input gradients are copies owned by the caller; everything else is freed.
 */
export function backwardPass(pass: Pass, outputGrads: readonly (Tensor | null)[], needInputGrads: readonly boolean[], extraGrads?: ReadonlyMap<SymbolicTensor, Tensor>): (Tensor | null)[] {
  const { graph } = pass;
  const grads = new Gradients();
  graph.outputs.forEach((t, k) => {
    const g = outputGrads[k];
    if (g) grads.add(t, g);
  });
  // Gradients that start inside the graph (a model's added losses read its symbolic tensors).
  extraGrads?.forEach((g, t) => grads.add(t, g));
  const wanted = new Set(graph.inputs.filter((_, i) => needInputGrads[i]));
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    const { layer } = node;
    if (!node.outputs.some((t) => grads.get(t))) continue;
    const outputs = node.outputs.map((t) => pass.values.get(t)!);
    const dys = node.outputs.map((t, k) => grads.take(t, outputs[k]));
    if (layer.activityRegularizer) l1l2Backward(outputs[0], layer.activityRegularizer, dys[0], 1 / pass.batch);
    const need = node.inputs.map((t) => t.node !== null || wanted.has(t));
    const inputs = node.inputs.map((t) => pass.values.get(t)!);
    const dxs = layer.runBackward(dys, inputs, outputs, pass.states.get(node)!, need);
    node.inputs.forEach((t, k) => {
      const dx = dxs[k];
      if (dx && need[k]) grads.add(t, dx);
      else dx?.dispose();
    });
  }
  const result = graph.inputs.map((t, i) => {
    const g = needInputGrads[i] ? grads.get(t) : undefined;
    return g ? copyOf(g) : null;
  });
  for (const g of grads.made) g.dispose();
  return result;
}

export interface PredictArgs {
  batchSize?: number;
  /** Multiplies uint8 data as it is uploaded, e.g. 1/255 for pixels. */
  scale?: number;
}

/** Checks `scale` where it enters: a finite number. */
export function checkScale(scale: unknown, what: string): number {
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`${what}: scale must be a finite number, got ${String(scale)}`);
  return scale;
}

/**
 * Runs the model over x batch by batch (inference), handing each batch's outputs, its targets
 * (rows of ys) and first sample index to `use`, which encodes what it writes into `result`.
 * Returns `result` once the GPU is done; frees it on error.
 */
export async function eachBatch<R extends Tensor | Tensor[]>(
  model: AnyModel,
  xs: readonly Data[],
  ys: readonly Data[],
  options: { batchSize: number; scale: number },
  result: R,
  use: (outputs: Tensor[], targets: Tensor[], first: number) => void,
): Promise<R> {
  const n = xs[0].shape[0];
  let sources: BatchSources | null = null;
  let order: SampleOrder | null = null;
  try {
    sources = new BatchSources([...xs, ...ys], options.scale);
    order = sampleOrder(n, null, 0, sources.anyResident);
    for (let first = 0; first < n; first += options.batchSize) {
      const count = Math.min(options.batchSize, n - first);
      const xb = sources.batches(xs, order, first, count);
      const yb = sources.batches(ys, order, first, count);
      const pass = forwardPass(model, xb, { training: false, seed: 0, step: model.step });
      use(outputsOf(pass), yb, first);
      freePass(pass);
      for (const t of new Set([...xb, ...yb])) t.dispose();
      flush();
    }
    await sync();
    return result;
  } catch (e) {
    for (const r of Array.isArray(result) ? result : [result]) r.dispose();
    throw e;
  } finally {
    order?.gpu?.dispose();
    sources?.dispose();
  }
}

/** Every output of the model for x, batch by batch: one tensor [N, ...outputShape] per output. */
export async function predict(model: AnyModel, x: DataArg, args: PredictArgs = {}): Promise<Tensor<'float32'>[]> {
  const batchSize = positiveInteger(args.batchSize ?? 32, 'predict: batchSize');
  const scale = checkScale(args.scale ?? 1, 'predict');
  const xs = dataList(x, model.inputNames, model.inputShapes!, 'predict: x');
  const n = xs[0].shape[0];
  const results = model.outputs.map((t) => empty([n, ...t.sampleShape]) as Tensor<'float32'>);
  return eachBatch(model, xs, [], { batchSize, scale }, results, (outputs, _, first) => {
    outputs.forEach((y, k) => {
      const rowBytes = (results[k].size / n) * 4;
      encoder().copyBufferToBuffer(y.buffer, 0, results[k].buffer, first * rowBytes, y.shape[0] * rowBytes);
    });
  });
}
