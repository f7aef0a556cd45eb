// The functional graph: fan-out, a layer applied twice, nested models, several inputs and outputs.
// References: TF.js (tfjs-layers on its CPU backend) with the same graph and identical weights for
// layer order, weight order, predictions and one SGD step (gradients summed over fan-out and over
// a shared layer's two calls); float64 losses recomputed here from predict() for per-output losses.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, model, layers, optimizers, type Model } from '../src/index.js';
import { setup, uniform, expectClose } from './helpers.js';
import { modelTopology } from '../src/io/serialization.js';
import type { SymbolicTensor } from '../src/graph.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const tol = { atol: 2e-5, rtol: 2e-4 };

/**
 * x → d1 → h; h feeds both `shared` and `side` (fan-out); `shared` is applied twice (its second call
 * reads its first call's output); add(shared(shared(h)), side(h)) → head.
 */
function sharedGraph(): Model {
  const x = input({ shape: [6], name: 'x' });
  const h = layers.dense({ units: 4, activation: 'tanh', name: 'd1', biasInitializer: 'randomNormal' }).apply(x);
  const shared = layers.dense({ units: 4, activation: 'tanh', name: 'shared', biasInitializer: 'randomNormal' });
  const twice = shared.apply(shared.apply(h));
  const side = layers.dense({ units: 4, name: 'side', biasInitializer: 'randomNormal' }).apply(h);
  const sum = layers.add({ name: 'sum' }).apply([twice, side]);
  return model({ inputs: x, outputs: layers.dense({ units: 3, name: 'head', biasInitializer: 'randomNormal' }).apply(sum) });
}

function tfSharedGraph(): tfl.LayersModel {
  const x = tfl.input({ shape: [6], name: 'x' });
  const h = tfl.layers.dense({ units: 4, activation: 'tanh', name: 'd1' }).apply(x) as tfl.SymbolicTensor;
  const shared = tfl.layers.dense({ units: 4, activation: 'tanh', name: 'shared' });
  const twice = shared.apply(shared.apply(h)) as tfl.SymbolicTensor;
  const side = tfl.layers.dense({ units: 4, name: 'side' }).apply(h) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([twice, side]) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 3, name: 'head' }).apply(sum) as tfl.SymbolicTensor });
}

async function copyWeights(from: Model, to: tfl.LayersModel): Promise<void> {
  const ws = await from.getWeights();
  const theirs = to.getWeights();
  expect(ws.map((w) => w.length)).toEqual(theirs.map((w) => w.size));
  to.setWeights(ws.map((w, i) => tf.tensor(w, theirs[i].shape)));
}

