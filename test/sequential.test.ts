// sequential(): its `layers` leave out the InputLayer (as Keras's and TF.js's Sequential; a
// functional model keeps it), everything that walks a model's layers still works, and it saves as
// TF.js's 'Sequential' topology, loadable by TF.js and back, with the same predictions.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, layers, model, optimizers, sequential, type Model } from '../src/index.js';
import { Sequential } from '../src/model.js';
import { loadModel, type ModelArtifacts } from '../src/io/index.js';
import { modelFromTopology, modelTopology, saveResult } from '../src/io/serialization.js';
import { expectClose, setup, uniform } from './helpers.js';
import { copyWeights } from './tfjs_parity.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const quiet = () => {};
const names = (m: { layers: readonly { name: string }[] }) => m.layers.map((l) => l.name);

function small(): Sequential {
  return sequential({
    layers: [
      layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 4, activation: 'tanh', biasInitializer: 'randomNormal' }),
    ],
  });
}

function tfSmall(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4, activation: 'tanh' }),
    ],
  });
}

async function saved(m: Model): Promise<ModelArtifacts> {
  let artifacts: ModelArtifacts | undefined;
  await m.save({ save: async (a) => saveResult((artifacts = a)) });
  return artifacts!;
}

async function predict(m: Model, x: Float32Array, shape: number[]): Promise<Float32Array> {
  return (await (await m.predict({ data: x, shape })).data()) as Float32Array;
}

const X_SHAPE = [3, 6, 6, 2];
const X = uniform(3 * 6 * 6 * 2, 4);

