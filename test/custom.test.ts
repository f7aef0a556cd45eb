// Custom losses, added losses and layers written as ops, against the built-in math they mirror, and
// one VAE training step against TensorFlow.js (a custom loop with tf.variableGrads, the same
// weights and the same ε) on its CPU backend.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import {
  add, clipByValue, input, layers, log, Layer, loadModel, matMul, mean, memory, model, mul, optimizers, registerLayer, relu, square, sub, sum,
  type Model, type Tensor, type Shape,
} from '../src/index.js';
import { buildVae, klLoss, reconstructionLoss } from '../src/vae.js';
import { expectClose, setup, uniform } from './helpers.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

function denseAE(loss: Parameters<Model['compile']>[0]['loss'], seed = 5): Model {
  const x = input({ shape: [12] });
  const h = layers.dense({ units: 5, activation: 'relu', biasInitializer: { name: 'randomNormal', seed } }).apply(x);
  const m = model({ inputs: x, outputs: layers.dense({ units: 12, activation: 'sigmoid', biasInitializer: { name: 'randomNormal', seed: seed + 1 } }).apply(h) });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss });
  return m;
}

async function sameWeights(a: Model, b: Model): Promise<void> {
  b.setWeights(await a.getWeights());
}

const mseFn = (yTrue: Tensor, yPred: Tensor) => mean(square(sub(yTrue, yPred)));
const bceFn = (yTrue: Tensor, yPred: Tensor) => {
  const p = clipByValue(yPred, 1e-7, 1 - 1e-7);
  return mul(-1, mean(add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p))))));
};

describe('custom losses', () => {
  it.each([
    { name: 'meanSquaredError', fn: mseFn },
    { name: 'binaryCrossentropy', fn: bceFn },
  ] as const)('a loss function written as ops equals $name in value and in one training step', async ({ name, fn }) => {
    const builtIn = denseAE(name);
    const custom = denseAE(fn);
    await sameWeights(builtIn, custom);
    const x = { data: uniform(8 * 12, 3, 0, 1), shape: [8, 12] };
    const lossA = (await builtIn.trainOnBatch(x, x)) as number;
    const lossB = (await custom.trainOnBatch(x, x)) as number;
    expectClose([lossB], [lossA], { atol: 1e-7, rtol: 1e-5 }, 'loss');
    const [wa, wb] = [await builtIn.getWeights(), await custom.getWeights()];
    wa.forEach((w, i) => expectClose(wb[i], w, { atol: 1e-6, rtol: 1e-4 }, `weight ${i} after the step`));
    const evalA = await builtIn.evaluate(x, x);
    const evalB = await custom.evaluate(x, x);
    expectClose([evalB.loss], [evalA.loss], { atol: 1e-7, rtol: 1e-5 }, 'evaluate');
  });

  it('a non-scalar loss, one not connected to the prediction, and a NaN loss are errors', async () => {
    const x = { data: uniform(4 * 12, 4, 0, 1), shape: [4, 12] };
    const perSample = denseAE((yTrue: Tensor, yPred: Tensor) => mean(square(sub(yTrue, yPred)), -1));
    await expect(perSample.trainOnBatch(x, x)).rejects.toThrow(/loss function must return a scalar, got shape \[4\]; reduce it with mean\(\) or sum\(\)/);
    const unconnected = denseAE((yTrue: Tensor) => mean(yTrue));
    await expect(unconnected.trainOnBatch(x, x)).rejects.toThrow(/loss function returned a value that does not depend on yPred/);
    // A NaN target in the second batch makes the loss NaN there (WGSL leaves log(-1) undefined, so data carry it).
    const nan = denseAE(mseFn);
    const y = { data: Float32Array.from(x.data, (v, i) => (i === 2 * 12 + 3 ? NaN : v)), shape: x.shape };
    await expect(nan.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, shuffle: false })).rejects.toThrow(/fit: the loss became NaN at epoch 1, batch 2/);
    expect(() => denseAE(42 as never)).toThrow(/loss/);
  });
});

/** A Dense layer written as ops, with only build() and call(). */
class OpsDense extends Layer {
  static override readonly className = 'OpsDense';
  readonly units: number;
  kernel!: { value: Tensor };
  bias!: { value: Tensor };

  constructor(config: { units: number; name?: string }) {
    super(config);
    this.units = config.units;
  }

  protected override build(inputShape: Shape | Shape[]): void {
    const [n] = inputShape as Shape;
    this.kernel = this.addWeight('kernel', [n, this.units], 'glorotUniform');
    this.bias = this.addWeight('bias', [this.units], 'zeros');
  }

  override call(x: Tensor | Tensor[]): Tensor {
    return relu(add(matMul(x as Tensor, this.kernel.value), this.bias.value));
  }

  override getConfig() {
    return { units: this.units, ...super.getConfig() };
  }
}

