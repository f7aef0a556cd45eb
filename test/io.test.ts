// Saving and loading in TensorFlow.js's layers format: wgslnet → wgslnet round trips, wgslnet →
// TF.js and TF.js → wgslnet with the same predictions (TF.js on its CPU backend), bad input that
// must change nothing, fetch loading (fetch stubbed), and in a browser IndexedDB and downloads.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { dense } from '../src/layers/dense.js';
import { conv2d } from '../src/layers/conv2d.js';
import { conv2dTranspose } from '../src/layers/conv2d_transpose.js';
import { maxPooling2d } from '../src/layers/max_pooling2d.js';
import { averagePooling2d } from '../src/layers/average_pooling2d.js';
import { upSampling2d } from '../src/layers/up_sampling2d.js';
import { flatten } from '../src/layers/flatten.js';
import { reshape } from '../src/layers/reshape.js';
import { activation } from '../src/layers/activation.js';
import { gaussianNoise } from '../src/layers/gaussian_noise.js';
import { dropout } from '../src/layers/dropout.js';
import { loadModel, type IOHandler, type ModelArtifacts } from '../src/io/index.js';
import { saveResult, toModelJSON } from '../src/io/serialization.js';
import { memory, sizeOf, type Shape } from '../src/tensor.js';
import { expectClose, setup, uniform } from './helpers.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const quiet = () => {};

function denseAE(): Model {
  const x = input({ shape: [12], name: 'pixels' });
  const h = dense({ units: 5, activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  return new Model({ inputs: x, outputs: dense({ units: 12, activation: 'sigmoid', biasInitializer: 'randomNormal' }).apply(h), name: 'dense_ae' });
}

function convAE(): Model {
  const x = input({ shape: [8, 8, 3] });
  let y = conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  y = maxPooling2d({ poolSize: 2 }).apply(y);
  y = conv2d({ filters: 2, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'relu' }).apply(y);
  y = upSampling2d({ size: 2 }).apply(y);
  y = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'sigmoid', biasInitializer: 'randomNormal' }).apply(y);
  return new Model({ inputs: x, outputs: y, name: 'conv_ae' });
}

/**
 * Every other layer class, a ragged shape, regularizers, a contractive penalty and a layer called
 * twice (shared weights). TF.js cannot call layers with an activity regularizer: `sparse` adds one.
 */
function mixed(sparse = true): Model {
  const x = input({ shape: [3, 5, 2] });
  let y = conv2dTranspose({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'tanh', biasInitializer: 'randomNormal' }).apply(x);
  y = averagePooling2d({ poolSize: 2, strides: 1, padding: 'valid' }).apply(y);
  y = gaussianNoise({ stddev: 0.1 }).apply(y);
  y = dropout({ rate: 0.3 }).apply(y);
  y = flatten().apply(y);
  y = dense({ units: 7, activation: 'elu', kernelRegularizer: { l2: 1e-3 }, activityRegularizer: sparse ? { l1: 1e-4 } : undefined, kernelInitializer: 'heNormal', contractive: 0.1 }).apply(y);
  const shared = dense({ units: 7, activation: 'softplus', biasInitializer: 'randomNormal' });
  y = shared.apply(shared.apply(y));
  y = dense({ units: 30, trainable: false }).apply(y);
  y = reshape({ targetShape: [3, 5, 2] }).apply(y);
  y = activation({ activation: 'sigmoid' }).apply(y);
  return new Model({ inputs: x, outputs: y, name: 'mixed' });
}

const models: [string, () => Model][] = [
  ['dense', denseAE],
  ['conv', convAE],
  ['mixed', mixed],
];

/** A batch of 3 samples for a model, and the same as a TF.js tensor. */
function batchFor(shape: Shape, seed: number): { data: Float32Array; shape: number[] } {
  const full = [3, ...shape];
  return { data: uniform(sizeOf(full), seed, 0, 1), shape: full };
}

async function predict(m: Model, x: { data: Float32Array; shape: number[] }): Promise<Float32Array> {
  const y = await m.predict(x);
  const values = (await y.data()) as Float32Array;
  y.dispose();
  return values;
}