function twoInTwoOut(): Model<[ReturnType<typeof input>, ReturnType<typeof input>]> {
  const a = input({ shape: [4], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const h = layers.concatenate({ name: 'join' }).apply([layers.dense({ units: 5, activation: 'relu', name: 'da' }).apply(a), b]);
  const o1 = layers.dense({ units: 2, name: 'o1', biasInitializer: 'randomNormal' }).apply(h);
  const o2 = layers.dense({ units: 1, activation: 'sigmoid', name: 'o2', biasInitializer: 'randomNormal' }).apply(layers.dense({ units: 3, activation: 'tanh', name: 'db' }).apply(b));
  return model({ inputs: [a, b], outputs: [o1, o2] });
}

describe('graph against TensorFlow.js: fan-out and a layer applied twice', () => {
  it('layers and weights come in TF.js order; predict and one SGD step match', async () => {
    const m = sharedGraph();
    const t = tfSharedGraph();
    expect(m.layers.map((l) => l.name)).toEqual(t.layers.map((l) => l.name));
    expect(m.weights.map((w) => w.shape)).toEqual(t.weights.map((w) => w.shape));
    await copyWeights(m, t);
    const x = uniform(5 * 6, 21);
    const y = uniform(5 * 3, 22);
    const xs = { data: x, shape: [5, 6] };
    expectClose(await (await m.predict(xs)).data(), await (t.predict(tf.tensor(x, [5, 6])) as tf.Tensor).data(), tol, 'predict');
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    t.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const before = await m.getWeights();
    const loss = (await m.trainOnBatch(xs, { data: y, shape: [5, 3] })) as number;
    const theirLoss = (await t.trainOnBatch(tf.tensor(x, [5, 6]), tf.tensor(y, [5, 3]))) as number;
    expectClose([loss], [theirLoss], tol, 'loss');
    const after = await m.getWeights();
    const theirs = t.getWeights();
    for (let i = 0; i < after.length; i++) {
      // Every weight moved (the shared layer's and the fan-out source's gradients are not dropped).
      expect(after[i].some((v, j) => Math.abs(v - before[i][j]) > 1e-6), `weight ${t.weights[i].name} moved`).toBe(true);
      expectClose(after[i], await theirs[i].data(), { atol: 1e-5, rtol: 1e-4 }, t.weights[i].name);
    }
  });

  it('summary has a "Connected to" column naming each call of a merge and of a shared layer', () => {
    const text = sharedGraph().summary(() => {});
    expect(text).toMatch(/Connected to/);
    expect(text).toMatch(/^ sum \(Add\)\s+\(None, 4\)\s+0\s+shared\[1\]\[0\]\n\s+side\[0\]\[0\]$/m);
    expect(text).toMatch(/^ shared \(Dense\)\s+\(None, 4\)\s+20\s+d1\[0\]\[0\]\n\s+shared\[0\]\[0\]$/m);
  });
});

describe('nested models', () => {
  it("summary numbers a nested model's calls as the saved topology does (from 1, Keras's rule)", () => {
    const x = input({ shape: [6] });
    const encoder = model({ inputs: x, outputs: layers.dense({ units: 3, name: 'enc_dense' }).apply(x), name: 'encoder' });
    const x2 = input({ shape: [6] });
    const z = encoder.apply(x2) as SymbolicTensor;
    const ae = model({ inputs: x2, outputs: [layers.dense({ units: 6, name: 'head_a' }).apply(z) as SymbolicTensor, layers.dense({ units: 2, name: 'head_b' }).apply(z) as SymbolicTensor], name: 'two_heads' });
    const text = ae.summary(() => {});
    expect(text).toMatch(/^ head_a \(Dense\)\s+\(None, 6\)\s+24\s+encoder\[1\]\[0\]$/m);
    const saved = modelTopology(ae) as { config: { layers: { name: string; inbound_nodes: unknown[][][] }[] } };
    expect(saved.config.layers.find((l) => l.name === 'head_a')!.inbound_nodes[0][0].slice(0, 3)).toEqual(['encoder', 1, 0]);
  });

  it('an encoder and a decoder composed share their weights: training the composite moves the encoder', async () => {
    const x = input({ shape: [6] });
    const encoder = model({ inputs: x, outputs: layers.dense({ units: 3, activation: 'tanh', name: 'enc_dense' }).apply(x), name: 'encoder' });
    const c = input({ shape: [3] });
    const decoder = model({ inputs: c, outputs: layers.dense({ units: 6, activation: 'sigmoid', name: 'dec_dense' }).apply(c), name: 'decoder' });
    const x2 = input({ shape: [6] });
    const ae = model({ inputs: x2, outputs: decoder.apply(encoder.apply(x2)), name: 'ae' });
    expect(ae.layers.map((l) => l.name)).toEqual([ae.inputNames[0], 'encoder', 'decoder']);
    expect(ae.getLayer('enc_dense')).toBe(encoder.getLayer('enc_dense'));
    expect(ae.weights[0]).toBe(encoder.weights[0]);
    const data = { data: uniform(4 * 6, 31, 0, 1), shape: [4, 6] };
    const whole = await (await ae.predict(data)).data();
    expectClose(whole, await (await decoder.predict(await encoder.predict(data))).data(), { atol: 1e-6, rtol: 1e-6 }, 'decoder(encoder(x))');
    const encBefore = await encoder.getWeights();
    ae.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss: 'mse' });
    await ae.trainOnBatch(data, data);
    const encAfter = await encoder.getWeights();
    expect(encAfter[0].some((v, i) => Math.abs(v - encBefore[0][i]) > 1e-6)).toBe(true);
    const aeAfter = await ae.getWeights();
    expect(Array.from(aeAfter[0])).toEqual(Array.from(encAfter[0]));
    expect(Array.from(aeAfter[2])).toEqual(Array.from((await decoder.getWeights())[0]));
  });
});

