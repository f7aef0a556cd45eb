// Saving and loading graph models both ways against TensorFlow.js (tfjs-layers): a U-Net with a
// concatenate skip, a two-output model and a nested encoder/decoder model; a Keras 3 model.json
// with a Concatenate; and topologies that name a missing layer or form a cycle.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, model, layers, type Model } from '../src/index.js';
import { loadModel, type IOHandler, type ModelArtifacts } from '../src/io/index.js';
import { setup, uniform, expectClose } from './helpers.js';
import { copyWeights, tfTwoHeads, tfUnet, twoHeads, unet } from './graph_models.js';
// Keras 3's functional config as its docs and source describe it (keras.io/guides/serialization_and_saving,
// keras/src/models/functional.py: get_config / serialize_node — each inbound node is {args, kwargs},
// a tensor is a __keras_tensor__ with keras_history [layer, node, index], a merge's args[0] a list;
// single input_layers/output_layers flat), wrapped under model_config as tensorflowjs_converter does.
import kerasUnet from './fixtures/keras/unet_model.json';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const tol = { atol: 1e-5, rtol: 1e-4 };
const from = (artifacts: ModelArtifacts): IOHandler => ({ load: async () => artifacts });

const saveResult = (a: { modelTopology?: unknown }) => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const, modelTopologyBytes: JSON.stringify(a.modelTopology).length } });

async function saved(m: Model<any>): Promise<ModelArtifacts> {
  let artifacts: ModelArtifacts | undefined;
  await m.save({
    async save(a) {
      artifacts = a;
      return saveResult(a) as never;
    },
  });
  return artifacts!;
}

/** What TF.js's save() hands to its handler (TF.js's own writer, read back without a file). */
const tfArtifacts = (m: tfl.LayersModel) =>
  new Promise<ModelArtifacts>((resolve, reject) => {
    m.save(tf.io.withSaveHandler(async (a) => (resolve(a as unknown as ModelArtifacts), saveResult(a) as tf.io.SaveResult))).catch(reject);
  });

function nested(): Model {
  const x = input({ shape: [6], name: 'seq_in' });
  const encoder = model({ inputs: x, outputs: layers.dense({ units: 3, activation: 'tanh', name: 'enc_dense', biasInitializer: 'randomNormal' }).apply(x), name: 'encoder' });
  const c = input({ shape: [3], name: 'code_in' });
  const decoder = model({ inputs: c, outputs: layers.dense({ units: 6, activation: 'sigmoid', name: 'dec_dense', biasInitializer: 'randomNormal' }).apply(c), name: 'decoder' });
  const x2 = input({ shape: [6], name: 'ae_in' });
  return model({ inputs: x2, outputs: decoder.apply(encoder.apply(x2)), name: 'ae' });
}

function tfNested(): tfl.LayersModel {
  const x = tfl.input({ shape: [6], name: 'seq_in' });
  const encoder = tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 3, activation: 'tanh', name: 'enc_dense', biasInitializer: 'randomNormal' }).apply(x) as tfl.SymbolicTensor, name: 'encoder' });
  const c = tfl.input({ shape: [3], name: 'code_in' });
  const decoder = tfl.model({ inputs: c, outputs: tfl.layers.dense({ units: 6, activation: 'sigmoid', name: 'dec_dense', biasInitializer: 'randomNormal' }).apply(c) as tfl.SymbolicTensor, name: 'decoder' });
  const x2 = tfl.input({ shape: [6], name: 'ae_in' });
  return tfl.model({ inputs: x2, outputs: decoder.apply(encoder.apply(x2)) as tfl.SymbolicTensor, name: 'ae' });
}

async function oursPredict(m: Model<any>, x: { data: Float32Array; shape: number[] }): Promise<Float32Array[]> {
  const p = await m.predict(x);
  return Promise.all((Array.isArray(p) ? p : [p]).map((t) => t.data() as Promise<Float32Array>));
}

function theirsPredict(t: tfl.LayersModel, x: { data: Float32Array; shape: number[] }): Float32Array[] {
  const p = t.predict(tf.tensor(x.data, x.shape)) as tf.Tensor | tf.Tensor[];
  return (Array.isArray(p) ? p : [p]).map((y) => y.dataSync() as Float32Array);
}

function batchFor(shape: readonly number[], seed: number) {
  const full = [3, ...shape];
  return { data: uniform(full.reduce((a, b) => a * b), seed), shape: full };
}

