// Keras's losses as a mean over every element (= mean over the last axis, then over the batch).
// One kernel (shaders/loss_forward.wgsl) reads the prediction and target once: it sums the
// elements' losses into one partial per workgroup, which src/ops/reduce.ts sums (scaled by 1/n)
// into each loss slot, and in a training step writes the loss's gradient in the same pass.
import { defineKernel } from '../runner.js';
import { loss_forward } from '../generated/loss_forward.js';
import { empty, formatShape, outputBindings, Tensor } from '../tensor.js';
import { PER_GROUP, sumPartials } from './reduce.js';
import { activationConstants, type ActivationName } from './activation.js';

export type LossName = 'meanSquaredError' | 'mse' | 'meanAbsoluteError' | 'mae' | 'binaryCrossentropy';

/** The LOSS override constant of shaders/lib/loss.wgsl. */
const LOSS: Record<LossName, number> = { meanSquaredError: 0, mse: 0, meanAbsoluteError: 1, mae: 1, binaryCrossentropy: 2 };

/** The loss names compile() and the metrics accept. */
export const LOSS_NAMES: readonly string[] = Object.keys(LOSS);

interface LossPass {
  /** Elements, or vec4s with vec4. */
  n: number;
  vec4: boolean;
  groups: number;
  loss: number;
  grad: boolean;
  scale: number;
  activation: ActivationName;
}

const kernel = /* @__PURE__ */ defineKernel({
  shader: loss_forward,
  workgroups: (p: LossPass) => [p.groups],
  // A workgroup's slice stays PER_GROUP elements: PER_GROUP / 4 vec4s.
  uniforms: ({ n, vec4, scale }) => ({ n, perGroup: vec4 ? PER_GROUP / 4 : PER_GROUP, zero: 0, scale }),
  constants: (p) => ({ LOSS: p.loss, GRAD: Number(p.grad), VEC4: Number(p.vec4), ...activationConstants(p.activation) }),
});

function check(op: string, yPred: Tensor, yTrue: Tensor, loss: LossName): number {
  if (!Object.hasOwn(LOSS, loss)) throw new Error(`${op}: unknown loss '${loss}'; expected one of ${Object.keys(LOSS).join(', ')}`);
  const same = yPred.shape.length === yTrue.shape.length && yPred.shape.every((d, i) => d === yTrue.shape[i]);
  if (!same) throw new Error(`${op}: yPred ${formatShape(yPred.shape)} and yTrue ${formatShape(yTrue.shape)} must have the same shape`);
  if (yPred.dtype !== 'float32' || yTrue.dtype !== 'float32') throw new Error(`${op}: yPred (${yPred.dtype}) and yTrue (${yTrue.dtype}) must be float32`);
  return LOSS[loss];
}

/** Where a mean loss goes: out[outIndex] (added to it with accumulate), times weight (default 1). */
export interface LossSlot {
  out: Tensor;
  outIndex?: number;
  accumulate?: boolean;
  weight?: number;
}

/** Where lossPass writes the gradient d(weight · mean loss)/d yPred, times act'(yPred) with `activation`. */
export interface LossGradient {
  dy: Tensor;
  weight: number;
  /** The activation yPred came out of, whose derivative the pass applies for the layer (default linear: none). */
  activation?: ActivationName;
}

/**
 * The mean loss into each slot and, when `gradient` is given, d(gradient.weight · mean loss)/d yPred
 * into gradient.dy — one pass over yPred and yTrue for all of them.
 */
export function lossPass(yPred: Tensor, yTrue: Tensor, loss: LossName, slots: readonly LossSlot[], gradient: LossGradient | null = null, op = 'lossPass'): void {
  const code = check(op, yPred, yTrue, loss);
  const n = yPred.size;
  if (gradient && gradient.dy.size !== n) throw new Error(`${op}: dyPred ${formatShape(gradient.dy.shape)} does not match yPred ${formatShape(yPred.shape)}`);
  for (const { out, outIndex = 0 } of slots) if (outIndex >= out.size) throw new Error(`${op}: outIndex ${outIndex} is outside out (${out.size} elements)`);
  const groups = Math.ceil(n / PER_GROUP);
  const partials = empty([Math.max(groups, 1), 2]);
  const vec4 = n % 4 === 0;
  const dp = outputBindings(vec4, [gradient?.dy ?? null]);
  const buffers = [yPred.buffer, yTrue.buffer, partials.buffer, dp.scalar[0], yPred.buffer, yTrue.buffer, dp.vector[0]] as const;
  kernel.run(buffers, { n: vec4 ? n / 4 : n, vec4, groups, loss: code, grad: gradient !== null, scale: (gradient?.weight ?? 0) / n, activation: gradient?.activation ?? 'linear' });
  dp.release();
  for (const { out, outIndex = 0, accumulate = false, weight = 1 } of slots) sumPartials(partials, groups, { scale: weight / n, out, outIndex, accumulate });
  // Back to the pool: any later kernel that reuses it is encoded after the sums.
  partials.dispose();
}

/**
 * Mean loss as one scalar, times `weight` (a loss weight of a model output; default 1): into
 * out[outIndex] (added to it with accumulate), or a new 1-element tensor.
 */
export function lossForward(yPred: Tensor, yTrue: Tensor, loss: LossName, options: { out?: Tensor; outIndex?: number; accumulate?: boolean; weight?: number } = {}): Tensor {
  const out = options.out ?? empty([1]);
  lossPass(yPred, yTrue, loss, [{ ...options, out }], null, 'lossForward');
  return out;
}

/** d(weight · mean loss)/d yPred, written into dyPred (a new tensor by default). */
export function lossBackward(yPred: Tensor, yTrue: Tensor, loss: LossName, dyPred?: Tensor, weight = 1): Tensor {
  check('lossBackward', yPred, yTrue, loss);
  const dy = dyPred ?? empty(yPred.shape);
  lossPass(yPred, yTrue, loss, [], { dy, weight }, 'lossBackward');
  return dy;
}