describe('layers written as ops', () => {
  it('a call()-only subclass and a Lambda match the same math written with built-in layers (forward, one step)', async () => {
    const build = (kind: 'builtin' | 'ops') => {
      const x = input({ shape: [6] });
      const h = kind === 'builtin' ? layers.dense({ units: 4, activation: 'relu' }).apply(x) : new OpsDense({ units: 4 }).apply(x);
      const scaled = kind === 'builtin' ? layers.dense({ units: 6, activation: 'sigmoid' }).apply(h) : layers.dense({ units: 6, activation: 'sigmoid' }).apply(layers.lambda({ fn: (t) => mul(t as Tensor, 1) }).apply(h));
      const m = model({ inputs: x, outputs: scaled });
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.3 }), loss: 'meanSquaredError' });
      return m;
    };
    const a = build('builtin');
    const b = build('ops');
    await sameWeights(a, b);
    const x = { data: uniform(5 * 6, 7, 0, 1), shape: [5, 6] };
    const pa = await a.predict(x);
    const pb = await b.predict(x);
    expectClose(await pb.data(), await pa.data(), { atol: 1e-6, rtol: 1e-5 }, 'predict');
    const la = (await a.trainOnBatch(x, x)) as number;
    const lb = (await b.trainOnBatch(x, x)) as number;
    expectClose([lb], [la], { atol: 1e-7, rtol: 1e-5 }, 'loss');
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    wa.forEach((w, i) => expectClose(wb[i], w, { atol: 1e-6, rtol: 1e-4 }, `weight ${i} after the step`));
    [pa, pb].forEach((t) => t.dispose());
  });

  it('addLoss(tensor) inside call() adds its term to the loss and its gradient to the step (Keras add_loss)', async () => {
    class ActivityPenalty extends Layer {
      static override readonly className = 'ActivityPenalty';
      override call(x: Tensor | Tensor[]): Tensor {
        this.addLoss(mul(0.25, mean(square(x as Tensor))));
        return x as Tensor;
      }
    }
    const build = (penalty: boolean) => {
      const x = input({ shape: [6] });
      // tanh, not relu: with three units a random start can leave every relu dead, and the added
      // term would then have no gradient to compare.
      const hidden = layers.dense({ units: 3, activation: 'tanh', name: 'hidden' });
      let h = hidden.apply(x);
      if (penalty) h = new ActivityPenalty({}).apply(h);
      const m = model({ inputs: x, outputs: layers.dense({ units: 6 }).apply(h) });
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      return m;
    };
    const [a, b] = [build(true), build(false)];
    await sameWeights(a, b);
    const x = { data: uniform(4 * 6, 21, 0, 1), shape: [4, 6] };
    // The hidden activations, from a model that stops there, give the expected penalty.
    const hModel = model({ inputs: a.inputs[0], outputs: a.nodes[0].outputs[0] });
    expect(a.nodes[0].layer.name).toBe('hidden');
    const h = await (await hModel.predict(x)).data();
    const penalty = (0.25 * h.reduce((s, v) => s + v * v, 0)) / h.length;
    const la = (await a.trainOnBatch(x, x)) as number;
    const lb = (await b.trainOnBatch(x, x)) as number;
    expectClose([la - lb], [penalty], { atol: 1e-6, rtol: 1e-4 }, 'added term');
    // Its gradient moved the hidden layer's weights differently.
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    expect(wa[0].some((v, i) => Math.abs(v - wb[0][i]) > 1e-7)).toBe(true);
  });

  it('a call() returning the wrong shape names the layer and both shapes', async () => {
    const x = input({ shape: [6] });
    const bad = layers.lambda({ fn: (t) => sum(t as Tensor, -1, true), outputShape: [6], name: 'squash' }).apply(x);
    const m = model({ inputs: x, outputs: bad });
    await expect(m.predict({ data: uniform(12, 1), shape: [2, 6] })).rejects.toThrow(/squash.*call\(\) returned shape \[2,1\], but the layer's output shape is \[6\] per sample/);
  });

  it('a registered custom layer saves and loads; an unregistered one names the class and how to register it', async () => {
    const x = input({ shape: [3] });
    const m = model({ inputs: x, outputs: new OpsDense({ units: 2 }).apply(x) });
    const saved: { json?: unknown; weights?: ArrayBuffer } = {};
    const handler = {
      save: async (artifacts: { modelTopology: unknown; weightData: ArrayBuffer; weightSpecs: unknown }) => {
        Object.assign(saved, { json: artifacts, weights: artifacts.weightData });
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };
      },
      load: async () => saved.json as never,
    };
    await m.save(handler as never);
    await expect(loadModel(handler as never)).rejects.toThrow(/OpsDense.*registerLayer\(OpsDense\)/);
    registerLayer(OpsDense as never);
    const back = await loadModel(handler as never);
    const input3 = { data: uniform(6, 9), shape: [2, 3] };
    expectClose(await (await back.predict(input3)).data(), await (await m.predict(input3)).data(), { atol: 0, rtol: 0 }, 'loaded model');
  });
});

