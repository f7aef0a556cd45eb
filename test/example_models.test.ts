// The examples issue 13 adds, through their building functions on small seeded data: the U-Net's
// BatchNormalization variant (where its BN layers sit, their counts, the moving averages a training
// step writes against a float64 conv + moments reference, inference mode at predict/evaluate), and
// the 1-D sensor example (the seeded signal and its windows, the Conv1D autoencoder, and anomalies
// it ranks above normal windows, AUC checked against the pairwise definition).
import { beforeAll, describe, expect, it } from 'vitest';
import { examples, setRandomSeed, type HostTensor } from '../src/index.js';
import { BatchNormalization } from '../src/layers/batch_normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import type { Model } from '../src/model.js';
import { precisionRecall, quantile, rocAuc } from '../src/anomaly.js';
import { SENSOR_ANOMALY_KINDS, SENSOR_WINDOW, meanStd, sensorAutoencoder, sensorSignal, signalWindows, windowLabels } from '../src/sensor.js';
import { conv2d as convRef } from './reference/conv2d.js';
import { batchMoments, movingAverage } from './reference/batch_norm.js';
import { pairwiseAuc } from './reference/auc.js';
import { expectClose, rng, setup } from './helpers.js';

/** n seeded 28×28×1 images in [0, 1]: a bright rectangle on a dim, noisy ground. */
function blobs(n: number, seed: number): HostTensor {
  const r = rng(seed);
  const data = new Float32Array(n * 784);
  for (let k = 0; k < n; k++) {
    const [x0, y0] = [Math.floor(r() * 14), Math.floor(r() * 14)];
    const [w, h] = [6 + Math.floor(r() * 8), 6 + Math.floor(r() * 8)];
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) data[k * 784 + y * 28 + x] = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h ? 0.7 + 0.3 * r() : 0.15 * r();
  }
  return { data, shape: [n, 28, 28, 1] };
}

const bnLayers = (m: Model) => m.layers.filter((l): l is BatchNormalization => l instanceof BatchNormalization);
const read = async (w: { value: { data(): Promise<ArrayLike<number>> } }) => Float64Array.from(await w.value.data());