function tfPredict(m: tfl.LayersModel, x: { data: Float32Array; shape: number[] }): Float32Array {
  const y = m.predict(tf.tensor(x.data, x.shape)) as tf.Tensor;
  return y.dataSync() as Float32Array;
}

/** An in-memory IOHandler: save keeps the artifacts, load returns them. */
function memoryHandler(): IOHandler & { artifacts?: ModelArtifacts } {
  const handler: IOHandler & { artifacts?: ModelArtifacts } = {
    async save(artifacts) {
      handler.artifacts = artifacts;
      return saveResult(artifacts);
    },
    async load() {
      return handler.artifacts!;
    },
  };
  return handler;
}

async function saved(m: Model): Promise<ModelArtifacts> {
  const h = memoryHandler();
  await m.save(h);
  return h.artifacts!;
}

const from = (artifacts: ModelArtifacts): IOHandler => ({ load: async () => artifacts });

/** Same layers: class, name, options and trainability. */
function expectSameLayers(a: Model, b: Model): void {
  const describe = (m: Model) => m.layers.map((l) => ({ className: l.className, name: l.name, trainable: l.trainable, config: l.getConfig(), weights: l.weights.map((w) => [w.name, w.shape]) }));
  expect(describe(a)).toEqual(describe(b));
}

describe('wgslnet → wgslnet', () => {
  it.each(models)('%s: loadModel(save()) has the same summary, layers, weights (bit for bit) and predictions', async (_, make) => {
    const m = make();
    const h = memoryHandler();
    const result = await m.save(h);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(4 * m.countParams());
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    const loaded = await loadModel(h);
    expect(loaded.summary(quiet)).toBe(m.summary(quiet));
    expectSameLayers(loaded, m);
    const [w0, w1] = [await m.getWeights(), await loaded.getWeights()];
    expect(w1.map((w) => Array.from(w))).toEqual(w0.map((w) => Array.from(w)));
    const x = batchFor(m.inputShape, 7);
    // Same kernels on the same weights: the same bits.
    expect(Array.from(await predict(loaded, x))).toEqual(Array.from(await predict(m, x)));
    // A second round trip writes the same topology.
    expect((await saved(loaded)).modelTopology).toEqual(h.artifacts!.modelTopology);
  });

  it('writes the functional topology TF.js writes: class Model, snake_case configs, inbound nodes, weight specs in Keras order', async () => {
    const m = mixed();
    const a = await saved(m);
    const topology = a.modelTopology as { class_name: string; config: { name: string; layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[]; input_layers: unknown; output_layers: unknown } };
    expect(topology.class_name).toBe('Model');
    expect(a.format).toBe('layers-model');
    const { layers } = topology.config;
    const [inputLayer, convT, , , , , encoder, shared, frozen] = layers;
    expect(inputLayer).toMatchObject({ class_name: 'InputLayer', inbound_nodes: [], config: { batch_input_shape: [null, 3, 5, 2], dtype: 'float32', name: inputLayer.name } });
    expect(convT.config).toMatchObject({ filters: 3, kernel_size: [3, 2], strides: [2, 2], padding: 'same', activation: 'tanh', use_bias: true, data_format: 'channels_last', dilation_rate: [1, 1] });
    expect(convT.config.bias_initializer).toEqual({ class_name: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } });
    expect(encoder.config).toMatchObject({
      units: 7,
      activation: 'elu',
      kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal', seed: null } },
      kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 1e-3 } },
      activity_regularizer: { class_name: 'L1L2', config: { l1: 1e-4, l2: 0 } },
      contractive: 0.1,
      trainable: true,
    });
    expect(frozen.config.trainable).toBe(false);
    // The shared layer's second call reads its own first output: node index 1.
    expect(shared.inbound_nodes).toEqual([[[encoder.name, 0, 0, {}]], [[shared.name, 0, 0, {}]]]);
    expect(frozen.inbound_nodes).toEqual([[[shared.name, 1, 0, {}]]]);
    expect(topology.config.input_layers).toEqual([[inputLayer.name, 0, 0]]);
    expect(topology.config.output_layers).toEqual([[layers.at(-1)!.name, 0, 0]]);
    expect(a.weightSpecs!.map((s) => s.name)).toEqual(m.weights.map((w) => w.name));
    expect(a.weightSpecs![0]).toEqual({ name: `${convT.name}/kernel`, shape: [3, 2, 3, 2], dtype: 'float32' });
  });
});

