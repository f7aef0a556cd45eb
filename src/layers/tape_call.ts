// Layers written as ops (a Lambda, or a Layer subclass with only call()): their forward runs the
// user's call() under a gradient tape (src/tape.ts), and their backward replays that tape, so no
// backward pass is written by hand. Losses a call adds (Keras's add_loss inside call(), e.g. a VAE's
// KL term) are recorded with it: their value goes into the step's loss, their gradient into the
// same backward.
//
// One call keeps its tape and the tensors its ops made until the step ends (they go into
// state.saved, which the model frees after the step); at inference the ops run under tidy() and
// only the outputs survive.
import { Tensor, empty, formatShape, type Shape } from '../tensor.js';
import { backpropagate, collecting, recording, tidy, type TapeNode } from '../tape.js';
import { binary } from '../ops/binary.js';
import { copy } from '../ops/axis.js';
import { fill } from '../ops/fill.js';
import { sum as sumInto } from '../ops/reduce.js';
import type { CallState, Weight } from './layer.js';

/** What a training call keeps for its backward. */
interface TapeCall {
  tape: TapeNode[];
  inputs: readonly Tensor[];
  weights: readonly Weight[];
  outputs: readonly Tensor[];
  /** Scalar losses the call added, each with its weight in the total. */
  losses: Tensor[];
}

const calls = new WeakMap<CallState, TapeCall>();

/** Losses added by the call running now (addLoss inside call()); null outside a call. */
let addedLosses: Tensor[] | null = null;

/** Adds a scalar loss computed inside a layer's call() from its tensors (Keras's add_loss). */
export function addCallLoss(what: string, loss: Tensor): void {
  if (!(loss instanceof Tensor)) throw new Error(`${what}: addLoss() inside call() takes a scalar Tensor computed from the call's tensors`);
  if (loss.size !== 1) throw new Error(`${what}: an added loss must be a scalar, got shape ${formatShape(loss.shape)}; reduce it with mean() or sum()`);
  if (!addedLosses) throw new Error(`${what}: addLoss(tensor) is for use inside call(); outside it pass a function, addLoss(() => loss)`);
  addedLosses.push(loss);
}

function outputsOf(what: string, result: unknown): Tensor[] {
  const list = Array.isArray(result) ? result : [result];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${what}: call() must return a Tensor or a list of Tensors, got ${t === null ? 'null' : typeof t}${list.length > 1 ? ` at ${i}` : ''}`);
  });
  return list as Tensor[];
}

/** Throws naming the layer when call() gave other shapes than computeOutputShape() declared. */
function checkShapes(what: string, outputs: readonly Tensor[], expected: readonly Shape[] | undefined): void {
  if (!expected) return;
  const got = outputs.map((t) => formatShape(t.shape.slice(1))).join(', ');
  const want = expected.map(formatShape).join(', ');
  if (outputs.length !== expected.length || got !== want) {
    throw new Error(`${what}: call() returned shape ${outputs.map((t) => formatShape(t.shape)).join(', ')}, but the layer's output shape is ${want} per sample (computeOutputShape / outputShape)`);
  }
}

/**
 * The per-sample output shapes of call() for these per-sample input shapes, found by running it
 * once on a batch of one (zeros) at inference, its tensors freed at once.
 */
export function inferOutputShapes(what: string, call: (inputs: Tensor | Tensor[]) => unknown, inputShapes: readonly Shape[], asList: boolean): Shape[] {
  return tidy(() => {
    const xs = inputShapes.map((s) => fill(empty([1, ...s]), 0));
    const outer = addedLosses;
    addedLosses = [];
    try {
      return outputsOf(what, call(asList ? xs : xs[0])).map((t) => {
        if (t.shape[0] !== 1) throw new Error(`${what}: call() must keep the batch dimension first; for a batch of 1 it returned shape ${formatShape(t.shape)}`);
        return t.shape.slice(1);
      });
    } finally {
      addedLosses = outer;
    }
  });
}

/**
 * One call of an ops-written layer. `expected`: the per-sample output shapes the graph was built
 * with, checked against what call() returns. Outputs are tensors of their own (a call that returns
 * an input, or a view, gets a copy), since the model frees them after the step.
 */
export function runTapeCall(what: string, call: () => unknown, inputs: readonly Tensor[], weights: readonly Weight[], state: CallState, expected?: readonly Shape[]): Tensor[] {
  const borrowed = new Set<GPUBuffer>([...inputs, ...weights.map((w) => w.value)].map((t) => t.buffer));
  const own = (t: Tensor) => (t.isView || borrowed.has(t.buffer) ? copy(t) : t);
  const outer = addedLosses;
  addedLosses = [];
  try {
    if (!state.training) {
      // Inference: no tape, the call's intermediates freed at once; added losses are not computed into anything.
      return tidy(() => {
        const outputs = outputsOf(what, call()).map(own);
        checkShapes(what, outputs, expected);
        return outputs;
      });
    }
    const { result: { result, tape }, made } = collecting(() => recording(call));
    // A copied output (an input handed through, a view) joins the tape as an identity.
    const outputs = outputsOf(what, result).map((t) => {
      const mine = own(t);
      if (mine !== t) tape.push({ op: 'copy', inputs: [t], output: mine, backward: (dy) => [dy] });
      return mine;
    });
    // The call's tensors live until the step ends: the model frees state.saved then.
    state.saved.push(...made.filter((t) => !outputs.includes(t)));
    checkShapes(what, outputs, expected);
    calls.set(state, { tape, inputs, weights, outputs, losses: addedLosses });
    return outputs;
  } finally {
    addedLosses = outer;
  }
}

/** Adds the call's added losses (times `weight`) to loss[index] (the step's loss slot); nothing if it added none. */
export function addTapeCallLosses(state: CallState, loss: Tensor, index: number, weight = 1): void {
  const c = calls.get(state);
  for (const l of c?.losses ?? []) sumInto(l, { scale: weight, out: loss, outIndex: index, accumulate: true });
}

/**
 * The backward of one training call: replays its tape from dL/d(outputs) (and from each added
 * loss with gradient `lossWeight`), adds the weights' gradients to weight.grad, and returns
 * dL/d(inputs), null where not needed.
 */
export function runTapeBackward(what: string, state: CallState, dys: readonly Tensor[], needInputs: readonly boolean[], lossWeight = 1): (Tensor | null)[] {
  const c = calls.get(state);
  if (!c) throw new Error(`${what}: backward without a training call (the forward ran with training false)`);
  const trainable = c.weights.filter((w) => w.trainable);
  const seeds: (readonly [Tensor, Tensor])[] = c.outputs.map((y, k) => [y, dys[k]] as const);
  const ones: Tensor[] = c.losses.map((l) => fill(empty(l.shape), lossWeight));
  c.losses.forEach((l, k) => seeds.push([l, ones[k]]));
  const wanted = c.inputs.filter((_, i) => needInputs[i]);
  const grads = backpropagate(c.tape, seeds, [...wanted, ...trainable.map((w) => w.value)]);
  ones.forEach((t) => t.dispose());
  trainable.forEach((w, k) => {
    const g = grads[wanted.length + k];
    if (!g) return;
    if (!w.grad) w.grad = g;
    else {
      const total = binary('add', w.grad, g);
      w.grad.dispose();
      g.dispose();
      w.grad = total;
    }
  });
  let next = 0;
  return c.inputs.map((x, i) => {
    if (!needInputs[i]) return null;
    // An input the outputs do not depend on gets zeros (the executor sums what it is given).
    return grads[next++] ?? fill(empty(x.shape), 0);
  });
}
