// Losses written as ops: compile({ loss: (yTrue, yPred) => … }) and addLoss(() => …). Each is
// differentiated by the tape (src/tape.ts) inside the training step: its value is summed into the
// batch's loss slot on the GPU and its gradient handed to the backward pass, in the same command
// buffer as the rest of the step (no readback).
import { binary } from './ops/binary.js';
import { sum as sumInto } from './ops/reduce.js';
import { gradients, resolvingSymbols, tidy } from './tape.js';
import { formatShape, Tensor } from './tensor.js';

/** A loss function as compile() takes it: a scalar from targets and predictions. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A loss added with addLoss: a scalar computed from weights or (for a model) symbolic tensors. */
export type AddedLoss = () => Tensor;

interface Slot {
  out: Tensor;
  outIndex: number;
  /** Add to out[outIndex] instead of overwriting it. */
  accumulate?: boolean;
  /** Multiplies the value (and the gradient): the output's loss weight. */
  weight?: number;
}

function checkResult(what: string, y: unknown): asserts y is Tensor {
  if (y instanceof Promise) throw new Error(`${what} returned a Promise; a loss must be computed synchronously from ops`);
  if (!(y instanceof Tensor)) throw new Error(`${what} must return a Tensor, got ${y === null ? 'null' : typeof y}`);
  if (y.size !== 1) throw new Error(`${what} must return a scalar, got shape ${formatShape(y.shape)}; reduce it with mean() or sum()`);
}

/** Wraps fn so that its result is checked (scalar, a Tensor) before any backward work. */
function checked(what: string, fn: () => unknown): () => Tensor {
  return () => {
    const y = fn();
    checkResult(what, y);
    return y;
  };
}

/** Writes weight · value into the slot. */
function store(value: Tensor, { out, outIndex, accumulate = false, weight = 1 }: Slot): void {
  sumInto(value, { scale: weight, out, outIndex, accumulate });
}

/** A custom loss's value into the slot (evaluation: no gradient). */
export function customLossValue(fn: LossFunction, yTrue: Tensor, yPred: Tensor, slot: Slot, what = 'the loss function'): void {
  tidy(() => store(checked(what, () => fn(yTrue, yPred))(), slot));
}

/**
 * A custom loss's value into the slot and its gradient with respect to yPred (times the slot's
 * weight), which the caller owns. Errors: a non-scalar result, or one that does not depend on yPred.
 */
export function customLossStep(fn: LossFunction, yTrue: Tensor, yPred: Tensor, slot: Slot, what = 'the loss function'): Tensor {
  const { value, grads } = gradients(checked(what, () => fn(yTrue, yPred)), [yPred], undefined, what, true);
  try {
    const g = grads[0];
    if (!g) throw new Error(`${what} returned a value that does not depend on yPred (its second argument): training could not change it`);
    store(value, slot);
    const weight = slot.weight ?? 1;
    if (weight === 1) return g;
    const scaled = binary('mul', g, weight);
    g.dispose();
    return scaled;
  } finally {
    value.dispose();
  }
}

/**
 * The added losses of one training step: each value into the slot (the total), and the gradients
 * with respect to `sources` (weights, and the step's values of the symbolic tensors the losses
 * read, which `resolve` supplies), summed over the losses; null where none depends on a source.
 */
export function addedLossesStep(
  losses: readonly { fn: AddedLoss; what: string; slot?: Slot }[],
  sources: readonly Tensor[],
  total: Slot,
  resolve?: (x: object) => Tensor | undefined,
): (Tensor | null)[] {
  const sum: (Tensor | null)[] = sources.map(() => null);
  for (const { fn, what, slot } of losses) {
    const run = checked(what, fn);
    const { value, grads } = gradients(() => (resolve ? resolvingSymbols(resolve, run) : run()), sources, undefined, what, true);
    store(value, { ...total, accumulate: true });
    if (slot) store(value, slot);
    value.dispose();
    grads.forEach((g, k) => {
      if (!g) return;
      const prev = sum[k];
      sum[k] = prev ? binary('add', prev, g) : g;
      if (prev) {
        prev.dispose();
        g.dispose();
      }
    });
  }
  return sum;
}

/** The added losses' values only (evaluation). */
export function addedLossesValue(losses: readonly { fn: AddedLoss; what: string; slot?: Slot }[], total: Slot, resolve?: (x: object) => Tensor | undefined): void {
  for (const { fn, what, slot } of losses) {
    tidy(() => {
      const run = checked(what, fn);
      const value = resolve ? resolvingSymbols(resolve, run) : run();
      store(value, { ...total, accumulate: true });
      if (slot) store(value, slot);
    });
  }
}
