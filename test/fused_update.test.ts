// The optimizer update fused into the weight-gradient GEMM (shaders/matmul_update.wgsl, Dense's
// backward) against the standalone update kernels (setUpdateFusion(false)): the same weights after
// 3 training steps, per optimizer, and the cases that must fall back (a regularizer, clipNorm, a
// layer used twice), which the optimizer's count of fused updates shows. Where the adapter's GEMM
// cannot fuse (canFuseUpdate: SwiftShader in Chromium), both runs take the standalone path, and
// the count says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { input, model, layers, optimizers, setRandomSeed } from '../src/index.js';
import { setUpdateFusion, type Optimizer } from '../src/optimizers.js';
import { canFuseUpdate } from '../src/ops/matmul.js';
import { setup, uniform, expectClose } from './helpers.js';

let fusionSetting = false;
beforeAll(async () => {
  await setup();
  fusionSetting = setUpdateFusion(false);
});
afterAll(() => setUpdateFusion(fusionSetting));

const BATCH = 6;
// Every dimension 8: each GEMM of the model runs the subgroup kernel at ROWS 8, few pipelines to build.
const FEATURES = 8;

/** 8 → 8 relu → 8 (with a layer used twice in between where `shared`), trained 3 steps; its weights and the fused count per step. */
async function train(makeOptimizer: () => Optimizer, fused: boolean, options: { regularized?: boolean; shared?: boolean } = {}) {
  setUpdateFusion(fused);
  setRandomSeed(7);
  const x = input({ shape: [FEATURES] });
  const hidden = layers.dense({ units: 8, activation: 'relu', kernelRegularizer: options.regularized ? { l2: 0.01 } : undefined });
  const square = layers.dense({ units: 8, activation: 'tanh' });
  let h = hidden.apply(x);
  if (options.shared) h = square.apply(square.apply(h));
  const y = layers.dense({ units: 8 }).apply(h);
  const m = model({ inputs: x, outputs: y });
  const optimizer = makeOptimizer();
  m.compile({ optimizer, loss: 'meanSquaredError' });
  const xs = uniform(BATCH * FEATURES, 3);
  const ys = uniform(BATCH * 8, 4);
  const counts: number[] = [];
  for (let step = 0; step < 3; step++) {
    await m.trainOnBatch({ data: xs, shape: [BATCH, FEATURES] }, { data: ys, shape: [BATCH, 8] });
    counts.push((optimizer as unknown as { fusedLastStep: number }).fusedLastStep);
  }
  const weights = await m.getWeights();
  m.dispose();
  return { weights, counts };
}

/** Whether this adapter fuses the updates of the test model's kernels ([8, 8], the product over the batch). */
const fuses = () => canFuseUpdate({ m: FEATURES, n: 8, k: BATCH, transposeA: true, transposeB: false });

const cases: [string, () => Optimizer][] = [
  ['sgd', () => optimizers.sgd({ learningRate: 0.1 })],
  ['sgd momentum (nesterov, clipValue)', () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipValue: 0.05 })],
  ['adam', () => optimizers.adam({ learningRate: 0.01 })],
  ['adamw (weightDecay)', () => optimizers.adamw({ learningRate: 0.01, weightDecay: 0.1 })],
  ['adadelta', () => optimizers.adadelta({ learningRate: 1 })],
  ['rmsprop (centered, momentum: 3 slots)', () => optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
  ['adagrad', () => optimizers.adagrad({ learningRate: 0.1 })],
];

// Both paths compute the gradient with the same GEMM body (lib/matmul_subgroup.wgsl, the same
// order of sums) and apply the same rule (lib/optimizer_rules.wgsl), so the weights agree to
// float32 rounding: the compiler may contract a multiply-add differently in the two kernels,
// ~1 ulp per step, which 3 steps and the next layer's gradient grow to a few ulps: atol 1e-6,
// rtol 1e-5 on weights of order 0.1–1.
const TOL = { atol: 1e-6, rtol: 1e-5 };

describe('optimizer update fused into the weight-gradient GEMM', () => {
  it.each(cases)('%s: the same weights after 3 steps as the standalone update kernels', async (_, make) => {
    const plain = await train(make, false);
    const fused = await train(make, true);
    expect(plain.counts).toEqual([0, 0, 0]);
    // Both Dense kernels (the biases keep their gradients: no GEMM computes them).
    expect(fused.counts).toEqual(fuses() ? [2, 2, 2] : [0, 0, 0]);
    fused.weights.forEach((w, i) => expectClose(w, plain.weights[i], TOL, `weight ${i}`));
    // And the run changed them: the comparison is not between untouched initial weights.
    expect(Math.max(...plain.weights[0].map((v, j) => Math.abs(v - (fused.weights[0][j] + 1))))).toBeGreaterThan(0);
  });

  it('falls back where the whole gradient is needed first: a regularized kernel, clipNorm, a layer used twice', async () => {
    const adam = () => optimizers.adam({ learningRate: 0.01 });
    const two = fuses() ? 2 : 0;
    const one = fuses() ? 1 : 0;
    const regularized = await train(adam, true, { regularized: true });
    expect(regularized.counts).toEqual([one, one, one]);
    expectClose(regularized.weights.flatMap((w) => [...w]), (await train(adam, false, { regularized: true })).weights.flatMap((w) => [...w]), TOL, 'regularized');
    const clipped = () => optimizers.adam({ learningRate: 0.01, clipNorm: 0.1 });
    expect((await train(clipped, true)).counts).toEqual([0, 0, 0]);
    const shared = await train(adam, true, { shared: true });
    expect(shared.counts).toEqual([two, two, two]);
    expectClose(shared.weights.flatMap((w) => [...w]), (await train(adam, false, { shared: true })).weights.flatMap((w) => [...w]), TOL, 'shared');
  });
});
