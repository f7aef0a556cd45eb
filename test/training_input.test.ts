// Bad arguments to fit/evaluate/predict/trainOnBatch are errors naming the argument, raised before
// any GPU work; a model that refused them still trains, and a second fit() during one is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { input, layers, model, optimizers, setRandomSeed } from '../src/index.js';
import { memory } from '../src/tensor.js';
import { setup, uniform } from './helpers.js';

beforeAll(setup);

function small() {
  setRandomSeed(3);
  const x = input({ shape: [4] });
  const m = model({ inputs: x, outputs: layers.dense({ units: 4 }).apply(x) });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
  return m;
}

const data = { data: uniform(8 * 4, 2, 0, 1), shape: [8, 4] };

/** The model still learns after the errors: the loss of the identity map falls. */
async function stillTrains(m: ReturnType<typeof small>): Promise<void> {
  const before = (await m.evaluate(data, data)).loss;
  await m.fit(data, data, { epochs: 20, batchSize: 4, verbose: 0, seed: 1 });
  expect((await m.evaluate(data, data)).loss).toBeLessThan(before * 0.8);
}

describe('size and number arguments are checked where they enter', () => {
  it('batchSize 0, negative or fractional, epochs 0, NaN scale, bad verbose, bad seed', async () => {
    const m = small();
    const tensors = memory().numTensors;
    await expect(m.predict(data, { batchSize: 0 })).rejects.toThrow('predict: batchSize must be a positive integer, got 0');
    await expect(m.evaluate(data, data, { batchSize: -2 })).rejects.toThrow('evaluate: batchSize must be a positive integer, got -2');
    await expect(m.fit(data, data, { batchSize: 1.5, verbose: 0 })).rejects.toThrow('fit: batchSize must be a positive integer, got 1.5');
    await expect(m.fit(data, data, { epochs: 0, verbose: 0 })).rejects.toThrow('fit: epochs must be a positive integer, got 0');
    await expect(m.fit(data, data, { scale: Number.NaN, verbose: 0 })).rejects.toThrow('fit: scale must be a finite number, got NaN');
    await expect(m.predict(data, { scale: Infinity })).rejects.toThrow('predict: scale must be a finite number, got Infinity');
    await expect(m.fit(data, data, { verbose: 3 as never })).rejects.toThrow('fit: verbose must be 0, 1 or 2, got 3');
    await expect(m.fit(data, data, { seed: 0.5, verbose: 0 })).rejects.toThrow('fit: seed must be an integer, got 0.5');
    await expect(m.evaluate(data, data, { reduction: 'sum' as never })).rejects.toThrow("evaluate: reduction must be 'mean' or 'none', got 'sum'");
    expect(memory().numTensors).toBe(tensors);
    await stillTrains(m);
  });

  it('a validationSplit that leaves no samples to train on', async () => {
    const m = small();
    const two = { data: uniform(2 * 4, 5, 0, 1), shape: [2, 4] };
    await expect(m.fit(two, two, { validationSplit: 0.99, verbose: 0 })).rejects.toThrow('fit: validationSplit 0.99 of 2 samples leaves no samples to train on');
    await expect(m.fit(two, two, { validationSplit: 1, verbose: 0 })).rejects.toThrow('fit: validationSplit must be in [0, 1), got 1');
    await stillTrains(m);
  });

  it('a second fit() while one is running is refused, and the first one finishes', async () => {
    const m = small();
    const first = m.fit(data, data, { epochs: 3, batchSize: 4, verbose: 0, seed: 1 });
    await expect(m.fit(data, data, { epochs: 1, verbose: 0 })).rejects.toThrow(`model '${m.name}' is already training; wait for the running fit() to finish before starting another`);
    await expect(m.trainOnBatch(data, data)).rejects.toThrow(`model '${m.name}' is training in fit(); trainOnBatch would interleave with it`);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(`model '${m.name}' is training; compile() it after fit() returns`);
    const h = await first;
    expect(h.loss.length).toBe(3);
    await stillTrains(m);
  });

  it('an infinite loss stops training like a NaN one, naming epoch and batch', async () => {
    const m = small();
    const huge = { data: Float32Array.from({ length: 8 * 4 }, (_, i) => (i < 16 ? 1 : 3e38)), shape: [8, 4] };
    await expect(m.fit(huge, data, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false })).rejects.toThrow(/^fit: the loss became (infinite|NaN) at epoch 1, batch 2 \(pass terminateOnNaN: false to continue\)$/);
    expect(m.isTraining).toBe(false);
  });
});
