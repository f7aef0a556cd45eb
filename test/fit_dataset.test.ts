// model.fitDataset: the same batches through a data set train exactly as fit() on them (bit for
// bit), one-shot generators with batchesPerEpoch, validation from [x, y] or a data set, uint8
// batches scaled on the GPU; and the bad input: a generator throwing mid-epoch (the error
// propagates, the model holds the weights of the steps before it), batches of the wrong shape,
// a generator that cannot start a second pass, non-iterables.
import { beforeAll, describe, expect, it } from 'vitest';
import { input, layers, model, optimizers, setRandomSeed, type Model } from '../src/index.js';
import { setup, uniform } from './helpers.js';

beforeAll(setup);

function denseAE(): Model {
  setRandomSeed(5);
  const x = input({ shape: [16] });
  const m = model({ inputs: x, outputs: layers.dense({ units: 16, activation: 'sigmoid' }).apply(layers.dense({ units: 6, activation: 'relu' }).apply(x)) });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
  return m;
}

const N = 64;
const B = 16;
const data = uniform(N * 16, 1, 0, 1);
const x = { data, shape: [N, 16] };
const batch = (i: number) => {
  const part = { data: data.subarray(i * B * 16, (i + 1) * B * 16), shape: [B, 16] };
  return { xs: part, ys: part };
};
/** A re-iterable data set of the N/B batches of x, in order. */
const dataset = { *[Symbol.iterator]() { for (let i = 0; i < N / B; i++) yield batch(i); } };

describe('fitDataset', () => {
  it('trains exactly as fit() on the same batches (weights bit for bit, History)', async () => {
    const a = denseAE();
    const ha = await a.fit(x, x, { epochs: 3, batchSize: B, shuffle: false, verbose: 0, seed: 9, validationData: [x, x] });
    const b = denseAE();
    const hb = await b.fitDataset(dataset, { epochs: 3, verbose: 0, seed: 9, validationData: [x, x], validationBatchSize: B });
    expect(await b.getWeights()).toEqual(await a.getWeights());
    expect(hb.history).toEqual(ha.history);
    // A data set as validation gives the same val_loss as [x, y].
    const c = denseAE();
    const hc = await c.fitDataset(dataset, { epochs: 3, verbose: 0, seed: 9, validationData: dataset });
    expect(hc.history.val_loss).toEqual(ha.history.val_loss);
  });

  it('an async generator with batchesPerEpoch: epochs take consecutive batches of one pass; uint8 batches are scaled on the GPU', async () => {
    const taken: number[] = [];
    async function* gen() {
      for (let i = 0; ; i++) {
        taken.push(i);
        const bytes = Uint8Array.from(data.subarray((i % 4) * B * 16, ((i % 4) + 1) * B * 16), (v) => Math.round(v * 255));
        yield [{ data: bytes, shape: [B, 16] }, { data: bytes, shape: [B, 16] }] as [{ data: Uint8Array; shape: number[] }, { data: Uint8Array; shape: number[] }];
        if (i === 8) return;
      }
    }
    const m = denseAE();
    const h = await m.fitDataset(gen(), { epochs: 4, batchesPerEpoch: 2, verbose: 0, scale: 1 / 255 });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(m.optimizer!.iterations).toBe(8);
    // At most one batch is requested ahead.
    expect(taken.length).toBeLessThanOrEqual(9);
    expect(taken.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a generator throwing mid-epoch: fitDataset rejects with its error; the weights are those of the steps before it', async () => {
    const failing = (failAt: number) => ({
      *[Symbol.iterator]() {
        for (let i = 0; i < 4; i++) {
          if (i === failAt) throw new Error('disk read failed');
          yield batch(i);
        }
      },
    });
    const m = denseAE();
    await expect(m.fitDataset(failing(2), { epochs: 2, verbose: 0, seed: 1 })).rejects.toThrow('disk read failed');
    expect(m.optimizer!.iterations).toBe(2);
    
    const ref = denseAE();
    await ref.fitDataset({ *[Symbol.iterator]() { yield batch(0); yield batch(1); } }, { epochs: 1, verbose: 0, seed: 1 });
    expect(await m.getWeights()).toEqual(await ref.getWeights());
    // The model still trains afterwards.
    await m.fitDataset(dataset, { epochs: 1, verbose: 0 });
    expect(m.optimizer!.iterations).toBe(6);
  });

  it('a batch of the wrong shape stops training naming the batch, epoch and shapes', async () => {
    const m = denseAE();
    const bad = { *[Symbol.iterator]() { yield batch(0); yield { xs: { data: new Float32Array(8 * 15), shape: [8, 15] }, ys: batch(1).ys }; } };
    await expect(m.fitDataset(bad, { epochs: 1, verbose: 0 })).rejects.toThrow('fitDataset: batch 2 of epoch 1: x has shape [8,15] but the model expects [batch, 16]');
    expect(m.optimizer!.iterations).toBe(1);
    const mismatched = { *[Symbol.iterator]() { yield { xs: batch(0).xs, ys: { data: new Float32Array(8 * 16), shape: [8, 16] } }; } };
    await expect(m.fitDataset(mismatched, { epochs: 1, verbose: 0 })).rejects.toThrow('fitDataset: batch 1 of epoch 1: x has 16 samples but y has 8');
    const notPair = { *[Symbol.iterator]() { yield { xs: batch(0).xs }; } };
    await expect(m.fitDataset(notPair as never, { epochs: 1, verbose: 0 })).rejects.toThrow('fitDataset: batch 1 of epoch 1 must be { xs, ys } or [xs, ys], got object');
  });

  it('a one-shot generator without batchesPerEpoch fails at the second epoch, saying what to do; bad arguments fail first', async () => {
    const m = denseAE();
    function* once() {
      for (let i = 0; i < 4; i++) yield batch(i);
    }
    await expect(m.fitDataset(once(), { epochs: 2, verbose: 0 })).rejects.toThrow('fitDataset: the data set yielded no batches in epoch 2: a generator runs only once; pass batchesPerEpoch');
    await expect(m.fitDataset(42 as never, { epochs: 1 })).rejects.toThrow('fitDataset: dataset must be an iterable or async iterable of { xs, ys } batches');
    await expect(m.fitDataset(dataset, { batchesPerEpoch: 0 })).rejects.toThrow('fitDataset: batchesPerEpoch');
    await expect(m.fitDataset(dataset, { validationData: [x] as never })).rejects.toThrow('fitDataset: validationData must be [x, y] or a data set of batches');
  });
});
