// The seed's shallow autoencoder on real Fashion-MNIST, against TensorFlow.js (tfjs-layers on its
// CPU backend) from the same initial weights, in the same batch order: the loss curves agree.
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { context, examples, optimizers } from '../src/index.js';
import { datasets } from '../src/node/datasets.js';
import { flatten, take, toFloat } from '../src/data/transforms.js';
import { setup, expectClose } from './helpers.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

it('shallow AE: 3 epochs of Fashion-MNIST (1024 images, no shuffling) give the loss curve TF.js gives (rtol 1e-3)', async () => {
  const { xTrain, xTest } = await datasets.fashionMnist.load();
  const x = flatten(take(xTrain, 1024));
  const val = flatten(take(xTest, 256));
  const ours = examples.shallow.build();
  ours.compile({ optimizer: optimizers.adadelta({ learningRate: 1 }), loss: 'binaryCrossentropy' });
  const theirs = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [784], units: 32, activation: 'relu' }), tfl.layers.dense({ units: 784, activation: 'sigmoid' })],
  });
  const w = await ours.getWeights();
  theirs.setWeights(w.map((v, i) => tf.tensor(v, theirs.getWeights()[i].shape)));
  theirs.compile({ optimizer: tf.train.adadelta(1), loss: 'binaryCrossentropy' });

  // uint8 pixels, scaled by 1/255 on the GPU; TF.js gets the same floats from the CPU.
  const history = await ours.fit(x, x, { epochs: 3, batchSize: 256, shuffle: false, verbose: 0, scale: 1 / 255, validationData: [val, val] });
  const xf = tf.tensor(toFloat(x).data, [...x.shape]);
  const vf = tf.tensor(toFloat(val).data, [...val.shape]);
  const ref = await theirs.fit(xf, xf, { epochs: 3, batchSize: 256, shuffle: false, verbose: 0, validationData: [vf, vf] });
  expectClose(history.loss, ref.history.loss as number[], { atol: 0, rtol: 1e-3 }, 'loss per epoch');
  expectClose(history.val_loss!, ref.history.val_loss as number[], { atol: 0, rtol: 1e-3 }, 'val_loss per epoch');
  expect(history.loss[2]).toBeLessThan(history.loss[0]);
});

it('streams float32 data over the binding limit batch by batch, training exactly as the uint8 data held on the GPU', async () => {
  const { xTrain } = await datasets.fashionMnist.load();
  const pixels = flatten(xTrain);
  // 60000×784 float32 is 188 MB: over the 128 MiB binding limit of most adapters, so fit streams it.
  const floats = toFloat(pixels);
  const streamed = floats.data.byteLength > context().limits.maxStorageBufferBindingSize;
  const a = examples.shallow.build();
  const b = examples.shallow.build();
  b.setWeights(await a.getWeights());
  for (const m of [a, b]) m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'binaryCrossentropy' });
  const args = { epochs: 1, batchSize: 2048, shuffle: false, verbose: 0 } as const;
  const fromBytes = await a.fit(pixels, pixels, { ...args, scale: 1 / 255 });
  const fromFloats = await b.fit(floats, floats, args);
  expect(streamed || context().limits.maxStorageBufferBindingSize > 188e6).toBe(true);
  expectClose(fromFloats.loss, fromBytes.loss, { atol: 0, rtol: 1e-6 }, 'epoch loss');
});