describe('sequential().layers', () => {
  it('leave out the InputLayer, as TF.js’s Sequential; a functional model of the same layers keeps it', () => {
    const m = small();
    const t = tfSmall();
    expect(m).toBeInstanceOf(Sequential);
    expect(m.layers.map((l) => l.className)).toEqual(t.layers.map((l) => l.getClassName()));
    expect(m.layers.map((l) => l.className)).toEqual(['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
    expect(m.inputLayers.map((l) => l.className)).toEqual(['InputLayer']);
    // TF.js names the implicit input after the first layer.
    expect(m.inputNames).toEqual([`${m.layers[0].name}_input`]);
    const x = input({ shape: [3] });
    const f = model({ inputs: x, outputs: layers.dense({ units: 2 }).apply(x) });
    expect(f.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense']);
    t.dispose();
  });

  it('getLayer by index counts without the InputLayer; by name, weights, params and summary as TF.js', () => {
    const m = small();
    const t = tfSmall();
    expect(m.getLayer(0).className).toBe('Conv2D');
    expect(m.getLayer(3)).toBe(m.layers[3]);
    expect(() => m.getLayer(4)).toThrow(/has 4 layers; there is no layer at index 4/);
    expect(m.getLayer(m.layers[1].name)).toBe(m.layers[1]);
    expect(m.weights.map((w) => w.shape)).toEqual(t.weights.map((w) => w.shape));
    expect(m.countParams()).toBe(t.countParams());
    const text = m.summary(quiet);
    expect(text).not.toMatch(/InputLayer/);
    const rows: string[] = [];
    t.summary(undefined, undefined, (line: string) => rows.push(line));
    // The same rows as TF.js's table, layer for layer: output shape and parameters.
    const ours = text.split('\n').flatMap((l) => {
      const row = /\(None((?:, \d+)*)\)\s+(\d+)$/.exec(l);
      return row ? [[`[null${row[1].replace(/ /g, '')}]`, row[2]]] : [];
    });
    const theirs = rows.filter((l) => l.includes('[[null')).map((l) => l.trim().split(/\s+/).slice(-2));
    expect(ours).toEqual(theirs);
    expect(ours).toHaveLength(4);
    t.dispose();
  });

  it('trains as the functional model of the same layers and weights does', async () => {
    const m = small();
    const x = input({ shape: [6, 6, 2] });
    const f = model({ inputs: x, outputs: m.apply(x) });
    const g = small();
    g.setWeights(await m.getWeights());
    for (const n of [g, f]) n.compile({ optimizer: optimizers.sgd({ learningRate: 0.3 }), loss: 'meanSquaredError' });
    const y = { data: uniform(12, 8), shape: [3, 4] };
    const a = (await g.trainOnBatch({ data: X, shape: X_SHAPE }, y)) as number;
    const b = (await f.trainOnBatch({ data: X, shape: X_SHAPE }, y)) as number;
    expectClose([a], [b], { atol: 1e-7, rtol: 1e-6 }, 'loss');
    const [wg, wf] = [await g.getWeights(), await f.getWeights()];
    wg.forEach((w, i) => expectClose(w, wf[i], { atol: 1e-7, rtol: 1e-6 }, `weight ${i}`));
  });

  it('refuses a graph that is not a chain', () => {
    const x = input({ shape: [3] });
    const d = layers.dense({ units: 3 });
    const y = layers.add().apply([d.apply(x), x]);
    expect(() => new Sequential({ inputs: x, outputs: y, name: 'not_a_chain' })).toThrow(/Sequential 'not_a_chain': its layers must form a chain/);
  });
});

describe('a Sequential saves as TF.js’s Sequential topology', () => {
  it('class Sequential, the layer list, batch_input_shape on the first layer; TF.js loads it with the same layers and predictions', async () => {
    const m = small();
    const artifacts = await saved(m);
    const topology = artifacts.modelTopology as { class_name: string; config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(topology.class_name).toBe('Sequential');
    expect(topology.config.name).toBe(m.name);
    expect(topology.config.layers.map((l) => l.class_name)).toEqual(['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
    expect(topology.config.layers[0].config.batch_input_shape).toEqual([null, 6, 6, 2]);
    const inTf = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    expect(inTf.getClassName()).toBe('Sequential');
    expect(inTf.layers.map((l) => l.name)).toEqual(names(m));
    expectClose((inTf.predict(tf.tensor(X, X_SHAPE)) as tf.Tensor).dataSync(), await predict(m, X, X_SHAPE), { atol: 1e-6, rtol: 1e-5 }, 'TF.js predictions');
    inTf.dispose();
  });

  it('loads back (wgslnet and TF.js files) as a Sequential with the same layers, input name, summary and predictions', async () => {
    const m = small();
    const back = await loadModel({ load: async () => saved(m) });
    expect(back).toBeInstanceOf(Sequential);
    expect(names(back)).toEqual(names(m));
    expect(back.inputNames).toEqual(m.inputNames);
    expect(back.summary(quiet)).toBe(m.summary(quiet));
    expect(Array.from(await predict(back, X, X_SHAPE))).toEqual(Array.from(await predict(m, X, X_SHAPE)));
    expect((await saved(back)).modelTopology).toEqual((await saved(m)).modelTopology);

    const t = tfSmall();
    await copyWeights(m, t);
    let fromTf: ModelArtifacts | undefined;
    await t.save(tf.io.withSaveHandler(async (a) => saveResult((fromTf = a as unknown as ModelArtifacts)) as tf.io.SaveResult));
    const loaded = await loadModel({ load: async () => fromTf! });
    expect(loaded).toBeInstanceOf(Sequential);
    expect(names(loaded)).toEqual(t.layers.map((l) => l.name));
    expectClose(await predict(loaded, X, X_SHAPE), await predict(m, X, X_SHAPE), { atol: 1e-6, rtol: 1e-5 }, 'loaded from TF.js');
    t.dispose();
  });

  it('leads with the InputLayer where the input has its own name (Keras 2’s form), which TF.js and wgslnet read back', async () => {
    const keras2 = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, name: 'features' } },
          { class_name: 'Dense', config: { name: 'hidden', units: 3, activation: 'relu', use_bias: true, dtype: 'float32', trainable: true } },
        ],
      },
    };
    const m = modelFromTopology(keras2);
    expect(m).toBeInstanceOf(Sequential);
    expect(names(m)).toEqual(['hidden']);
    expect(m.inputNames).toEqual(['features']);
    const artifacts = await saved(m);
    const written = artifacts.modelTopology as { config: { layers: { class_name: string }[] } };
    expect(written.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Dense']);
    const back = modelFromTopology(JSON.parse(JSON.stringify(artifacts.modelTopology)));
    expect(back.inputNames).toEqual(['features']);
    const inTf = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    const x = uniform(8, 3);
    expectClose((inTf.predict(tf.tensor(x, [2, 4])) as tf.Tensor).dataSync(), await predict(m, x, [2, 4]), { atol: 1e-6, rtol: 1e-5 }, 'TF.js predictions');
    inTf.dispose();
  });

  it('nested in a functional model: saved as a Sequential entry, loaded back by wgslnet and TF.js', async () => {
    const inner = sequential({ layers: [layers.dense({ inputShape: [5], units: 4, activation: 'tanh', biasInitializer: 'randomNormal' }), layers.dense({ units: 3 })] });
    const x = input({ shape: [5] });
    const outer = model({ inputs: x, outputs: layers.dense({ units: 2 }).apply(inner.apply(x)) });
    const topology = modelTopology(outer) as { class_name: string; config: { layers: { class_name: string }[] } };
    expect(topology.class_name).toBe('Model');
    expect(topology.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Sequential', 'Dense']);
    const artifacts = await saved(outer);
    const back = await loadModel({ load: async () => artifacts });
    expect(back.layers[1]).toBeInstanceOf(Sequential);
    expect(names(back.layers[1] as Model)).toEqual(names(inner));
    const xs = uniform(10, 6);
    const expected = await predict(outer, xs, [2, 5]);
    expect(Array.from(await predict(back, xs, [2, 5]))).toEqual(Array.from(expected));
    const inTf = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    expectClose((inTf.predict(tf.tensor(xs, [2, 5])) as tf.Tensor).dataSync(), expected, { atol: 1e-6, rtol: 1e-5 }, 'TF.js predictions');
    inTf.dispose();
  });
});