describe('wgslnet → TF.js', () => {
  it.each([...models.slice(0, 2), ['mixed', () => mixed(false)]] as [string, () => Model][])('%s: tf.loadLayersModel(tf.io.fromMemory(artifacts)) predicts the same (atol 1e-5, rtol 1e-4)', async (_, make) => {
    const m = make();
    const artifacts = await saved(m);
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    expect(tfModel.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    expect(tfModel.countParams()).toBe(m.countParams());
    const x = batchFor(m.inputShape, 11);
    expectClose(tfPredict(tfModel, x), await predict(m, x), { atol: 1e-5, rtol: 1e-4 }, 'predictions');
    tfModel.dispose();
  });
});

async function tfArtifacts(m: tfl.LayersModel): Promise<ModelArtifacts> {
  let artifacts: ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a as unknown as ModelArtifacts;
    return saveResult(artifacts) as tf.io.SaveResult;
  }));
  return artifacts!;
}

describe('TF.js → wgslnet', () => {
  const init = { biasInitializer: 'randomNormal' } as const;
  const tfModels: [string, () => tfl.LayersModel][] = [
    [
      'sequential dense AE',
      () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [12], units: 5, activation: 'relu', ...init }), tfl.layers.dense({ units: 12, activation: 'sigmoid', ...init })] }),
    ],
    [
      'functional conv AE with every layer class',
      () => {
        const x = tfl.input({ shape: [8, 8, 3] });
        const apply = (layer: tfl.layers.Layer, t: tfl.SymbolicTensor) => layer.apply(t) as tfl.SymbolicTensor;
        let y = apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...init }), x);
        y = apply(tfl.layers.maxPooling2d({ poolSize: 2 }), y);
        y = apply(tfl.layers.gaussianNoise({ stddev: 0.2 }), y);
        y = apply(tfl.layers.conv2d({ filters: 2, kernelSize: [3, 1], strides: [1, 2], padding: 'valid', ...init }), y);
        y = apply(tfl.layers.dropout({ rate: 0.5 }), y);
        y = apply(tfl.layers.flatten(), y);
        y = apply(tfl.layers.dense({ units: 18, activation: 'tanh', ...init }), y);
        y = apply(tfl.layers.reshape({ targetShape: [3, 3, 2] }), y);
        y = apply(tfl.layers.upSampling2d({ size: [2, 3] }), y);
        y = apply(tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, padding: 'valid', ...init }), y);
        y = apply(tfl.layers.averagePooling2d({ poolSize: [2, 3], strides: [2, 2], padding: 'same' }), y);
        y = apply(tfl.layers.activation({ activation: 'sigmoid' }), y);
        return tfl.model({ inputs: x, outputs: y });
      },
    ],
  ];

  it.each(tfModels)('%s: loadModel gives the same predictions (atol 1e-5, rtol 1e-4), names and parameter count', async (_, make) => {
    const tfModel = make();
    const artifacts = await tfArtifacts(tfModel);
    const m = await loadModel(from(artifacts));
    // A Sequential's layers leave the InputLayer out in both libraries, a functional model's keep it.
    expect(m.layers.map((l) => l.name)).toEqual(tfModel.layers.map((l) => l.name));
    expect(m.countParams()).toBe(tfModel.countParams());
    const x = batchFor(m.inputShape, 13);
    expectClose(await predict(m, x), tfPredict(tfModel, x), { atol: 1e-5, rtol: 1e-4 }, 'predictions');
    tfModel.dispose();
  });
});

