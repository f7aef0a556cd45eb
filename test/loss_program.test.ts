// Losses written as ops, fused (src/ops/loss_program.ts): which functions compile, and the fused
// value and gradient against the same function run op by op on the gradient tape.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  abs, add, clipByValue, div, exp, log, maximum, mean, minimum, mul, neg, pow, reciprocal, sigmoid, sqrt, square, squaredDifference, sub, sum, tanh, tensor,
  type Tensor,
} from '../src/index.js';
import { compileLoss, lossProgramPass } from '../src/ops/loss_program.js';
import { gradients } from '../src/tape.js';
import { expectClose, setup, uniform } from './helpers.js';

const bce = (yTrue: Tensor, yPred: Tensor) => {
  const p = clipByValue(yPred, 1e-7, 1 - 1e-7);
  return mul(-1, mean(add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p))))));
};

describe('fused loss programs', () => {
  beforeAll(setup);

  it('an elementwise loss, reduced then scaled, compiles; its fused value and gradient equal the tape\'s', async () => {
    const shape = [5, 7];
    const t = tensor(uniform(35, 41, 0, 1), shape);
    const p = tensor(uniform(35, 42, 0.05, 0.95), shape);
    const losses: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
      mse: (a, b) => mean(square(sub(a, b))),
      bce,
      // Summed over pixels, averaged over the batch (the VAE's reconstruction term).
      perSampleSum: (a, b) => mul(-1, mean(sum(add(mul(a, log(b)), mul(sub(1, a), log(sub(1, b)))), -1))),
      mixed: (a, b) => div(mul(2, mean(sum(add(mul(sigmoid(b), tanh(a)), maximum(sqrt(b), minimum(a, b))), -1))), 3),
      more: (a, b) => mean(add(squaredDifference(pow(b, 3), exp(neg(a))), mul(abs(sub(a, b)), reciprocal(add(b, 1))))),
      clipped: (a, b) => neg(mean(mul(a, log(clipByValue(b, 0.2, 0.8))))),
    };
    for (const [name, fn] of Object.entries(losses)) {
      const program = compileLoss(fn, shape);
      expect(program, `${name} compiles`).not.toBeNull();
      const slot = tensor([0, 0, 0]);
      // Value only (evaluation), then value and gradient in one pass (a training step).
      expect(lossProgramPass(program!, t, p, [{ out: slot, outIndex: 0 }, { out: slot, outIndex: 1, weight: 3 }])).toBeNull();
      const g = lossProgramPass(program!, t, p, [{ out: slot, outIndex: 2 }], 0.5)!;
      const { value, grads } = gradients(() => fn(t, p), [p]);
      const v = (await value.data())[0];
      expectClose(await slot.data(), [v, 3 * v, v], { atol: 1e-6, rtol: 1e-5 }, `${name}: value`);
      expectClose(await g.data(), Array.from(await grads[0]!.data(), (x) => 0.5 * x), { atol: 1e-6, rtol: 1e-4 }, `${name}: gradient`);
      [slot, g, value, grads[0]!].forEach((x) => x.dispose());
    }
    [t, p].forEach((x) => x.dispose());
  });

  it('what does not fuse: a captured tensor, a reduction that keeps an axis, a non-affine op after it, no dependence on yPred', () => {
    const shape = [5, 7];
    const w = tensor(uniform(35, 43), shape);
    expect(compileLoss((a, b) => mean(mul(w, sub(a, b))), shape)).toBeNull();
    expect(compileLoss((a, b) => mean(square(sub(a, b)), -1), shape)).toBeNull();
    expect(compileLoss((a, b) => sqrt(mean(square(sub(a, b)))), shape)).toBeNull();
    expect(compileLoss((a) => mean(a), shape)).toBeNull();
    expect(compileLoss((a, b) => add(mean(square(sub(a, b))), 1), shape)).toBeNull();
    w.dispose();
  });
});
