// fitDataset on Fashion-MNIST streamed from disk in chunks, and a generator failing mid-epoch
// after a checkpoint was written: the error propagates and the checkpoint on disk is the last
// completed epoch's, untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callbacks, input, layers, loadModel, model, optimizers, setRandomSeed, type Model } from '../src/index.js';
import { datasets } from '../src/node/datasets.js';
import { registerFileHandler } from '../src/node/io.js';
import { setup } from './helpers.js';

let root: string;

beforeAll(async () => {
  await setup();
  registerFileHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-fitdataset-'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

function fashionAE(): Model {
  setRandomSeed(2);
  const x = input({ shape: [784] });
  const m = model({ inputs: x, outputs: layers.dense({ units: 784, activation: 'sigmoid' }).apply(layers.dense({ units: 32, activation: 'relu' }).apply(x)) });
  m.compile({ optimizer: optimizers.adam({ learningRate: 2e-3 }), loss: 'binaryCrossentropy' });
  return m;
}

describe('fitDataset (Node)', () => {
  it('trains on Fashion-MNIST streamed from disk (two classes, two passes); the loss falls', async () => {
    const m = fashionAE();
    const train = datasets.fashionMnist.stream({ batchSize: 128, classes: [7, 9], flatten: true, limit: 1024 });
    const test = datasets.fashionMnist.stream({ split: 'test', batchSize: 256, classes: [7, 9], flatten: true, limit: 512 });
    const h = await m.fitDataset(train, { epochs: 2, scale: 1 / 255, verbose: 0, validationData: test });
    expect(h.history.loss.length).toBe(2);
    expect(h.history.loss[1]).toBeLessThan(h.history.loss[0]);
    expect(h.history.val_loss[1]).toBeLessThan(h.history.val_loss[0]);
    expect(m.optimizer!.iterations).toBe(16);
  });

  it('a generator failing in epoch 2: the error propagates, the checkpoint of epoch 1 stays as it was', async () => {
    const m = fashionAE();
    const source = datasets.fashionMnist.stream({ batchSize: 64, flatten: true, limit: 256 });
    let pass = 0;
    const failing = {
      async *[Symbol.asyncIterator]() {
        pass++;
        let i = 0;
        for await (const b of source) {
          if (pass === 2 && i++ === 2) throw new Error('network gone');
          yield b;
        }
      },
    };
    const dir = join(root, 'ckpt');
    const before: Float32Array[][] = [];
    const rec = { setModel: (mm: Model) => void (rec.m = mm), m: null as Model | null, onEpochEnd: async () => void before.push(await rec.m!.getWeights()) };
    await expect(m.fitDataset(failing, { epochs: 3, scale: 1 / 255, verbose: 0, callbacks: [rec, callbacks.modelCheckpoint({ filepath: pathToFileURL(dir).href })] })).rejects.toThrow('network gone');
    expect(before.length).toBe(1);
    const json = await readFile(join(dir, 'model.json'), 'utf8');
    const saved = await loadModel(pathToFileURL(dir).href);
    expect(await saved.getWeights()).toEqual(before[0]);
    expect(await readFile(join(dir, 'model.json'), 'utf8')).toBe(json);
    // The model itself kept the two steps of epoch 2 that ran before the failure.
    expect(m.optimizer!.iterations).toBe(4 + 2);
  });
});
