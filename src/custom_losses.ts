// Losses written as ops: compile({ loss: (yTrue, yPred) => … }) and addLoss(() => …). Each is
// differentiated by the tape (src/tape.ts) inside the training step: its value is summed into the
// batch's loss slots on the GPU and its gradient handed to the backward pass, in the same command
// buffer as the rest of the step (no readback).
import { SymbolicTensor } from './graph.js';
import type { AddedLoss, Layer } from './layers/layer.js';
import type { AnyModel } from './model.js';
import type { Pass } from './execution.js';
import { binary } from './ops/binary.js';
import { sum as sumInto } from './ops/reduce.js';
import { compileLoss, lossProgramPass } from './ops/loss_program.js';
import { gradients, resolvingSymbols, tidy } from './tape.js';
import { formatShape, Tensor } from './tensor.js';

/** A loss function as compile() takes it: a scalar from targets and predictions. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Where a loss value goes: out[outIndex] (+)= weight · value. */
export interface Slot {
  out: Tensor;
  outIndex: number;
  accumulate?: boolean;
  weight?: number;
}

function checkResult(what: string, y: unknown): asserts y is Tensor {
  if (y instanceof Promise) throw new Error(`${what} returned a Promise; a loss must be computed synchronously from ops`);
  if (!(y instanceof Tensor)) throw new Error(`${what} must return a Tensor, got ${y === null ? 'null' : typeof y}`);
  if (y.size !== 1) throw new Error(`${what} must return a scalar, got shape ${formatShape(y.shape)}; reduce it with mean() or sum()`);
}

/** fn, with its result checked (a scalar Tensor) before any backward work. */
function checked(what: string, fn: () => unknown): () => Tensor {
  return () => {
    const y = fn();
    checkResult(what, y);
    return y;
  };
}

function store(value: Tensor, slots: readonly Slot[]): void {
  for (const { out, outIndex, accumulate = false, weight = 1 } of slots) sumInto(value, { scale: weight, out, outIndex, accumulate });
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return formatShape(a.shape) === formatShape(b.shape);
}

/** History's key for an output's loss: a named loss function's name in snake_case, else `<output>_loss`. */
export function lossKey(loss: unknown, outputName: string): string {
  const name = typeof loss === 'function' ? loss.name : '';
  if (name && /^[A-Za-z_]\w*$/.test(name) && name !== 'loss') return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return `${outputName}_loss`;
}

/** A custom loss's value into the slots (evaluation: no gradient). */
export function customLossValue(fn: LossFunction, yTrue: Tensor, yPred: Tensor, slots: readonly Slot[], what = 'the loss function'): void {
  const fused = sameShape(yTrue, yPred) ? compileLoss(fn, yPred.shape) : null;
  if (fused) {
    lossProgramPass(fused, yTrue, yPred, slots);
    return;
  }
  tidy(() => store(checked(what, () => fn(yTrue, yPred))(), slots));
}

/**
 * A custom loss's value into the slots and its gradient with respect to yPred times `weight`
 * (null when the weight is 0), which the caller owns. Errors: a non-scalar result, or one that does
 * not depend on yPred.
 */
export function customLossStep(fn: LossFunction, yTrue: Tensor, yPred: Tensor, slots: readonly Slot[], weight = 1, what = 'the loss function'): Tensor | null {
  // An elementwise loss, summed or averaged: one fused pass for value and gradient (src/ops/loss_program.ts).
  const fused = sameShape(yTrue, yPred) ? compileLoss(fn, yPred.shape) : null;
  if (fused) return lossProgramPass(fused, yTrue, yPred, slots, weight === 0 ? null : weight);
  const { value, grads } = gradients(checked(what, () => fn(yTrue, yPred)), [yPred], undefined, what, true);
  try {
    const g = grads[0];
    if (!g) throw new Error(`${what} returned a value that does not depend on yPred (its second argument): training could not change it`);
    store(value, slots);
    if (weight === 1) return g;
    const scaled = weight === 0 ? null : binary('mul', g, weight);
    g.dispose();
    return scaled;
  } finally {
    value.dispose();
  }
}

/** The added losses of a model: its own (addLoss), then its layers' (nested models' included). */
export function addedLossesOf(model: AnyModel): (AddedLoss & { owner: Layer })[] {
  const seen = new Set<Layer>();
  const out: (AddedLoss & { owner: Layer })[] = [];
  const visit = (layer: Layer) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    for (const a of layer.addedLosses) out.push({ ...a, owner: layer });
    for (const inner of (layer as AnyModel).layers ?? []) visit(inner);
  };
  visit(model);
  const names = new Set<string>();
  for (const a of out) {
    if (names.has(a.name)) throw new Error(`model '${model.name}': two added losses are named '${a.name}'; pass a name to addLoss(fn, name)`);
    names.add(a.name);
  }
  return out;
}

/**
 * The added losses of one step: each value into its slot and the total; with `train`, their
 * gradients (summed) with respect to the trainable weights, added to weight.grad, and with respect
 * to the pass's symbolic tensors (which the loss functions read as their values in this step),
 * returned for the backward pass to start from.
 */
export function stepAddedLosses(model: AnyModel, pass: Pass, losses: readonly (AddedLoss & { owner: Layer; slot: Slot })[], total: Slot, train: boolean): Map<SymbolicTensor, Tensor> {
  const symbolGrads = new Map<SymbolicTensor, Tensor>();
  if (losses.length === 0) return symbolGrads;
  const resolve = (x: object): Tensor | undefined => {
    if (!(x instanceof SymbolicTensor)) return undefined;
    const value = pass.values.get(x);
    if (!value) throw new Error(`model '${model.name}': an added loss reads symbolic tensor '${x.name}', which this model does not compute`);
    return value;
  };
  // Sources: the trainable weights, then each distinct tensor of the pass (a symbolic tensor's value).
  const weights = model.trainableWeights;
  const symbols = new Map<Tensor, SymbolicTensor>();
  for (const [sym, t] of pass.values) if (!symbols.has(t)) symbols.set(t, sym);
  const sources = [...weights.map((w) => w.value), ...symbols.keys()];
  const symbolList = [...symbols.values()];
  for (const { fn, name, owner, slot } of losses) {
    const what = `${owner === model ? 'model' : 'layer'} '${owner.name}': added loss '${name}'`;
    const run = checked(what, () => resolvingSymbols(resolve, fn));
    if (!train) {
      tidy(() => store(run(), [{ ...total, accumulate: true }, slot]));
      continue;
    }
    const { value, grads } = gradients(run, sources, undefined, what, true);
    store(value, [{ ...total, accumulate: true }, slot]);
    value.dispose();
    grads.forEach((g, k) => {
      if (!g) return;
      if (k < weights.length) {
        const w = weights[k];
        w.grad = w.grad ? sumAndFree(w.grad, g) : g;
        return;
      }
      const sym = symbolList[k - weights.length];
      const prev = symbolGrads.get(sym);
      symbolGrads.set(sym, prev ? sumAndFree(prev, g) : g);
    });
  }
  return symbolGrads;
}

function sumAndFree(a: Tensor, b: Tensor): Tensor {
  const s = binary('add', a, b);
  a.dispose();
  b.dispose();
  return s;
}