const graphs: [string, () => Model<any>, () => tfl.LayersModel][] = [
  ['U-Net', unet, tfUnet],
  ['two outputs', twoHeads, tfTwoHeads],
  ['nested encoder/decoder', nested, tfNested],
];

function expectSamePredictions(a: Float32Array[], b: Float32Array[], what: string): void {
  expect(a.length).toBe(b.length);
  a.forEach((p, k) => expectClose(p, b[k], tol, `${what} output ${k}`));
}

describe('graph models saved by wgslnet load in TF.js, and back', () => {
  it.each(graphs)('%s: wgslnet → TF.js predicts the same', async (_, make) => {
    const m = make();
    const t = await tfl.loadLayersModel(tf.io.fromMemory((await saved(m)) as unknown as tf.io.ModelArtifacts));
    expect(t.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    expect(t.countParams()).toBe(m.countParams());
    const x = batchFor(m.inputShape, 71);
    expectSamePredictions(theirsPredict(t, x), await oursPredict(m, x), 'TF.js loaded');
    t.dispose();
  });

  it.each(graphs)('%s: TF.js → wgslnet predicts the same', async (_, make, makeTf) => {
    const t = makeTf();
    // Weights from a wgslnet model of the same graph, so biases are not all zero.
    await copyWeights(make(), t);
    const m = await loadModel(from(await tfArtifacts(t)));
    expect(m.layers.map((l) => l.name)).toEqual(t.layers.map((l) => l.name));
    expect(m.outputNames.length).toBe(t.outputs.length);
    const x = batchFor(m.inputShape, 72);
    expectSamePredictions(await oursPredict(m, x), theirsPredict(t, x), 'wgslnet loaded');
    t.dispose();
  });

  it('a nested model loads as a nested model: getLayer reaches its layers', async () => {
    const m = await loadModel(from(await saved(nested())));
    expect(m.layers.map((l) => l.className)).toEqual(['InputLayer', 'Model', 'Model']);
    expect(m.getLayer('enc_dense').weights.map((w) => w.shape)).toEqual([[6, 3], [3]]);
  });
});

describe('Keras 3 model.json with a Concatenate', () => {
  it('loads and predicts like the same U-Net built in wgslnet', async () => {
    const specs = kerasUnet.weightsManifest[0].weights;
    const values = specs.map((s, i) => uniform(s.shape.reduce((a, b) => a * b), 80 + i));
    const weightData = new Float32Array(values.reduce((n, v) => n + v.length, 0));
    let at = 0;
    for (const v of values) {
      weightData.set(v, at);
      at += v.length;
    }
    const m = await loadModel(from({ modelTopology: kerasUnet.modelTopology, weightSpecs: specs, weightData: weightData.buffer } as unknown as ModelArtifacts));
    const ours = unet();
    expect(m.layers.map((l) => l.name)).toEqual(ours.layers.map((l) => l.name));
    ours.setWeights(values);
    const x = batchFor(ours.inputShape, 90);
    expectSamePredictions(await oursPredict(m, x), await oursPredict(ours, x), 'Keras 3 U-Net');
  });
});

describe('bad topologies', () => {
  /** The two-output model's saved artifacts with one layer's first inbound tensor renamed. */
  async function withInbound(layer: string, readsFrom: string): Promise<ModelArtifacts> {
    const a = await saved(twoHeads());
    const topology = structuredClone(a.modelTopology) as { config: { layers: { name: string; inbound_nodes: unknown[][][] }[] } };
    topology.config.layers.find((l) => l.name === layer)!.inbound_nodes[0][0][0] = readsFrom;
    return { ...a, modelTopology: topology } as ModelArtifacts;
  }

  it('an inbound node naming a layer that does not exist: the error names it', async () => {
    await expect(loadModel(from(await withInbound('o1', 'ghost')))).rejects.toThrow("functional topology: layer 'o1' (Dense) takes input from layer 'ghost', which does not exist");
  });

  it('a cycle: the error says so', async () => {
    // trunk reads o1, which reads trunk.
    await expect(loadModel(from(await withInbound('trunk', 'o1')))).rejects.toThrow(/functional topology: layer '(trunk|o1|o2)' \(Dense\) waits for layer '(trunk|o1)' \(node 0\), which is never computed: the graph has a cycle/);
  });
});
