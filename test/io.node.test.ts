// 'file://' saving and loading in Node: a round trip in a temp dir, TF.js reading the files, a
// failed save over an existing model leaving its files byte-identical, and damaged files on disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { dense } from '../src/layers/dense.js';
import { conv2d } from '../src/layers/conv2d.js';
import { maxPooling2d } from '../src/layers/max_pooling2d.js';
import { upSampling2d } from '../src/layers/up_sampling2d.js';
import { loadModel, type ModelArtifacts } from '../src/io/index.js';
import { saveResult } from '../src/io/serialization.js';
import { fileHandler, registerFileHandler } from '../src/node/io.js';
import { expectClose, setup, uniform } from './helpers.js';

let root: string;

beforeAll(async () => {
  await setup();
  registerFileHandler();
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'wgslnet-io-'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

function convAE(): Model {
  const x = input({ shape: [4, 4, 2] });
  let y = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  y = maxPooling2d({ poolSize: 2 }).apply(y);
  y = upSampling2d({ size: 2 }).apply(y);
  y = conv2d({ filters: 2, kernelSize: 1, activation: 'sigmoid', biasInitializer: 'randomNormal' }).apply(y);
  return new Model({ inputs: x, outputs: y, name: 'conv_ae' });
}

function denseAE(): Model {
  const x = input({ shape: [6] });
  return new Model({ inputs: x, outputs: dense({ units: 6, activation: 'sigmoid', biasInitializer: 'randomNormal' }).apply(dense({ units: 2, activation: 'tanh' }).apply(x)) });
}

const x = { data: uniform(3 * 32, 21, 0, 1), shape: [3, 4, 4, 2] };

async function predict(m: Model, data: { data: Float32Array; shape: number[] } = x): Promise<number[]> {
  const y = await m.predict(data);
  const values = Array.from(await y.data());
  y.dispose();
  return values;
}

const files = async (dir: string) => ({ json: await readFile(join(dir, 'model.json')), bin: await readFile(join(dir, 'weights.bin')) });

describe('file://', () => {
  it('round trip: model.json + weights.bin as tfjs-node writes them; loads from file://dir, a plain path or the model.json path', async () => {
    const m = convAE();
    const dir = join(root, 'round-trip', 'conv');
    const result = await m.save(`file://${dir}`);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(4 * m.countParams());
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const { json, bin } = await files(dir);
    const modelJson = JSON.parse(json.toString());
    expect(modelJson).toMatchObject({ format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: m.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }] });
    expect(bin.byteLength).toBe(4 * m.countParams());
    const expected = await predict(m);
    for (const source of [`file://${dir}`, dir, join(dir, 'model.json')]) {
      const loaded = await loadModel(source);
      expect(loaded.summary(() => {})).toBe(m.summary(() => {}));
      expect(await predict(loaded)).toEqual(expected);
    }
    // TF.js reads the same files (as tfjs-node's file:// would hand them over).
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: new Uint8Array(bin).buffer }));
    expectClose((tfModel.predict(tf.tensor(x.data, x.shape)) as tf.Tensor).dataSync(), expected, { atol: 1e-5, rtol: 1e-4 }, 'TF.js predictions');
  });

  it('a failed save over an existing model leaves its files byte-identical and no temp dir behind; a good one replaces them', async () => {
    const parent = join(root, 'overwrite');
    const dir = join(parent, 'ae');
    const old = convAE();
    await old.save(`file://${dir}`);
    await writeFile(join(dir, 'notes.txt'), 'kept');
    const before = await files(dir);

    const next = convAE();
    let artifacts: ModelArtifacts | undefined;
    await next.save({ save: async (a) => saveResult((artifacts = a)) });
    // Failing after model.json is written to the temp dir: reading the weights throws.
    const failing = { ...artifacts!, get weightData(): ArrayBuffer { throw new Error('injected: weights unavailable'); } };
    await expect(fileHandler(`file://${dir}`).save!(failing)).rejects.toThrow('injected: weights unavailable');
    // Failing before the handler runs: the model's weights cannot be read.
    next.getWeights = () => Promise.reject(new Error('injected: GPU lost'));
    await expect(next.save(`file://${dir}`)).rejects.toThrow('injected: GPU lost');
    expect(await files(dir)).toEqual(before);
    expect(await readdir(parent)).toEqual(['ae']);

    const fresh = convAE();
    await fresh.save(dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'notes.txt', 'weights.bin']);
    expect(await readdir(parent)).toEqual(['ae']);
    expect(await predict(await loadModel(dir))).toEqual(await predict(fresh));
    expect(await predict(fresh)).not.toEqual(await predict(old));
  });

  it('a truncated or missing shard names the file and the byte counts; the weights stay as they were', async () => {
    const m = denseAE();
    const dir = join(root, 'damaged');
    await m.save(dir);
    const shard = join(dir, 'weights.bin');
    const bytes = 4 * m.countParams();
    await truncate(shard, bytes - 3);
    const target = denseAE();
    const data = { data: uniform(12, 3), shape: [2, 6] };
    const before = await predict(target, data);
    const message = `weight file '${shard}' has ${bytes - 3} bytes but ${bytes} were expected (weights ${m.weights.map((w) => w.name).join(', ')})`;
    await expect(loadModel(dir)).rejects.toThrow(message);
    await expect(target.loadWeights(`file://${dir}`)).rejects.toThrow(message);
    expect(await predict(target, data)).toEqual(before);
    await unlink(shard);
    await expect(loadModel(dir)).rejects.toThrow(`cannot read weight file '${shard}': ENOENT`);
    await expect(loadModel(join(root, 'nothing-here'))).rejects.toThrow(`cannot read model file '${join(root, 'nothing-here', 'model.json')}': ENOENT`);
  });

  it('refuses to save over a file', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(denseAE().save(file)).rejects.toThrow(`cannot save to '${file}': it is a file`);
  });
});
