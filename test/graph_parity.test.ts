// Graph models against TensorFlow.js (tfjs-layers on its CPU backend) with identical weights: a small
// U-Net (conv2d, maxPooling2d, upSampling2d, concatenate), a residual block (dense + add) and a
// two-output model with lossWeights [1, 0.5]. Predictions, losses, and one trainOnBatch step of SGD,
// Adam and RMSprop (weights after the step). TF.js has no lossWeights: its second loss is the same
// loss scaled by 0.5, so its total equals ours and its second output's loss is 0.5 × ours.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, model, layers, optimizers, type Model } from '../src/index.js';
import type { Optimizer } from '../src/optimizers.js';
import { setup, uniform, expectClose } from './helpers.js';
import { copyWeights, tfTwoHeads, tfUnet, twoHeads, unet } from './graph_models.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const tol = { atol: 2e-5, rtol: 2e-4 };
type Sym = tfl.SymbolicTensor;

function residual(): Model {
  const x = input({ shape: [6], name: 'features' });
  const h = layers.dense({ units: 6, activation: 'relu', name: 'r1', biasInitializer: 'randomNormal' }).apply(x);
  const r = layers.dense({ units: 6, name: 'r2', biasInitializer: 'randomNormal' }).apply(h);
  const sum = layers.add({ name: 'residual' }).apply([x, r]);
  return model({ inputs: x, outputs: layers.dense({ units: 3, name: 'out', biasInitializer: 'randomNormal' }).apply(sum) });
}

function tfResidual(): tfl.LayersModel {
  const x = tfl.input({ shape: [6], name: 'features' });
  const h = tfl.layers.dense({ units: 6, activation: 'relu', name: 'r1' }).apply(x) as Sym;
  const r = tfl.layers.dense({ units: 6, name: 'r2' }).apply(h) as Sym;
  const sum = tfl.layers.add({ name: 'residual' }).apply([x, r]) as Sym;
  return tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 3, name: 'out' }).apply(sum) as Sym });
}

interface Case {
  name: string;
  make: () => Model<any>;
  makeTf: () => tfl.LayersModel;
  /** Sample shapes of the targets, one per output. */
  targets: number[][];
  compileOurs: (m: Model<any>, o: Optimizer | 'sgd') => void;
  compileTheirs: (t: tfl.LayersModel, o: tf.Optimizer | 'sgd') => void;
  /** TF.js's per-sample loss of each output, as compiled into the TF.js model. */
  tfLosses: ((yt: tf.Tensor, yp: tf.Tensor) => tf.Tensor)[];
  /** Batch of the training step (1 for UpSampling2D: TF.js's CPU gradient is wrong past the first sample). */
  stepBatch: number;
}

const halfBce = (yt: tf.Tensor, yp: tf.Tensor) => tf.mul(tfl.metrics.binaryCrossentropy(yt, yp), 0.5);

const cases: Case[] = [
  {
    name: 'U-Net', make: unet, makeTf: tfUnet, targets: [[8, 8, 1]], stepBatch: 1,
    compileOurs: (m, o) => m.compile({ optimizer: o, loss: 'binaryCrossentropy' }),
    compileTheirs: (t, o) => t.compile({ optimizer: o, loss: 'binaryCrossentropy' }),
    tfLosses: [tfl.metrics.binaryCrossentropy],
  },
  {
    name: 'residual block', make: residual, makeTf: tfResidual, targets: [[3]], stepBatch: 4,
    compileOurs: (m, o) => m.compile({ optimizer: o, loss: 'mse' }),
    compileTheirs: (t, o) => t.compile({ optimizer: o, loss: 'meanSquaredError' }),
    tfLosses: [tfl.metrics.meanSquaredError],
  },
  {
    name: 'two outputs, lossWeights [1, 0.5]', make: twoHeads, makeTf: tfTwoHeads, targets: [[2], [1]], stepBatch: 4,
    compileOurs: (m, o) => m.compile({ optimizer: o, loss: ['mse', 'binaryCrossentropy'], lossWeights: [1, 0.5] }),
    compileTheirs: (t, o) => t.compile({ optimizer: o, loss: [tfl.metrics.meanSquaredError, halfBce] }),
    tfLosses: [tfl.metrics.meanSquaredError, halfBce],
  },
];