describe('Keras topologies (as tensorflowjs_converter passes them on)', () => {
  const initializer = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };
  const denseConfig = (name: string, units: number, activation: string) => ({
    name,
    trainable: true,
    dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
    units,
    activation,
    use_bias: true,
    kernel_initializer: initializer,
    bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
    kernel_regularizer: null,
    bias_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  });
  const kerasTensor = (layer: string) => ({ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [layer, 0, 0] } }], kwargs: {} });
  // Keras 3's Functional: dict-shaped nodes, batch_shape, a dtype policy, flat input/output refs.
  const keras3 = {
    class_name: 'Functional',
    config: {
      name: 'functional',
      layers: [
        { class_name: 'InputLayer', name: 'input_layer', config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' }, inbound_nodes: [] },
        { class_name: 'Dense', name: 'dense', config: denseConfig('dense', 3, 'relu'), inbound_nodes: [kerasTensor('input_layer')] },
        { class_name: 'Dense', name: 'dense_1', config: denseConfig('dense_1', 2, 'linear'), inbound_nodes: [kerasTensor('dense')] },
      ],
      input_layers: ['input_layer', 0, 0],
      output_layers: ['dense_1', 0, 0],
    },
  };
  // Keras 2 through the converter: the model under model_config, a Sequential whose first entry is its InputLayer.
  const keras2 = {
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
          { class_name: 'Dense', config: { ...denseConfig('dense', 3, 'relu'), dtype: 'float32' } },
          { class_name: 'Dense', config: { ...denseConfig('dense_1', 2, 'linear'), dtype: 'float32' } },
        ],
      },
    },
  };
  const [w1, b1, w2, b2] = [uniform(12, 1), uniform(3, 2), uniform(6, 3), uniform(2, 4)];
  const weightSpecs = [
    { name: 'dense/kernel', shape: [4, 3], dtype: 'float32' },
    { name: 'dense/bias', shape: [3], dtype: 'float32' },
    { name: 'dense_1/kernel', shape: [3, 2], dtype: 'float32' },
    { name: 'dense_1/bias', shape: [2], dtype: 'float32' },
  ];
  // TF.js 4 may hand over the weight data as a list of buffers.
  const weightData = [w1, b1, w2, b2].map((w) => w.slice().buffer);

  /** The float64 reference: dense(3, relu) then dense(2). */
  function reference(x: Float32Array): number[] {
    const out: number[] = [];
    for (let n = 0; n < x.length / 4; n++) {
      const h = [0, 1, 2].map((j) => Math.max(0, b1[j] + [0, 1, 2, 3].reduce((a, i) => a + x[n * 4 + i] * w1[i * 3 + j], 0)));
      for (let k = 0; k < 2; k++) out.push(b2[k] + h.reduce((a, hj, j) => a + hj * w2[j * 2 + k], 0));
    }
    return out;
  }

  // A Sequential's layers leave its InputLayer out (as Keras's), a functional model's keep it.
  it.each([
    ['Keras 3 Functional', keras3, 'input_layer', 'functional', ['input_layer', 'dense', 'dense_1']],
    ['Keras 2 Sequential under model_config', keras2, 'input_1', 'sequential', ['dense', 'dense_1']],
  ] as const)('%s loads and predicts as float64 (atol 1e-6, rtol 1e-5)', async (_, modelTopology, inputName, name, layerNames) => {
    const m = await loadModel(from({ modelTopology, weightSpecs, weightData }));
    expect(m.name).toBe(name);
    expect(m.inputNames).toEqual([inputName]);
    expect(m.layers.map((l) => l.name)).toEqual(layerNames);
    const x = { data: uniform(7 * 4, 5), shape: [7, 4] };
    expectClose(await predict(m, x), reference(x.data), { atol: 1e-6, rtol: 1e-5 }, 'predictions');
  });
});

