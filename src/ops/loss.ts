// Keras's losses as a mean over every element (= mean over the last axis, then over the batch):
// an elementwise kernel writes each element's loss, src/ops/reduce.ts sums them with scale 1/n.
import { defineKernel, grid1d } from '../runner.js';
import { loss_backward } from '../generated/loss_backward.js';
import { loss_forward } from '../generated/loss_forward.js';
import { empty, formatShape, Tensor } from '../tensor.js';
import { sum } from './reduce.js';

export type LossName = 'meanSquaredError' | 'mse' | 'meanAbsoluteError' | 'mae' | 'binaryCrossentropy';

/** The LOSS override constant of shaders/loss_*.wgsl. */
const LOSS: Record<LossName, number> = { meanSquaredError: 0, mse: 0, meanAbsoluteError: 1, mae: 1, binaryCrossentropy: 2 };

/** The loss names compile() and the metrics accept. */
export const LOSS_NAMES: readonly string[] = Object.keys(LOSS);

interface LossParams {
  n: number;
  loss: number;
  scale: number;
}

const forward = /* @__PURE__ */ defineKernel({
  shader: loss_forward,
  workgroups: (p: Omit<LossParams, 'scale'>) => grid1d(p.n, 64),
  uniforms: (p) => ({ n: p.n }),
  constants: (p) => ({ LOSS: p.loss }),
});

const backward = /* @__PURE__ */ defineKernel({
  shader: loss_backward,
  workgroups: (p: LossParams) => grid1d(p.n, 64),
  uniforms: (p) => ({ n: p.n, scale: p.scale }),
  constants: (p) => ({ LOSS: p.loss }),
});

function check(op: string, yPred: Tensor, yTrue: Tensor, loss: LossName): number {
  if (!Object.hasOwn(LOSS, loss)) throw new Error(`${op}: unknown loss '${loss}'; expected one of ${Object.keys(LOSS).join(', ')}`);
  const same = yPred.shape.length === yTrue.shape.length && yPred.shape.every((d, i) => d === yTrue.shape[i]);
  if (!same) throw new Error(`${op}: yPred ${formatShape(yPred.shape)} and yTrue ${formatShape(yTrue.shape)} must have the same shape`);
  if (yPred.dtype !== 'float32' || yTrue.dtype !== 'float32') throw new Error(`${op}: yPred (${yPred.dtype}) and yTrue (${yTrue.dtype}) must be float32`);
  return LOSS[loss];
}

/**
 * Mean loss as one scalar, times `weight` (a loss weight of a model output; default 1): into
 * out[outIndex] (added to it with accumulate), or a new 1-element tensor.
 */
export function lossForward(yPred: Tensor, yTrue: Tensor, loss: LossName, options: { out?: Tensor; outIndex?: number; accumulate?: boolean; weight?: number } = {}): Tensor {
  const code = check('lossForward', yPred, yTrue, loss);
  const n = yPred.size;
  const perElement = empty([n]);
  forward.run([yPred.buffer, yTrue.buffer, perElement.buffer], { n, loss: code });
  const { weight = 1, ...rest } = options;
  const out = sum(perElement, { ...rest, scale: weight / n });
  // Back to the pool: any later kernel that reuses the buffer is encoded after the sum.
  perElement.dispose();
  return out;
}

/** d(weight · mean loss)/d yPred, written into dyPred (a new tensor by default). */
export function lossBackward(yPred: Tensor, yTrue: Tensor, loss: LossName, dyPred: Tensor = empty(yPred.shape), weight = 1): Tensor {
  const code = check('lossBackward', yPred, yTrue, loss);
  if (dyPred.size !== yPred.size) throw new Error(`lossBackward: dyPred ${formatShape(dyPred.shape)} does not match yPred ${formatShape(yPred.shape)}`);
  backward.run([yPred.buffer, yTrue.buffer, dyPred.buffer], { n: yPred.size, loss: code, scale: weight / yPred.size });
  return dyPred;
}