describe('two inputs, two outputs', () => {
  const n = 6;
  const a = { data: uniform(n * 4, 41), shape: [n, 4] };
  const b = { data: uniform(n * 3, 42), shape: [n, 3] };
  const y1 = { data: uniform(n * 2, 43), shape: [n, 2] };
  const y2 = { data: uniform(n, 44, 0, 1), shape: [n, 1] };

  it('predict returns a list; per-output losses match float64 from the predictions; total = Σ w·L', async () => {
    const m = twoInTwoOut();
    expect(m.outputNames).toEqual(['o1', 'o2']);
    const preds = await m.predict([a, b]);
    expect(Array.isArray(preds)).toBe(true);
    expect(preds.map((p) => p.shape)).toEqual([[n, 2], [n, 1]]);
    const p1 = await preds[0].data();
    const p2 = await preds[1].data();
    let mse = 0;
    for (let i = 0; i < p1.length; i++) mse += (p1[i] - y1.data[i]) ** 2;
    mse /= p1.length;
    let bce = 0;
    const eps = 1e-7;
    for (let i = 0; i < p2.length; i++) {
      const p = Math.min(Math.max(p2[i], eps), 1 - eps);
      bce -= y2.data[i] * Math.log(p) + (1 - y2.data[i]) * Math.log(1 - p);
    }
    bce /= p2.length;
    m.compile({ optimizer: 'sgd', loss: ['mse', 'binaryCrossentropy'], lossWeights: [1, 0.5] });
    const logs = (await m.evaluate([a, b], [y1, y2])) as Record<string, number>;
    expectClose([logs.o1_loss, logs.o2_loss, logs.loss], [mse, bce, mse + 0.5 * bce], { atol: 1e-5, rtol: 1e-4 }, 'evaluate');
    const step = (await m.trainOnBatch([a, b], [y1, y2])) as number[];
    expect(step.length).toBe(3);
    expectClose(step, [mse + 0.5 * bce, mse, bce], { atol: 1e-5, rtol: 1e-4 }, 'trainOnBatch [total, o1, o2]');
  });

  it('fit takes lists and objects keyed by input/output name alike; History has per-output keys', async () => {
    const first = twoInTwoOut();
    const second = twoInTwoOut();
    second.setWeights(await first.getWeights());
    const compile = (m: Model<any>) => m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: { o1: 'mse', o2: 'binaryCrossentropy' }, lossWeights: { o1: 1, o2: 0.5 } });
    compile(first);
    compile(second);
    const args = { epochs: 2, batchSize: 3, verbose: 0 as const, seed: 7 };
    const h1 = await first.fit([a, b], [y1, y2], { ...args, validationData: [[a, b], [y1, y2]] });
    const h2 = await second.fit({ b, a }, { o2: y2, o1: y1 }, { ...args, validationData: [{ a, b }, { o1: y1, o2: y2 }] });
    expect(Object.keys(h1.history).sort()).toEqual(['loss', 'o1_loss', 'o2_loss', 'val_loss', 'val_o1_loss', 'val_o2_loss']);
    for (const k of Object.keys(h1.history)) expectClose(h2.history[k], h1.history[k], { atol: 1e-6, rtol: 1e-6 }, k);
    for (let e = 0; e < 2; e++) expectClose([h1.history.loss[e]], [h1.history.o1_loss[e] + 0.5 * h1.history.o2_loss[e]], { atol: 1e-5, rtol: 1e-4 }, 'loss = o1 + 0.5·o2');
  });
});

describe('bad graphs and bad data: exact errors, nothing run', () => {
  it('an input that reaches no output; an output not computed from the inputs', () => {
    const a = input({ shape: [2], name: 'a_unused' });
    const b = input({ shape: [2], name: 'b_used' });
    const out = layers.dense({ units: 1 }).apply(b);
    expect(() => model({ inputs: [a, b], outputs: out, name: 'm1' })).toThrow("model 'm1': input 'a_unused' reaches no output");
    const other = input({ shape: [2], name: 'elsewhere' });
    const out2 = layers.dense({ units: 1, name: 'dz' }).apply(other);
    expect(() => model({ inputs: b, outputs: out2, name: 'm2' })).toThrow("model 'm2': output 'dz/output' depends on input 'elsewhere', which is not among the model's inputs ('b_used')");
  });

  it('fit with the wrong number of inputs or targets, a target for an unknown output', async () => {
    const m = twoInTwoOut();
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const a = { data: new Float32Array(8), shape: [2, 4] };
    const b = { data: new Float32Array(6), shape: [2, 3] };
    const y1 = { data: new Float32Array(4), shape: [2, 2] };
    const y2 = { data: new Float32Array(2), shape: [2, 1] };
    await expect(m.fit([a], [y1, y2])).rejects.toThrow('fit: x: the model has 2 inputs (a, b) but 1 was given');
    await expect(m.fit([a, b], [y1, y2, y2])).rejects.toThrow('fit: y: the model has 2 outputs (o1, o2) but 3 were given');
    await expect(m.fit([a, b], { o1: y1, o3: y2 })).rejects.toThrow("fit: y names 'o3', which is not an output of the model; its outputs are o1, o2");
  });

  it('a loss list of the wrong length; lossWeights naming an unknown output', () => {
    const m = twoInTwoOut();
    expect(() => m.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(`model '${m.name}'.compile: loss lists 1 entries but the model has 2 outputs (o1, o2)`);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: { o1: 1, nope: 2 } })).toThrow(`model '${m.name}'.compile: lossWeights names 'nope', not an output; the outputs are o1, o2`);
    expect(m.compiled).toBeNull();
  });
});
