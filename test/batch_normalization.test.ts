// BatchNormalization through the float64 harness (inference and training mode, finite differences),
// its moving averages, trainability, bad options and shapes.
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, layers, model as makeModel, optimizers } from '../src/index.js';
import { runLayerTest } from './layer_harness.js';
import { batchMoments, batchNormRef, movingAverage } from './reference/batch_norm.js';
import { expectClose, setup, uniform } from './helpers.js';

/** Non-trivial weights (gamma, beta, movingMean, movingVariance as present), so a default could not pass. */
function randomWeights(layer: InstanceType<typeof layers.BatchNormalization>, seed: number): void {
  layer.setWeights(layer.weights.map((w, i) => {
    const v = uniform(w.value.size, seed + i, -1, 1);
    // Variances stay positive, gammas away from 0.
    if (w.name.endsWith('moving_variance')) return v.map((a) => 0.5 + Math.abs(a));
    if (w.name.endsWith('gamma')) return v.map((a) => 0.5 + a / 2);
    return v;
  }));
}

interface Case {
  what: string;
  inputShape: number[];
  batch: number;
  options?: Parameters<typeof layers.batchNormalization>[0];
}

const CASES: Case[] = [
  { what: 'NHWC, channels last', inputShape: [3, 3, 5], batch: 4 },
  { what: 'features of a dense layer', inputShape: [6], batch: 8, options: { epsilon: 0.01 } },
  { what: 'axis 1 of [batch, 3, 4, 2]', inputShape: [3, 4, 2], batch: 3, options: { axis: 1 } },
  { what: 'no scale, no center', inputShape: [4, 4], batch: 5, options: { center: false, scale: false } },
  { what: 'center only', inputShape: [2, 2, 3], batch: 6, options: { scale: false } },
];

describe('BatchNormalization (float64 reference, finite differences)', () => {
  beforeAll(setup);

  for (const training of [false, true]) {
    for (const c of CASES) {
      it(`${c.what}, ${training ? 'training' : 'inference'}`, async () => {
        const layer = layers.batchNormalization(c.options);
        const shape = [c.batch, ...c.inputShape];
        const axis = (c.options?.axis ?? -1) < 0 ? shape.length - 1 : c.options!.axis!;
        const epsilon = c.options?.epsilon ?? 1e-3;
        await runLayerTest({
          layer,
          inputShape: c.inputShape,
          batch: c.batch,
          training,
          seed: 7,
          reference: (x, ws) => {
            const named = Object.fromEntries(layer.weights.map((w, i) => [w.name.split('/').pop()!, ws[i]]));
            return batchNormRef(x, {
              shape, axis, epsilon, gamma: named.gamma, beta: named.beta,
              ...(training ? {} : { movingMean: named.moving_mean, movingVariance: named.moving_variance }),
            });
          },
          afterBuild: () => randomWeights(layer, 11),
        });
      });
    }
  }
});