describe('unet with BatchNormalization (examples.unet.buildBatchNorm)', () => {
  beforeAll(setup);

  it('normalizes each hidden convolution: conv (no bias) → BatchNormalization → relu; the output conv stays as it is', () => {
    setRandomSeed(3);
    const plain = examples.unet.build();
    const bn = examples.unet.buildBatchNorm!();
    expect(bnLayers(plain)).toHaveLength(0);
    const norms = bnLayers(bn);
    expect(norms).toHaveLength(5);
    for (const layer of norms) {
      const i = bn.layers.indexOf(layer);
      const conv = bn.layers[i - 1];
      expect(conv).toBeInstanceOf(Conv2D);
      expect((conv as Conv2D).useBias).toBe(false);
      expect(bn.layers[i + 1].className).toBe('Activation');
      expect(bn.layers[i + 1].getConfig().activation).toBe('relu');
      expect(layer.momentum).toBe(0.9);
    }
    const convs = bn.layers.filter((l) => l instanceof Conv2D);
    expect(convs.at(-1)!.getConfig().activation).toBe('sigmoid');
    // Each of the 5 hidden convs (8, 16, 16, 8, 8 filters) loses its bias and gains gamma, beta and
    // two moving averages per channel: 56·(4 − 1) more parameters, 56·2 of them not trainable.
    expect(plain.countParams()).toBe(7113);
    expect(bn.countParams()).toBe(7113 + 56 * 3);
    const count = (ws: { shape: readonly number[] }[]) => ws.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(count(bn.nonTrainableWeights)).toBe(112);
    plain.dispose();
    bn.dispose();
  });

  it('a training step moves the moving averages by momentum 0.9 towards the batch moments (float64 conv reference)', async () => {
    setRandomSeed(5);
    const m = examples.unet.buildBatchNorm!();
    const x = blobs(8, 11);
    const first = bnLayers(m)[0];
    const conv = m.layers[m.layers.indexOf(first) - 1] as Conv2D;
    const before = { mean: await read(first.movingMean), variance: await read(first.movingVariance) };
    expect(Array.from(before.mean).every((v) => v === 0) && Array.from(before.variance).every((v) => v === 1)).toBe(true);
    // The first BN sees the first conv of the input, computed here from the kernel before the step.
    const kernel = await read(conv.weights[0]);
    const y = convRef(x.data, [8, 28, 28, 1], kernel, [3, 3, 1, 8], { strides: [1, 1], padding: 'same' });
    const moments = batchMoments(y, [8, 28, 28, 8], 3);
    await m.trainOnBatch(x, x);
    expectClose(await read(first.movingMean), movingAverage(before.mean, moments.mean, 0.9), { atol: 1e-6, rtol: 1e-4 }, 'moving mean');
    expectClose(await read(first.movingVariance), movingAverage(before.variance, moments.variance, 0.9), { atol: 1e-6, rtol: 1e-4 }, 'moving variance');
    m.dispose();
  });

  it('after an epoch every moving average has moved, and predict/evaluate use them (a sample alone = the same sample in a batch)', async () => {
    setRandomSeed(7);
    const m = examples.unet.buildBatchNorm!();
    const x = blobs(48, 13);
    await m.fit(x, x, { epochs: 1, batchSize: 16, verbose: 0, seed: 1 });
    for (const layer of bnLayers(m)) {
      expect(Array.from(await read(layer.movingMean)).some((v) => v !== 0), `${layer.name} moving mean`).toBe(true);
      expect(Array.from(await read(layer.movingVariance)).some((v) => Math.abs(v - 1) > 1e-3), `${layer.name} moving variance`).toBe(true);
    }
    const batch = await m.predict(x);
    const all = await batch.data();
    batch.dispose();
    // With batch statistics a sample's output would depend on the rest of its batch.
    const one = await m.predict({ data: x.data.subarray(3 * 784, 4 * 784), shape: [1, 28, 28, 1] });
    expectClose(await one.data(), all.subarray(3 * 784, 4 * 784), { atol: 1e-5, rtol: 1e-4 }, 'sample 3 alone vs in the batch');
    one.dispose();
    // evaluate's loss is the mse of predict's outputs (inference mode as well), summed here in float64.
    let sse = 0;
    for (let i = 0; i < all.length; i++) sse += (all[i] - x.data[i]) ** 2;
    const logs = await m.evaluate(x, x, { batchSize: 48 });
    expect(logs.loss).toBeCloseTo(sse / all.length, 6);
    m.dispose();
  });
});

