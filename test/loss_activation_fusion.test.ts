// A training step's loss kernel applies the output layer's activation derivative itself (the
// layer's backward then starts from dL/d(pre-activation); src/execution.ts lossFusableActivation),
// and MaxPooling2D's backward applies the derivative of the activation its input came out of
// (foldInputActivations).
// Reference: the same model with that activation split off into an Activation layer, which the loss
// kernel cannot take over, so its gradient goes through the standalone activation-backward kernel.
// Same arithmetic in the same order, so losses and weights must be identical after several steps.
// Also where fusion must not happen: an output that another layer reads (its gradient has two
// parts) and a model with an added loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model, layers, mean, mul, optimizers, square, type Model } from '../src/index.js';
import type { ActivationName } from '../src/ops/activation.js';
import type { Layer } from '../src/layers/layer.js';
import type { SymbolicTensor } from '../src/graph.js';
import type { LossName } from '../src/ops/loss.js';
import { setup, uniform } from './helpers.js';

beforeAll(setup);

type Head = (activation: ActivationName) => Layer;

interface Case {
  name: string;
  inputShape: number[];
  head: Head;
  activation: ActivationName;
  loss: LossName;
}

const dense: Head = (activation) => layers.dense({ units: 5, activation, biasInitializer: 'randomNormal' });
const conv2d: Head = (activation) => layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation, biasInitializer: 'randomNormal' });
const conv2dTranspose: Head = (activation) => layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation, biasInitializer: 'randomNormal' });
const conv1d: Head = (activation) => layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation, biasInitializer: 'randomNormal' });

const CASES: Case[] = [
  { name: 'dense sigmoid, binaryCrossentropy', inputShape: [6], head: dense, activation: 'sigmoid', loss: 'binaryCrossentropy' },
  { name: 'dense tanh, mse', inputShape: [6], head: dense, activation: 'tanh', loss: 'mse' },
  { name: 'dense relu, mae', inputShape: [6], head: dense, activation: 'relu', loss: 'mae' },
  { name: 'dense linear, mse', inputShape: [6], head: dense, activation: 'linear', loss: 'mse' },
  { name: 'dense elu, mse', inputShape: [6], head: dense, activation: 'elu', loss: 'mse' },
  { name: 'dense leakyRelu, mae', inputShape: [6], head: dense, activation: 'leakyRelu', loss: 'mae' },
  { name: 'dense softplus, mse', inputShape: [6], head: dense, activation: 'softplus', loss: 'mse' },
  { name: 'dense relu6, mse', inputShape: [6], head: dense, activation: 'relu6', loss: 'mse' },
  { name: 'conv2d sigmoid, binaryCrossentropy', inputShape: [6, 5, 2], head: conv2d, activation: 'sigmoid', loss: 'binaryCrossentropy' },
  { name: 'conv2dTranspose tanh, mse', inputShape: [3, 4, 3], head: conv2dTranspose, activation: 'tanh', loss: 'mse' },
  { name: 'conv1d relu, mae', inputShape: [7, 2], head: conv1d, activation: 'relu', loss: 'mae' },
];

const BATCH = 4;

/** x → dense/conv trunk (tanh) → head; `split` puts the head's activation in an Activation layer. */
function build(c: Case, split: boolean): Model {
  const x = input({ shape: c.inputShape });
  const trunk = c.inputShape.length === 1 ? layers.dense({ units: 8, activation: 'tanh' }) : c.inputShape.length === 2 ? conv1d('tanh') : conv2d('tanh');
  const h = trunk.apply(x) as SymbolicTensor;
  const out = (split ? layers.activation({ activation: c.activation }).apply(c.head('linear').apply(h)) : c.head(c.activation).apply(h)) as SymbolicTensor;
  return model({ inputs: x, outputs: out });
}

/** Targets in (0, 1) for crossentropy, else around the outputs' range. */
function targets(c: Case, n: number, seed: number): Float32Array {
  return c.loss === 'binaryCrossentropy' ? uniform(n, seed, 0.05, 0.95) : uniform(n, seed, -0.8, 0.8);
}

/** Losses of `steps` trainOnBatch calls and the weights after them. */
async function train(m: Model, x: { data: Float32Array; shape: number[] }, y: { data: Float32Array; shape: number[] }, steps: number): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push((await m.trainOnBatch(x, y)) as number);
  return { losses, weights: await m.getWeights() };
}