function batchOf(m: Model<any>, c: Case, n: number, seed: number) {
  const shape = [n, ...m.inputShape];
  const x = { data: uniform(shape.reduce((a, b) => a * b), seed), shape };
  const ys = c.targets.map((s, k) => {
    const shape = [n, ...s];
    return { data: uniform(shape.reduce((a, b) => a * b), seed + 1 + k, 0, 1), shape };
  });
  return { x, ys, tx: tf.tensor(x.data, x.shape), tys: ys.map((y) => tf.tensor(y.data, y.shape)) };
}

/** Ours [total, o1, o2] as TF.js reports it (its second loss is already scaled by 0.5). */
const asTheirs = (ours: number[]) => (ours.length === 3 ? [ours[0], ours[1], 0.5 * ours[2]] : ours);

describe('graph models against TensorFlow.js with identical weights', () => {
  for (const c of cases) {
    it(`${c.name}: layer order, predictions and losses match`, async () => {
      const m = c.make();
      const t = c.makeTf();
      expect(m.layers.map((l) => l.name)).toEqual(t.layers.map((l) => l.name));
      await copyWeights(m, t);
      const { x, ys, tx, tys } = batchOf(m, c, 3, 51);
      const ours = await m.predict(x);
      const theirs = t.predict(tx) as tf.Tensor | tf.Tensor[];
      const ol = Array.isArray(ours) ? ours : [ours];
      const tl = Array.isArray(theirs) ? theirs : [theirs];
      expect(ol.length).toBe(tl.length);
      for (let k = 0; k < ol.length; k++) expectClose(await ol[k].data(), await tl[k].data(), tol, `${c.name} output ${k}`);
      c.compileOurs(m, 'sgd');
      c.compileTheirs(t, 'sgd');
      const logs = (await m.evaluate(x, ys.length === 1 ? ys[0] : ys)) as Record<string, number>;
      const ourLosses = ys.length === 1 ? [logs.loss] : [logs.loss, ...m.outputNames.map((o) => logs[`${o}_loss`])];
      // TF.js's losses from its own predictions: its evaluate() of a multi-output model returns an
      // extra leading value (4.22 gives [o1, total, o1, o2]), so it is not the reference here.
      const perOutput = await Promise.all(tl.map(async (p, k) => (await tf.mean(c.tfLosses[k](tys[k], p)).data())[0]));
      const theirLosses = perOutput.length === 1 ? perOutput : [perOutput.reduce((a, b) => a + b), ...perOutput];
      expectClose(asTheirs(ourLosses), theirLosses, tol, `${c.name} losses`);
    });
  }

  const opts: [string, () => Optimizer, () => tf.Optimizer][] = [
    ['sgd', () => optimizers.sgd({ learningRate: 0.1 }), () => tf.train.sgd(0.1)],
    ['adam', () => optimizers.adam({ learningRate: 0.01 }), () => tf.train.adam(0.01)],
    ['rmsprop', () => optimizers.rmsprop({ learningRate: 0.01 }), () => tf.train.rmsprop(0.01)],
  ];
  it.each(opts)('one trainOnBatch step with %s: losses and weights match for every model', async (_, ours, theirs) => {
    for (const c of cases) {
      const m = c.make();
      const t = c.makeTf();
      await copyWeights(m, t);
      c.compileOurs(m, ours());
      c.compileTheirs(t, theirs());
      const { x, ys, tx, tys } = batchOf(m, c, c.stepBatch, 61);
      const before = await m.getWeights();
      const l = await m.trainOnBatch(x, ys.length === 1 ? ys[0] : ys);
      const tl = await t.trainOnBatch(tx, tys.length === 1 ? tys[0] : tys);
      expectClose(asTheirs(Array.isArray(l) ? l : [l]), Array.isArray(tl) ? tl : [tl], tol, `${c.name} loss`);
      const ws = await m.getWeights();
      const tws = t.getWeights();
      for (let i = 0; i < ws.length; i++) {
        expect(ws[i].some((v, j) => v !== before[i][j]), `${c.name}: ${t.weights[i].name} moved`).toBe(true);
        expectClose(ws[i], await tws[i].data(), { atol: 1e-4, rtol: 1e-3 }, `${c.name}: ${t.weights[i].name}`);
      }
    }
  });
});