describe('bad input changes nothing and names the culprit', () => {
  /** Runs `act`, expects it to fail with `message`, and checks the model's weights did not change. */
  async function expectUnchanged(m: Model, act: () => Promise<unknown>, message: RegExp): Promise<void> {
    const before = (await m.getWeights()).map((w) => Array.from(w));
    await expect(act()).rejects.toThrow(message);
    expect((await m.getWeights()).map((w) => Array.from(w))).toEqual(before);
  }

  it('truncated weight data', async () => {
    const a = await saved(denseAE());
    const m = denseAE();
    const bytes = (a.weightData as ArrayBuffer).byteLength;
    const cut = { ...a, weightData: (a.weightData as ArrayBuffer).slice(0, bytes - 8) };
    const last = a.weightSpecs!.at(-1)!.name;
    await expectUnchanged(m, () => m.loadWeights(from(cut)), new RegExp(`weight data has ${bytes - 8} bytes but the weight specs need ${bytes}; weight '${last}' \\[12\\] would end at byte ${bytes}`));
    // loadModel fails the same way and frees what it had built.
    const live = memory().numTensors;
    await expect(loadModel(from(cut))).rejects.toThrow(/weight data has/);
    expect(memory().numTensors).toBe(live);
  });

  it('a missing weight', async () => {
    const m = denseAE();
    const a = await saved(m);
    const missing = a.weightSpecs![1].name;
    const specs = a.weightSpecs!.filter((s) => s.name !== missing);
    const data = new Float32Array(a.weightData as ArrayBuffer);
    const without = { ...a, weightSpecs: specs, weightData: Float32Array.from([...data.slice(0, 60), ...data.slice(65)]).buffer };
    await expectUnchanged(m, () => m.loadWeights(from(without)), new RegExp(`has 4 weights but the saved weights are 3 \\(missing '${missing}'\\)`));
  });

  it('a shape mismatch', async () => {
    const a = await saved(denseAE());
    const x = input({ shape: [12] });
    const wider = new Model({ inputs: x, outputs: dense({ units: 12 }).apply(dense({ units: 6 }).apply(x)) });
    await expectUnchanged(wider, () => wider.loadWeights(from(a)), new RegExp(`weight '${wider.weights[0].name}' has shape \\[12,6\\] in model '.*' but \\[12,5\\] in the saved weights \\(matched by position to saved '${a.weightSpecs![0].name}'\\)`));
  });

  it('an unknown layer class, an option wgslnet lacks, an activation it lacks', async () => {
    const a = await saved(convAE());
    const edit = (change: (layers: { class_name: string; config: Record<string, unknown> }[]) => void): ModelArtifacts => {
      const topology = structuredClone(a.modelTopology) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
      change(topology.config.layers);
      return { ...a, modelTopology: topology };
    };
    const name = (a.modelTopology as { config: { layers: { name: string }[] } }).config.layers[2].name;
    await expect(loadModel(from(edit((l) => (l[2].class_name = 'LocallyConnected2D'))))).rejects.toThrow(new RegExp(`unknown layer class 'LocallyConnected2D' for layer '${name}' \\(LocallyConnected2D\\)`));
    await expect(loadModel(from(edit((l) => (l[3].config.groups = 2))))).rejects.toThrow(/layer '.*' \(Conv2D\): groups 2 is not supported/);
    await expect(loadModel(from(edit((l) => (l[1].config.activation = 'softmax'))))).rejects.toThrow(/layer '.*' \(Conv2D\): unknown activation 'softmax'/);
    await expect(loadModel(from({ ...a, modelTopology: { class_name: 'GraphModel', config: {} } }))).rejects.toThrow(/unknown model class 'GraphModel'/);
  });

  it('two layers with one name cannot be saved', async () => {
    const x = input({ shape: [4] });
    const twins = new Model({ inputs: x, outputs: dense({ units: 2, name: 'twin' }).apply(dense({ units: 3, name: 'twin' }).apply(x)) });
    await expect(twins.save(memoryHandler())).rejects.toThrow(/has two weights named 'twin\/kernel'; give its layers unique names/);
  });

  it('routes by scheme, and says which schemes exist', async () => {
    await expect(loadModel('ftp://x/model.json')).rejects.toThrow(/no IOHandler for 'ftp:\/\/x\/model.json': known schemes are 'downloads:\/\/', 'indexeddb:\/\/', 'http:\/\/', 'https:\/\/'/);
    await expect(denseAE().save('https://example.test/m')).rejects.toThrow(/the IOHandler for 'https:\/\/example.test\/m' cannot save/);
    // Without wgslnet/node, a plain string is a URL: relative to the page in a browser, an error in Node.
    if (typeof location === 'undefined') await expect(loadModel('models/ae')).rejects.toThrow(/'models\/ae' is not a URL \(to load files in Node, import 'wgslnet\/node'\)/);
  });
});