describe('the VAE', () => {
  it('one training step equals TF.js\'s custom loop (tf.variableGrads, same weights, same ε) to float32 rounding', async () => {
    const [n, dim, hidden, latent] = [6, 20, 8, 2];
    const { vae, encoder } = buildVae({ originalDim: dim, hidden, latentDim: latent, learningRate: 1e-2 });
    const xData = uniform(n * dim, 11, 0, 1);
    const names = vae.trainableWeights.map((w) => w.name);
    const before = await vae.getWeights();
    const sampling = encoder.layers.find((l) => l.className === 'Sampling') as unknown as { epsilon(shape: Shape, step: number): Tensor };
    const eps = await sampling.epsilon([n, latent], vae.step).data();
    const logs = (await vae.trainOnBatch({ data: xData, shape: [n, dim] }, { data: xData, shape: [n, dim] })) as number[];
    const after = await vae.getWeights();

    // TF.js: the same model as ops over variables, one Adam step on loss = reconstruction + KL.
    const byName = (name: string) => before[vae.weights.findIndex((w) => w.name === name)];
    const shapes = vae.weights.map((w) => w.shape);
    const vars = vae.weights.map((w, i) => tf.variable(tf.tensor(before[i], shapes[i] as number[]), true, w.name.replace(/[^\w]/g, '_')));
    const v = (suffix: string) => vars[vae.weights.findIndex((w) => w.name.endsWith(suffix))];
    const x = tf.tensor2d(xData, [n, dim]);
    const e = tf.tensor2d(eps, [n, latent]);
    const parts = () => {
      const h = tf.relu(tf.add(tf.matMul(x, v('encoder_hidden/kernel')), v('encoder_hidden/bias')));
      const zMean = tf.add(tf.matMul(h, v('z_mean/kernel')), v('z_mean/bias'));
      const zLogVar = tf.add(tf.matMul(h, v('z_log_var/kernel')), v('z_log_var/bias'));
      const z = tf.add(zMean, tf.mul(tf.exp(tf.mul(0.5, zLogVar)), e));
      const d = tf.relu(tf.add(tf.matMul(z, v('decoder_hidden/kernel')), v('decoder_hidden/bias')));
      const p = tf.clipByValue(tf.sigmoid(tf.add(tf.matMul(d, v('decoder_output/kernel')), v('decoder_output/bias'))), 1e-7, 1 - 1e-7);
      const recon = tf.mul(-1, tf.mean(tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))), -1)));
      const kl = tf.mul(-0.5, tf.mean(tf.sum(tf.sub(tf.add(1, zLogVar), tf.add(tf.square(zMean), tf.exp(zLogVar))), -1)));
      return { recon, kl };
    };
    const { recon, kl } = parts();
    const [reconValue, klValue] = [(await recon.data())[0], (await kl.data())[0]];
    const opt = tf.train.adam(1e-2, 0.9, 0.999, 1e-7);
    const { value, grads } = tf.variableGrads(() => {
      const { recon: r, kl: k } = parts();
      return tf.add(r, k) as tf.Scalar;
    });
    opt.applyGradients(grads as tf.NamedTensorMap as never);
    const total = (await value.data())[0];
    // History order: loss, reconstruction_loss, kl_loss.
    expectClose([logs[0]], [total], { atol: 1e-6, rtol: 1e-5 }, 'loss');
    expect(logs.length).toBe(3);
    expectClose(logs.slice(1), [reconValue, klValue], { atol: 1e-6, rtol: 1e-5 }, 'reconstruction and KL');
    for (const [i, w] of vae.weights.entries()) {
      expectClose(after[i], await vars[i].data(), { atol: 1e-6, rtol: 1e-4 }, `${w.name} after the step`);
    }
    expect(names.length).toBe(10);
    void byName;
  });

  it('fit reports the reconstruction and KL terms separately in History; memory stays flat over epochs', async () => {
    const { vae } = buildVae({ originalDim: 16, hidden: 8, latentDim: 2, learningRate: 1e-2 });
    const x = { data: uniform(64 * 16, 12, 0, 1), shape: [64, 16] };
    const h1 = await vae.fit(x, x, { epochs: 1, batchSize: 16, verbose: 0 });
    const snapshot = memory().numTensors;
    const history = await vae.fit(x, x, { epochs: 3, batchSize: 16, verbose: 0 });
    expect(memory().numTensors).toBe(snapshot);
    expect(Object.keys(history.history).sort()).toEqual(['kl_loss', 'loss', 'reconstruction_loss']);
    history.history.loss.forEach((l, i) => expectClose([l], [history.history.reconstruction_loss[i] + history.history.kl_loss[i]], { atol: 1e-5, rtol: 1e-5 }, 'loss = reconstruction + KL'));
    expect(history.history.loss[2]).toBeLessThan(h1.history.loss[0]);
    void klLoss;
    void reconstructionLoss;
  });
});

