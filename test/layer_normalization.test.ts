// LayerNormalization through the float64 harness (finite differences, training and inference are
// the same computation), against TF.js with identical weights, and its bad options.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, layers, model as makeModel, optimizers } from '../src/index.js';
import { runLayerTest } from './layer_harness.js';
import { expectClose, setup, uniform } from './helpers.js';

/** float64: each row of `features` values normalized, then scaled and shifted per feature. */
function layerNormRef(x: ArrayLike<number>, features: number, epsilon: number, gamma?: ArrayLike<number>, beta?: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / features; r++) {
    let mean = 0;
    for (let f = 0; f < features; f++) mean += x[r * features + f] / features;
    let variance = 0;
    for (let f = 0; f < features; f++) variance += (x[r * features + f] - mean) ** 2 / features;
    for (let f = 0; f < features; f++) {
      const v = (x[r * features + f] - mean) / Math.sqrt(variance + epsilon);
      y[r * features + f] = v * (gamma ? gamma[f] : 1) + (beta ? beta[f] : 0);
    }
  }
  return y;
}

describe('LayerNormalization', () => {
  beforeAll(async () => {
    await setup();
    await tf.setBackend('cpu');
  });

  it.each([
    ['[5] features', [5], {}],
    ['[3, 70] (rows longer than a workgroup)', [3, 70], { epsilon: 0.01 }],
    ['[2, 2, 6] without center', [2, 2, 6], { center: false }],
    ['[4] without scale', [4], { scale: false }],
  ] as const)('%s', async (_, inputShape, options) => {
    const layer = layers.layerNormalization(options);
    const features = inputShape[inputShape.length - 1];
    for (const training of [false, true]) {
      await runLayerTest({
        layer,
        inputShape: [...inputShape],
        batch: 3,
        training,
        afterBuild: () => layer.setWeights(layer.weights.map((w, i) => uniform(w.value.size, 30 + i, 0.5, 1.5))),
        reference: (x, ws) => {
          const named = Object.fromEntries(layer.weights.map((w, i) => [w.name.split('/').pop()!, ws[i]]));
          return layerNormRef(x, features, 'epsilon' in options ? options.epsilon : 1e-3, named.gamma, named.beta);
        },
      });
    }
  });

  it('trains like TF.js with identical weights', async () => {
    const x = input({ shape: [4, 6] });
    let y = layers.dense({ units: 8, activation: 'tanh' }).apply(x);
    y = layers.layerNormalization().apply(y);
    y = layers.dense({ units: 6 }).apply(y);
    const m = makeModel({ inputs: x, outputs: y });
    const t = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4, 6], units: 8, activation: 'tanh' }), tfl.layers.layerNormalization(), tfl.layers.dense({ units: 6 })] });
    const ln = m.layers[2];
    ln.setWeights(ln.weights.map((w, i) => uniform(w.value.size, 40 + i, 0.5, 1.5)));
    for (const [i, l] of m.layers.slice(1).entries()) t.layers[i].setWeights((await l.getWeights()).map((w, k) => tf.tensor(w, t.layers[i].getWeights()[k].shape)));
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    t.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const shape = [5, 4, 6];
    const data = uniform(120, 2);
    const target = uniform(120, 3);
    for (let step = 0; step < 3; step++) {
      const l = (await m.trainOnBatch({ data, shape }, { data: target, shape })) as number;
      const tl = (await t.trainOnBatch(tf.tensor(data, shape), tf.tensor(target, shape))) as number;
      expectClose([l], [tl], { atol: 2e-5, rtol: 2e-4 }, `loss at step ${step}`);
    }
    for (const [i, l] of m.layers.slice(1).entries()) {
      const ours = await l.getWeights();
      const theirs = t.layers[i].getWeights();
      for (let k = 0; k < ours.length; k++) expectClose(ours[k], await theirs[k].data(), { atol: 1e-4, rtol: 1e-3 }, l.weights[k].name);
    }
  });

  it('rejects axes other than the last and unknown options', () => {
    expect(() => layers.layerNormalization({ axis: 1 }).apply(input({ shape: [3, 4] }))).toThrow(/\(LayerNormalization\) cannot take input shape \[3,4\]: axis 1: only the last axis/);
    expect(() => layers.layerNormalization({ epsilon: -1 })).toThrow(/LayerNormalization: epsilon must be a positive number/);
    expect(() => layers.layerNormalization({ rmsScaling: true } as never)).toThrow(/LayerNormalization: unknown option 'rmsScaling'/);
  });
});