describe('loadWeights', () => {
  it('by name into the model it came from, by position into a rebuilt one with other layer names', async () => {
    const m = denseAE();
    const a = await saved(m);
    const x = batchFor(m.inputShape, 5);
    const expected = await predict(m, x);
    m.setWeights(m.weights.map((w) => new Float32Array(w.value.size)));
    await m.loadWeights(from(a));
    expect(Array.from(await predict(m, x))).toEqual(Array.from(expected));
    const rebuilt = denseAE();
    expect(rebuilt.weights[0].name).not.toBe(m.weights[0].name);
    await rebuilt.loadWeights(from(a));
    expect(Array.from(await predict(rebuilt, x))).toEqual(Array.from(expected));
  });
});

describe('fetch (http, https, page-relative URLs)', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Serves `files` (URL → bytes) through a stubbed fetch. */
  function serve(files: Record<string, ArrayBuffer | string>): string[] {
    const requested: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      const body = files[url];
      return body === undefined ? new Response('not found', { status: 404, statusText: 'Not Found' }) : new Response(body);
    });
    return requested;
  }

  it('loads model.json and two weight shards resolved against its URL; a short shard or a 404 names the file', async () => {
    const m = mixed();
    const a = await saved(m);
    const data = a.weightData as ArrayBuffer;
    const json = JSON.stringify(toModelJSON(a, ['shard1of2.bin', 'w/shard2of2.bin']));
    const files = { 'https://models.test/ae/model.json': json, 'https://models.test/ae/shard1of2.bin': data.slice(0, 100), 'https://models.test/ae/w/shard2of2.bin': data.slice(100) };
    const requested = serve(files);
    const loaded = await loadModel('https://models.test/ae/model.json');
    expect(requested).toEqual(Object.keys(files));
    const x = batchFor(m.inputShape, 3);
    expect(Array.from(await predict(loaded, x))).toEqual(Array.from(await predict(m, x)));

    serve({ ...files, 'https://models.test/ae/w/shard2of2.bin': data.slice(100, -4) });
    await expect(loadModel('https://models.test/ae/model.json')).rejects.toThrow(
      new RegExp(`weight files 'https://models.test/ae/shard1of2.bin', 'https://models.test/ae/w/shard2of2.bin' have ${data.byteLength - 4} bytes but ${data.byteLength} were expected`),
    );
    serve({ 'https://models.test/ae/model.json': json });
    await expect(loadModel('https://models.test/ae/model.json')).rejects.toThrow(/fetching weight file 'https:\/\/models.test\/ae\/shard1of2.bin' failed: HTTP 404 Not Found/);
  });
});

describe.runIf(typeof indexedDB !== 'undefined')('indexeddb://', () => {
  it('saves and loads a model by name; an unknown name is an error', async () => {
    const m = convAE();
    await m.save('indexeddb://io-test-conv');
    const loaded = await loadModel('indexeddb://io-test-conv');
    expect(loaded.summary(quiet)).toBe(m.summary(quiet));
    const x = batchFor(m.inputShape, 9);
    expect(Array.from(await predict(loaded, x))).toEqual(Array.from(await predict(m, x)));
    await expect(loadModel('indexeddb://io-test-nothing')).rejects.toThrow(/no model 'io-test-nothing' in IndexedDB/);
  });
});

describe.runIf(typeof document !== 'undefined')('downloads://', () => {
  it('downloads name.json and name.weights.bin', async () => {
    const clicks: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.href, download: this.download });
    });
    try {
      const m = denseAE();
      const a = await saved(m);
      await m.save('downloads://my-ae');
      expect(clicks.map((c) => c.download)).toEqual(['my-ae.json', 'my-ae.weights.bin']);
      const json = await (await fetch(clicks[0].href)).json();
      expect(json.weightsManifest).toEqual([{ paths: ['./my-ae.weights.bin'], weights: a.weightSpecs }]);
      expect(json.modelTopology).toEqual(a.modelTopology);
      const bin = await (await fetch(clicks[1].href)).arrayBuffer();
      expect(Array.from(new Float32Array(bin))).toEqual(Array.from(new Float32Array(a.weightData as ArrayBuffer)));
    } finally {
      click.mockRestore();
    }
  });
});
