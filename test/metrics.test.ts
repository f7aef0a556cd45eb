// Metrics and per-sample scores on the GPU: each kind per sample against float64 references
// (binaryAccuracy also against TF.js), the epoch logs of fit with metrics, evaluate({ reduction:
// 'none' }) against per-sample losses of the model's own predictions (and TF.js's Reduction.NONE),
// and the errors for unknown metrics, ssim on non-images and an unknown reduction.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, layers, model, setRandomSeed, type Model } from '../src/index.js';
import { metricForward, sampleScores, type MetricName } from '../src/ops/metrics.js';
import { empty, tensor } from '../src/tensor.js';
import { expectClose, rng, setup, uniform } from './helpers.js';
import { accuracy, meanOf, perSample, psnrRef, sampleLoss, ssimRef } from './reference/metrics.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const [N, H, W, C] = [5, 14, 12, 2];
const len = H * W * C;
const target = uniform(N * len, 7, 0, 1);
// Predictions near the targets (as a trained model's are), so psnr and ssim are in their useful range.
const noise = uniform(N * len, 8, -0.2, 0.2);
const pred = target.map((t, i) => Math.min(1, Math.max(0, t + noise[i] * (1 + (i % 3)))));
const binary = (() => {
  const r = rng(9);
  return Float32Array.from({ length: N * len }, () => (r() < 0.5 ? 0 : 1));
})();

const cases: [MetricName, Float32Array, (start: number) => number, number][] = [
  ['mse', target, (s) => sampleLoss('mse', pred, target, s, len), 1e-6],
  ['mae', target, (s) => sampleLoss('mae', pred, target, s, len), 1e-6],
  ['binaryCrossentropy', binary, (s) => sampleLoss('binaryCrossentropy', pred, binary, s, len), 1e-5],
  ['binaryAccuracy', binary, (s) => meanOf(pred, binary, s, len, accuracy), 1e-7],
  ['psnr', target, (s) => psnrRef(pred, target, s, len), 1e-5],
  ['ssim', target, (s) => ssimRef(pred, target, s, H, W, C), 1e-5],
];

describe('per-sample scores', () => {
  it.each(cases)('%s: one value per image of [5, 14, 12, 2] matches float64; its batch mean too', async (name, truth, ref, rtol) => {
    const p = tensor(pred, [N, H, W, C]);
    const y = tensor(truth, [N, H, W, C]);
    const out = empty([N + 2]);
    sampleScores(p, y, name, out, 2);
    const expected = perSample(N, len, ref);
    expectClose((await out.data()).subarray(2), expected, { atol: rtol, rtol }, name);
    const mean = await metricForward(p, y, name).data();
    expectClose(mean, [expected.reduce((a, b) => a + b, 0) / N], { atol: rtol, rtol }, `${name} mean`);
  });

  it('binaryAccuracy equals TF.js’s; ssim of an image with itself is 1 and psnr +Infinity', async () => {
    const p = tensor(pred, [N, len]);
    const y = tensor(binary, [N, len]);
    const ours = (await metricForward(p, y, 'binaryAccuracy').data())[0];
    const theirs = tf.mean(tfl.metrics.binaryAccuracy(tf.tensor(binary, [N, len]), tf.tensor(pred, [N, len]))).dataSync()[0];
    expect(ours).toBeCloseTo(theirs, 6);
    const img = tensor(target, [N, H, W, C]);
    expectClose(await metricForward(img, img, 'ssim').data(), [1], { atol: 1e-6, rtol: 0 });
    expect((await metricForward(img, img, 'psnr').data())[0]).toBe(Infinity);
  });
});

function convAE(): Model {
  setRandomSeed(4);
  const x = input({ shape: [H, W, C] });
  const h = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  return model({ inputs: x, outputs: layers.conv2d({ filters: C, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(h) });
}

describe('in training and evaluation', () => {
  it('fit logs each metric per epoch; evaluate matches float64 metrics of predict()', async () => {
    const m = convAE();
    const metrics: MetricName[] = ['mae', 'binaryAccuracy', 'psnr', 'ssim'];
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics });
    const x = { data: target, shape: [N, H, W, C] };
    const history = await m.fit(x, x, { epochs: 2, batchSize: 2, verbose: 0, validationSplit: 0.4 });
    expect(Object.keys(history.history).sort()).toEqual(['binaryAccuracy', 'loss', 'mae', 'psnr', 'ssim', 'val_binaryAccuracy', 'val_loss', 'val_mae', 'val_psnr', 'val_ssim']);
    const logs = await m.evaluate(x, x, { batchSize: 2 });
    const yPred = await (await m.predict(x)).data();
    const mean = (f: (s: number) => number) => perSample(N, len, f).reduce((a, b) => a + b, 0) / N;
    expectClose(
      [logs.loss, logs.mae!, logs.binaryAccuracy!, logs.psnr!, logs.ssim!],
      [mean((s) => sampleLoss('mse', yPred, target, s, len)), mean((s) => sampleLoss('mae', yPred, target, s, len)), mean((s) => meanOf(yPred, target, s, len, accuracy)), mean((s) => psnrRef(yPred, target, s, len)), mean((s) => ssimRef(yPred, target, s, H, W, C))],
      { atol: 1e-5, rtol: 1e-5 },
      'evaluate',
    );
  });

  it("evaluate({ reduction: 'none' }) gives each sample's loss, as TF.js's Reduction.NONE over the sample", async () => {
    const m = convAE();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = { data: target, shape: [N, H, W, C] };
    const scores = await m.evaluate(x, x, { reduction: 'none', batchSize: 2 });
    expect(scores.shape).toEqual([N]);
    const yPred = await (await m.predict(x)).data();
    const got = (await scores.data()) as Float32Array;
    expectClose(got, perSample(N, len, (s) => sampleLoss('binaryCrossentropy', yPred, target, s, len)), { atol: 1e-5, rtol: 1e-5 }, 'per-sample');
    const theirs = tf.mean(tf.losses.logLoss(tf.tensor(target, [N, len]), tf.tensor(yPred, [N, len]), undefined, 1e-7, tf.Reduction.NONE), 1);
    expectClose(got, theirs.dataSync(), { atol: 1e-4, rtol: 1e-4 }, 'TF.js');
    // And the mean of the scores is the reported loss.
    expect((await m.evaluate(x, x)).loss).toBeCloseTo(got.reduce((a, b) => a + b, 0) / N, 5);
  });

  it('rejects unknown metrics, ssim on non-images and an unknown reduction, before any GPU work', async () => {
    const m = convAE();
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy' as MetricName] })).toThrow("unknown metric 'accuracy'; expected one of meanSquaredError, mse, meanAbsoluteError, mae, binaryCrossentropy, binaryAccuracy, psnr, ssim");
    const x = input({ shape: [20] });
    const flat = model({ inputs: x, outputs: layers.dense({ units: 20 }).apply(x) });
    expect(() => flat.compile({ optimizer: 'adam', loss: 'mse', metrics: ['ssim'] })).toThrow("metric 'ssim' needs image outputs [height, width, channels] of at least 11×11, but the model's output is [20]");
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const data = { data: target, shape: [N, H, W, C] };
    await expect(m.evaluate(data, data, { reduction: 'sum' as 'none' })).rejects.toThrow("evaluate: reduction must be 'mean' or 'none', got 'sum'");
  });
});
