// A wgslnet model and its TF.js twin (the same layers, TF.js on its CPU backend): the same weights,
// then SGD steps that must give the same losses and weights, and save/load both ways that must
// give the same predictions. Shared by the layer test files.
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { optimizers, type Model } from '../src/index.js';
import { loadModel, type ModelArtifacts } from '../src/io/index.js';
import { saveResult } from '../src/io/serialization.js';
import { expectClose, uniform } from './helpers.js';

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Copies m's weights into t (same order: Keras's). */
export async function copyWeights(m: Model, t: tfl.LayersModel): Promise<void> {
  const ws = await m.getWeights();
  t.setWeights(t.getWeights().map((w, i) => tf.tensor(ws[i], w.shape)));
}

/** Three SGD steps on MSE from the same weights: losses (atol 1e-6, rtol 1e-5) and weights after them (atol 1e-5, rtol 1e-4). */
export async function expectTrainsLikeTfjs(m: Model, t: tfl.LayersModel, xShape: number[], yShape: number[], learningRate: number): Promise<void> {
  await copyWeights(m, t);
  m.compile({ optimizer: optimizers.sgd({ learningRate }), loss: 'meanSquaredError' });
  t.compile({ optimizer: tf.train.sgd(learningRate), loss: 'meanSquaredError' });
  const data = uniform(sizeOf(xShape), 5);
  const target = uniform(sizeOf(yShape), 6);
  for (let step = 0; step < 3; step++) {
    const l = (await m.trainOnBatch({ data, shape: xShape }, { data: target, shape: yShape })) as number;
    const tl = (await t.trainOnBatch(tf.tensor(data, xShape), tf.tensor(target, yShape))) as number;
    expectClose([l], [tl], { atol: 1e-6, rtol: 1e-5 }, `loss at step ${step}`);
  }
  const [ours, theirs] = [await m.getWeights(), t.getWeights()];
  for (const [i, w] of ours.entries()) expectClose(w, await theirs[i].data(), { atol: 1e-5, rtol: 1e-4 }, `weight ${i}`);
}

/**
 * m saved and loaded by TF.js, and t saved and loaded by wgslnet, predict what m predicts; the saved
 * config of m's layer of class `className` holds `config`. Returns the model loaded from TF.js's file.
 */
export async function expectSavesBothWays(m: Model, t: tfl.LayersModel, xShape: number[], className: string, config: Record<string, unknown>): Promise<Model> {
  await copyWeights(m, t);
  let artifacts: ModelArtifacts | undefined;
  await m.save({ save: async (a) => saveResult((artifacts = a)) });
  const entries = (artifacts!.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
  expect(entries.find((l) => l.class_name === className)?.config).toMatchObject(config);
  const inTf = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
  const x = uniform(sizeOf(xShape), 9);
  const ours = await (await m.predict({ data: x, shape: xShape })).data();
  expectClose((inTf.predict(tf.tensor(x, xShape)) as tf.Tensor).dataSync(), ours, { atol: 1e-6, rtol: 1e-5 }, 'TF.js loading wgslnet');
  inTf.dispose();
  let fromTf: ModelArtifacts | undefined;
  await t.save(tf.io.withSaveHandler(async (a) => saveResult((fromTf = a as unknown as ModelArtifacts)) as tf.io.SaveResult));
  const loaded = await loadModel({ load: async () => fromTf! });
  expect(loaded.layers.find((l) => l.className === className)?.getConfig()).toMatchObject(config);
  expectClose(await (await loaded.predict({ data: x, shape: xShape })).data(), ours, { atol: 1e-6, rtol: 1e-5 }, 'wgslnet loading TF.js');
  return loaded;
}
