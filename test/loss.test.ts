// Losses: forward and gradient against the float64 reference, the gradient against finite
// differences of the GPU forward, clipping of binary crossentropy, NaN, output slots, bad shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import { lossBackward, lossForward, lossPass, type LossName } from '../src/ops/loss.js';
import { fill } from '../src/ops/fill.js';
import { tensor } from '../src/tensor.js';
import { expectClose, rng, setup, uniform } from './helpers.js';
import { lossGradRef, lossRef, type Loss } from './reference/loss.js';

/** Predictions and targets as each loss sees them: probabilities and 0/1 (or soft) labels for crossentropy. */
function data(loss: Loss, n: number, seed: number): { pred: Float32Array; truth: Float32Array } {
  if (loss !== 'binaryCrossentropy') return { pred: uniform(n, seed, -2, 2), truth: uniform(n, seed + 1, -2, 2) };
  const r = rng(seed + 1);
  return { pred: uniform(n, seed, 0.02, 0.98), truth: Float32Array.from({ length: n }, () => (r() < 0.3 ? r() : Math.round(r()))) };
}

const losses: Loss[] = ['mse', 'mae', 'binaryCrossentropy'];

describe('losses', () => {
  beforeAll(setup);

  // The sum is exact (double-float), so only per-element float32 rounding remains: rtol 3e-6 on the loss.
  it.each(losses)('%s: mean loss and gradient match float64 at shapes [1,1], [1,7], [3,1031], [3,5000] (several workgroups)', async (loss) => {
    for (const shape of [[1, 1], [1, 7], [3, 1031], [3, 5000]]) {
      const n = shape[0] * shape[1];
      const { pred, truth } = data(loss, n, n);
      const p = tensor(pred, shape);
      const y = tensor(truth, shape);
      const value = await lossForward(p, y, loss).data();
      expectClose(value, [lossRef(loss, pred, truth)], { atol: 1e-7, rtol: 3e-6 }, `${loss} ${shape} loss`);
      const grad = await lossBackward(p, y, loss).data();
      expectClose(grad, lossGradRef(loss, pred, truth), { atol: 1e-9, rtol: 1e-5 }, `${loss} ${shape} gradient`);
      // A training step's one pass: the value into two slots (the second weighted, added to what is
      // there) and the gradient of 2 × the loss.
      const slots = tensor([0, 1]);
      const dy = tensor(new Float32Array(n), shape);
      lossPass(p, y, loss, [{ out: slots }, { out: slots, outIndex: 1, weight: 0.25, accumulate: true }], { dy, weight: 2 });
      const ref = lossRef(loss, pred, truth);
      expectClose(await slots.data(), [ref, 1 + 0.25 * ref], { atol: 1e-7, rtol: 3e-6 }, `${loss} ${shape} fused loss`);
      expectClose(await dy.data(), lossGradRef(loss, pred, truth).map((g) => 2 * g), { atol: 1e-9, rtol: 1e-5 }, `${loss} ${shape} fused gradient`);
    }
  });

  it('accepts the Keras long names', async () => {
    const { pred, truth } = data('mse', 7, 3);
    const [p, y] = [tensor(pred), tensor(truth)];
    expect((await lossForward(p, y, 'meanSquaredError').data())[0]).toBe((await lossForward(p, y, 'mse').data())[0]);
    expect((await lossForward(p, y, 'meanAbsoluteError').data())[0]).toBe((await lossForward(p, y, 'mae').data())[0]);
  });

  // Central differences of the GPU forward (float32): (L(p + h) - L(p - h)) / (2h) per element.
  // The errors are float32 rounding of L (~1e-7) over 2h, plus O(h²) curvature: atol 2e-3.
  it.each(losses)('%s: gradient matches finite differences of the forward pass', async (loss) => {
    const n = 7;
    const { pred, truth } = data(loss, n, 11);
    const y = tensor(truth, [1, n]);
    const h = 1e-2;
    const out = tensor(new Float32Array(2 * n));
    const steps: number[] = [];
    for (let i = 0; i < n; i++) {
      const plus = pred.slice();
      const minus = pred.slice();
      plus[i] += h;
      minus[i] -= h;
      steps.push(plus[i] - minus[i]);
      lossForward(tensor(plus, [1, n]), y, loss, { out, outIndex: 2 * i });
      lossForward(tensor(minus, [1, n]), y, loss, { out, outIndex: 2 * i + 1 });
    }
    const values = await out.data();
    const fd = steps.map((step, i) => (values[2 * i] - values[2 * i + 1]) / step);
    const grad = await lossBackward(tensor(pred, [1, n]), y, loss).data();
    expectClose(grad, fd, { atol: 2e-3, rtol: 1e-2 }, `${loss} gradient vs finite differences`);
  });

  it('binaryCrossentropy: p = 0 and p = 1 give finite losses (clipped to [1e-7, 1 - 1e-7]) and zero gradient there', async () => {
    const pred = [0, 1, 0, 1, Math.fround(1e-7), 0.5];
    const truth = [0, 0, 1, 1, 1, 1];
    const p = tensor(pred, [2, 3]);
    const y = tensor(truth, [2, 3]);
    const [value] = await lossForward(p, y, 'binaryCrossentropy').data();
    expect(Number.isFinite(value)).toBe(true);
    expectClose([value], [lossRef('binaryCrossentropy', pred, truth)], { atol: 1e-6, rtol: 1e-5 }, 'clipped loss');
    const grad = await lossBackward(p, y, 'binaryCrossentropy').data();
    expect(Array.from(grad.slice(0, 4))).toEqual([0, 0, 0, 0]);
    // p exactly at the lower bound is inside TF.js's closed clip interval: the gradient flows.
    expectClose(grad, lossGradRef('binaryCrossentropy', pred, truth), { atol: 0, rtol: 1e-5 }, 'clipped gradient');
    expect(grad[4]).toBeLessThan(-1e5);
  });

  it('meanAbsoluteError: the gradient is 0 where p = y', async () => {
    const grad = await lossBackward(tensor([1, 2, 3]), tensor([1, 0, 5]), 'mae').data();
    expect(Array.from(grad)).toEqual([0, 1 / 3, -1 / 3].map(Math.fround));
  });

  it.each(losses)('%s: NaN in a prediction or a target propagates to the loss and its gradient', async (loss) => {
    const { pred, truth } = data(loss, 4, 5);
    pred[1] = NaN;
    truth[2] = NaN;
    const p = tensor(pred, [2, 2]);
    const y = tensor(truth, [2, 2]);
    expect((await lossForward(p, y, loss).data())[0]).toBeNaN();
    const grad = await lossBackward(p, y, loss).data();
    expect([grad[0], grad[3]].every(Number.isFinite)).toBe(true);
    expect(grad[1]).toBeNaN();
    expect(grad[2]).toBeNaN();
  });

  it('writes into out[outIndex], or adds to it with accumulate', async () => {
    const { pred, truth } = data('mse', 7, 9);
    const [p, y] = [tensor(pred), tensor(truth)];
    const expected = lossRef('mse', pred, truth);
    const out = fill(tensor(new Float32Array(3)), 0.5);
    lossForward(p, y, 'mse', { out, outIndex: 1 });
    lossForward(p, y, 'mse', { out, outIndex: 2, accumulate: true });
    expectClose(await out.data(), [0.5, expected, 0.5 + expected], { atol: 1e-6, rtol: 1e-5 }, 'slots');
  });

  it('rejects mismatched shapes naming both, and unknown losses', () => {
    const p = tensor(new Float32Array(6), [2, 3]);
    expect(() => lossForward(p, tensor(new Float32Array(6), [3, 2]), 'mse')).toThrow(/lossForward: yPred \[2,3\] and yTrue \[3,2\]/);
    expect(() => lossBackward(p, tensor(new Float32Array(3), [3]), 'mae')).toThrow(/lossBackward: yPred \[2,3\] and yTrue \[3\]/);
    expect(() => lossForward(p, p, 'hinge' as LossName)).toThrow(/unknown loss 'hinge'.*binaryCrossentropy/);
  });
});