describe('BatchNormalization in a model', () => {
  beforeAll(async () => {
    await setup();
    await tf.setBackend('cpu');
  });

  it('moves its moving averages on the GPU each training step, as the float64 reference does', async () => {
    const x = input({ shape: [4, 4, 3] });
    const bn = layers.batchNormalization({ momentum: 0.8 });
    const m = makeModel({ inputs: x, outputs: bn.apply(x) });
    // Learning rate 0: the moving averages still move, from the same batch statistics every step.
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: 'meanSquaredError' });
    const shape = [5, 4, 4, 3];
    const data = uniform(5 * 48, 3, -2, 3);
    const { mean, variance } = batchMoments(data, shape, 3);
    let mm: Float64Array = new Float64Array(3);
    let mv: Float64Array = new Float64Array(3).fill(1);
    for (let step = 0; step < 3; step++) {
      await m.trainOnBatch({ data, shape }, { data, shape });
      mm = movingAverage(mm, mean, 0.8);
      mv = movingAverage(mv, variance, 0.8);
    }
    const [, , movingMean, movingVariance] = await bn.getWeights();
    expectClose(movingMean, mm, { atol: 1e-5, rtol: 1e-5 }, 'moving mean');
    expectClose(movingVariance, mv, { atol: 1e-5, rtol: 1e-5 }, 'moving variance');
    // Predicting normalizes with the moving averages.
    const y = await (await m.predict({ data, shape })).data();
    expectClose(y, batchNormRef(data, { shape, axis: 3, epsilon: 1e-3, gamma: [1, 1, 1], beta: [0, 0, 0], movingMean: mm, movingVariance: mv }), { atol: 1e-5, rtol: 1e-4 }, 'predict');
  });

  it('trains like TF.js with identical weights: losses, weights and moving statistics after several steps', async () => {
    const x = input({ shape: [6, 6, 2] });
    // No bias before the normalization: its gradient is 0 up to rounding, which Adam would blow up to ±lr.
    let y = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(x);
    y = layers.batchNormalization({ momentum: 0.9 }).apply(y);
    y = layers.activation({ activation: 'relu' }).apply(y);
    y = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(y);
    const m = makeModel({ inputs: x, outputs: y });
    const t = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
        tfl.layers.batchNormalization({ momentum: 0.9 }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
      ],
    });
    // Non-default gamma, beta and moving statistics, on both sides.
    const bn = m.layers.find((l) => l.className === 'BatchNormalization') as InstanceType<typeof layers.BatchNormalization>;
    randomWeights(bn, 21);
    // Layer by layer: a TF.js model lists every trainable weight before the non-trainable ones.
    const ourLayers = m.layers.slice(1);
    for (const [i, l] of ourLayers.entries()) {
      const ws = await l.getWeights();
      t.layers[i].setWeights(ws.map((w, k) => tf.tensor(w, t.layers[i].getWeights()[k].shape)));
    }
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    t.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const shape = [4, 6, 6, 2];
    const data = uniform(4 * 72, 9, 0, 1);
    const target = uniform(4 * 72, 10, 0, 1);
    for (let step = 0; step < 4; step++) {
      const l = (await m.trainOnBatch({ data, shape }, { data: target, shape })) as number;
      const tl = (await t.trainOnBatch(tf.tensor(data, shape), tf.tensor(target, shape))) as number;
      expectClose([l], [tl], { atol: 2e-5, rtol: 2e-4 }, `loss at step ${step}`);
    }
    for (const [i, l] of ourLayers.entries()) {
      const ours = await l.getWeights();
      const theirs = t.layers[i].getWeights();
      expect(ours.length).toBe(theirs.length);
      for (let k = 0; k < ours.length; k++) expectClose(ours[k], await theirs[k].data(), { atol: 1e-4, rtol: 1e-3 }, l.weights[k].name);
    }
    const predicted = await (await m.predict({ data, shape })).data();
    expectClose(predicted, await (t.predict(tf.tensor(data, shape)) as tf.Tensor).data(), { atol: 1e-4, rtol: 1e-3 }, 'predict after training');
  });

  it('counts gamma and beta as trainable, the moving averages as not (summary and countParams)', () => {
    const x = input({ shape: [5, 5, 8] });
    const bn = layers.batchNormalization();
    const m = makeModel({ inputs: x, outputs: bn.apply(x) });
    expect(bn.countParams()).toBe(32);
    expect(bn.countTrainableParams()).toBe(16);
    const text = m.summary(() => {});
    expect(text).toMatch(/Total params: 32 /);
    expect(text).toMatch(/Trainable params: 16 /);
    expect(text).toMatch(/Non-trainable params: 16 /);
  });

  it('is frozen by trainable = false after build: weights and moving averages stay, inference statistics are used', async () => {
    const x = input({ shape: [3] });
    const dense = layers.dense({ units: 3 });
    const bn = layers.batchNormalization();
    const m = makeModel({ inputs: x, outputs: bn.apply(dense.apply(x)) });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
    dense.trainable = false;
    bn.trainable = false;
    expect(m.summary(() => {})).toMatch(/Trainable params: 0 /);
    const before = await m.getWeights();
    const shape = [4, 3];
    const data = uniform(12, 4);
    await m.trainOnBatch({ data, shape }, { data: uniform(12, 5), shape });
    const after = await m.getWeights();
    after.forEach((w, i) => expect(Array.from(w), m.weights[i].name).toEqual(Array.from(before[i])));
    dense.trainable = true;
    await m.trainOnBatch({ data, shape }, { data: uniform(12, 5), shape });
    expect(Array.from((await dense.getWeights())[0])).not.toEqual(Array.from(before[0]));
  });

  it('rejects a missing axis at apply(), and unknown or bad options at construction', () => {
    expect(() => layers.batchNormalization({ axis: 3 }).apply(input({ shape: [4, 2] }))).toThrow(/batch_normalization.*\(BatchNormalization\) cannot take input shape \[4,2\]: axis 3 does not exist/);
    expect(() => layers.batchNormalization({ axis: -4 }).apply(input({ shape: [4, 2] }))).toThrow(/axis -4 does not exist/);
    expect(() => layers.batchNormalization({ momentun: 0.9 } as never)).toThrow(/unknown option 'momentun'/);
    expect(() => layers.batchNormalization({ epsilon: 0 })).toThrow(/epsilon must be a positive number/);
    expect(() => layers.batchNormalization({ gammaInitializer: 'onez' as never })).toThrow(/gammaInitializer: unknown initializer 'onez'/);
  });
});