describe('sensor example (src/sensor.ts)', () => {
  beforeAll(setup);

  it('the signal is seeded, its anomalies of every kind lie inside it, apart, and change the values', () => {
    const a = sensorSignal({ length: 4000, seed: 4, anomalies: 8 });
    expect(sensorSignal({ length: 4000, seed: 4, anomalies: 8 }).values).toEqual(a.values);
    expect(sensorSignal({ length: 4000, seed: 5, anomalies: 8 }).values).not.toEqual(a.values);
    expect(a.anomalies.map((x) => x.kind)).toEqual([...SENSOR_ANOMALY_KINDS, ...SENSOR_ANOMALY_KINDS]);
    a.anomalies.forEach((x, k) => {
      expect(x.start).toBeGreaterThanOrEqual(0);
      expect(x.end).toBeLessThanOrEqual(4000);
      expect(x.end).toBeGreaterThan(x.start);
      if (k > 0) expect(x.start - a.anomalies[k - 1].end).toBeGreaterThanOrEqual(100);
    });
    // A flatline holds the step before it exactly; a spike stands out of the normal range.
    const flat = a.anomalies.find((x) => x.kind === 'flatline')!;
    for (let t = flat.start; t < flat.end; t++) expect(a.values[t]).toBe(a.values[flat.start - 1]);
    const spike = a.anomalies.find((x) => x.kind === 'spike')!;
    const normal = sensorSignal({ length: 4000, seed: 4 });
    expect(Math.max(...Array.from(normal.values, Math.abs))).toBeLessThan(2.2);
    expect(Math.abs(a.values[spike.start])).toBeGreaterThan(2.2);
    expect(() => sensorSignal({ length: 500, seed: 1, anomalies: 5 })).toThrow('sensorSignal: 5 anomalies need at least 1200 steps, got 500');
    expect(() => sensorSignal({ length: 500, seed: 1, noise: -1 })).toThrow('sensorSignal: noise must be a finite number ≥ 0, got -1');
    expect(() => sensorAutoencoder(30)).toThrow('sensorAutoencoder: window must be a multiple of 4, got 30');
  });

  it('windows are standardized slices, labelled when they overlap an anomaly', () => {
    const values = Float32Array.from({ length: 20 }, (_, i) => i);
    const { x, starts } = signalWindows(values, 8, 4, { mean: 2, std: 2 });
    expect(x.shape).toEqual([4, 8, 1]);
    expect(starts).toEqual([0, 4, 8, 12]);
    expect(Array.from(x.data.subarray(8, 16))).toEqual([4, 5, 6, 7, 8, 9, 10, 11].map((v) => (v - 2) / 2));
    expect(windowLabels(starts, 8, [{ kind: 'spike', start: 11, end: 12 }])).toEqual([false, true, true, false]);
    expect(() => signalWindows(values, 32, 1)).toThrow('signalWindows: a signal of 20 steps is shorter than one window of 32');
    const { mean, std } = meanStd([1, 3]);
    expect([mean, std]).toEqual([2, 1]);
  });

  it('quantile interpolates between order statistics; precision and recall count the flags', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.99)).toBeCloseTo(3.97, 12);
    expect(quantile([7], 0.9)).toBe(7);
    expect(() => quantile([1], 1.5)).toThrow('quantile: q must be in [0, 1], got 1.5');
    expect(precisionRecall([true, true, false, false, true], [true, false, true, false, true])).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, truePositives: 2, falsePositives: 1, falseNegatives: 1 });
  });

  it('the Conv1D autoencoder learns normal windows: anomalous test windows score higher (AUC > 0.8 and well above the untrained model\'s; = the pairwise definition)', async () => {
    setRandomSeed(2);
    const m = sensorAutoencoder();
    expect(m.outputShape).toEqual([SENSOR_WINDOW, 1]);
    expect(m.layers.map((l) => l.className).filter((c) => c !== 'InputLayer')).toEqual(['Conv1D', 'MaxPooling1D', 'Conv1D', 'MaxPooling1D', 'Conv1D', 'UpSampling1D', 'Conv1D', 'UpSampling1D', 'Conv1D', 'Conv1D']);
    const train = sensorSignal({ length: 6000, seed: 21 });
    const test = sensorSignal({ length: 4096, seed: 22, anomalies: 12 });
    const scale = meanStd(train.values);
    const windows = signalWindows(test.values, SENSOR_WINDOW, SENSOR_WINDOW, scale);
    const labels = windowLabels(windows.starts, SENSOR_WINDOW, test.anomalies);
    const scored = async () => {
      const t = await m.evaluate(windows.x, windows.x, { reduction: 'none' });
      const scores = await t.data();
      t.dispose();
      const auc = rocAuc(scores, labels);
      expect(auc).toBeCloseTo(pairwiseAuc(scores, labels), 12);
      return auc;
    };
    // Untrained, the error mostly measures a window's energy, which a spike or a shift raises a little.
    const untrained = await scored();
    const x = signalWindows(train.values, SENSOR_WINDOW, 4, scale).x;
    const history = await m.fit(x, x, { epochs: 3, batchSize: 32, verbose: 0, seed: 1 });
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0] / 3);
    const auc = await scored();
    expect(auc).toBeGreaterThan(0.8);
    expect(auc).toBeGreaterThan(untrained + 0.1);
    m.dispose();
  });
});