describe("the loss kernel applies the output layer's activation derivative", () => {
  it.each(CASES)('$name: the same losses and weights as with the activation as its own layer', async (c) => {
    const fused = build(c, false);
    const split = build(c, true);
    split.setWeights(await fused.getWeights());
    const x = { data: uniform(BATCH * c.inputShape.reduce((a, b) => a * b, 1), 3), shape: [BATCH, ...c.inputShape] };
    const outShape = fused.outputs[0].sampleShape as number[];
    const y = { data: targets(c, BATCH * outShape.reduce((a, b) => a * b, 1), 4), shape: [BATCH, ...outShape] };
    for (const m of [fused, split]) m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: c.loss });
    const before = await fused.getWeights();
    const a = await train(fused, x, y, 3);
    const b = await train(split, x, y, 3);
    expect(a.losses).toEqual(b.losses);
    a.weights.forEach((w, i) => {
      expect(w, `weight ${i}`).toEqual(b.weights[i]);
      // The head's weights moved: its gradient was not lost on the way.
      expect(w.some((v, j) => v !== before[i][j]), `weight ${i} moved`).toBe(true);
    });
  });

  it('not where another layer reads the output too, nor with an added loss: there the gradient has more than the loss part', async () => {
    const makeModel = (split: boolean, added: boolean): Model => {
      const x = input({ shape: [6] });
      const h = layers.dense({ units: 8, activation: 'tanh' }).apply(x);
      const out = (split ? layers.activation({ activation: 'sigmoid' }).apply(layers.dense({ units: 5 }).apply(h)) : layers.dense({ units: 5, activation: 'sigmoid' }).apply(h)) as SymbolicTensor;
      const second = layers.dense({ units: 3, activation: 'tanh' }).apply(out) as SymbolicTensor;
      const m = (added ? model({ inputs: x, outputs: out }) : model({ inputs: x, outputs: [out, second] })) as unknown as Model;
      // The added loss reads the output: its gradient joins the loss's at that tensor.
      if (added) m.addLoss(() => mul(0.1, mean(square(out))));
      return m;
    };
    for (const added of [false, true]) {
      const fused = makeModel(false, added);
      const split = makeModel(true, added);
      split.setWeights(await fused.getWeights());
      const x = { data: uniform(BATCH * 6, 5), shape: [BATCH, 6] };
      const y1 = { data: uniform(BATCH * 5, 6, 0.05, 0.95), shape: [BATCH, 5] };
      const y = added ? y1 : [y1, { data: uniform(BATCH * 3, 7), shape: [BATCH, 3] }];
      for (const m of [fused, split]) m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: added ? 'binaryCrossentropy' : ['binaryCrossentropy', 'mse'], lossWeights: added ? undefined : [1, 0.5] });
      const a = await train(fused, x, y as never, 3);
      const b = await train(split, x, y as never, 3);
      expect(a.losses, `added loss ${added}`).toEqual(b.losses);
      a.weights.forEach((w, i) => expect(w, `added loss ${added}, weight ${i}`).toEqual(b.weights[i]));
    }
  });

  it.each(['relu', 'tanh', 'linear', 'elu'] as ActivationName[])(
    'max pooling applies its input conv\'s %s derivative: the same losses and weights as with the activation as its own layer',
    async (activation) => {
      // Channels 4 (vec4 kernel) and 3 (one channel per thread), and a second pool reading a pool.
      for (const filters of [4, 3]) {
        const makeModel = (split: boolean): Model => {
          const x = input({ shape: [6, 6, 2] });
          const conv = layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: split ? 'linear' : activation, biasInitializer: 'randomNormal' });
          let h = conv.apply(x) as SymbolicTensor;
          if (split) h = layers.activation({ activation }).apply(h) as SymbolicTensor;
          h = layers.maxPooling2d({ poolSize: 2 }).apply(h) as SymbolicTensor;
          h = layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(h) as SymbolicTensor;
          const out = layers.dense({ units: 5, activation: 'sigmoid' }).apply(layers.flatten().apply(h) as SymbolicTensor) as SymbolicTensor;
          return model({ inputs: x, outputs: out });
        };
        const fused = makeModel(false);
        const split = makeModel(true);
        split.setWeights(await fused.getWeights());
        const x = { data: uniform(BATCH * 72, 8), shape: [BATCH, 6, 6, 2] };
        const y = { data: uniform(BATCH * 5, 9, 0.05, 0.95), shape: [BATCH, 5] };
        for (const m of [fused, split]) m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
        const before = await fused.getWeights();
        const a = await train(fused, x, y, 3);
        const b = await train(split, x, y, 3);
        expect(a.losses, `${filters} filters`).toEqual(b.losses);
        a.weights.forEach((w, i) => {
          expect(w, `${filters} filters, weight ${i}`).toEqual(b.weights[i]);
          expect(w.some((v, j) => v !== before[i][j]), `${filters} filters, weight ${i} moved`).toBe(true);
        });
      }
    },
  );

  it('max pooling does not fold an activation whose output another layer also reads', async () => {
    const makeModel = (split: boolean): Model => {
      const x = input({ shape: [4, 4, 4] });
      const c = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: split ? 'linear' : 'relu', biasInitializer: 'randomNormal' }).apply(x) as SymbolicTensor;
      const h = split ? (layers.activation({ activation: 'relu' }).apply(c) as SymbolicTensor) : c;
      const pooled = layers.flatten().apply(layers.maxPooling2d({ poolSize: 2 }).apply(h) as SymbolicTensor) as SymbolicTensor;
      const side = layers.flatten().apply(layers.upSampling2d({ size: 1 }).apply(h) as SymbolicTensor) as SymbolicTensor;
      const out = layers.dense({ units: 3, activation: 'tanh' }).apply(layers.concatenate().apply([pooled, side]) as SymbolicTensor) as SymbolicTensor;
      return model({ inputs: x, outputs: out });
    };
    const fused = makeModel(false);
    const split = makeModel(true);
    split.setWeights(await fused.getWeights());
    const x = { data: uniform(BATCH * 64, 10), shape: [BATCH, 4, 4, 4] };
    const y = { data: uniform(BATCH * 3, 11, -0.5, 0.5), shape: [BATCH, 3] };
    for (const m of [fused, split]) m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    const a = await train(fused, x, y, 3);
    const b = await train(split, x, y, 3);
    expect(a.losses).toEqual(b.losses);
    a.weights.forEach((w, i) => expect(w, `weight ${i}`).toEqual(b.weights[i]));
  });
});
