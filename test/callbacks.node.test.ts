// Callbacks that write files in Node: modelCheckpoint through file:// (saveBestOnly keeps the best
// epoch's weights; placeholders in the path), csvLogger's rows against History, and their bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callbacks, input, layers, loadModel, model, optimizers, setRandomSeed, type Logs, type Model } from '../src/index.js';
import { csvLogger } from '../src/node/callbacks.js';
import { registerFileHandler } from '../src/node/io.js';
import { setup, uniform } from './helpers.js';

let root: string;

beforeAll(async () => {
  await setup();
  registerFileHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-callbacks-'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

function denseAE(): Model {
  setRandomSeed(11);
  const x = input({ shape: [16] });
  return model({ inputs: x, outputs: layers.dense({ units: 16, activation: 'sigmoid' }).apply(layers.dense({ units: 6, activation: 'relu' }).apply(x)) });
}

const x = { data: uniform(64 * 16, 1, 0, 1), shape: [64, 16] };
const vx = { data: uniform(32 * 16, 2, 0, 1), shape: [32, 16] };
const vy = { data: uniform(32 * 16, 3, 0, 1), shape: [32, 16] };

function weightRecorder() {
  const weights: Float32Array[][] = [];
  let m: Model | null = null;
  return { weights, setModel: (model: Model) => void (m = model), onEpochEnd: async () => void weights.push(await m!.getWeights()) };
}

describe('modelCheckpoint (file://)', () => {
  it('saveBestOnly: the checkpoint on disk holds the best epoch’s weights', async () => {
    const m = denseAE();
    // A large rate makes val_loss go up and down.
    m.compile({ optimizer: optimizers.sgd({ learningRate: 4 }), loss: 'meanSquaredError' });
    const rec = weightRecorder();
    const dir = join(root, 'best');
    const ckpt = callbacks.modelCheckpoint({ filepath: pathToFileURL(dir).href, saveBestOnly: true });
    const history = await m.fit(x, x, { epochs: 10, batchSize: 16, verbose: 0, seed: 3, validationData: [vx, vy], callbacks: [rec, ckpt] });
    const val = history.history.val_loss;
    const best = val.indexOf(Math.min(...val));
    expect(best).toBeLessThan(val.length - 1); // a later epoch was worse, so it was not saved
    const loaded = await loadModel(pathToFileURL(dir).href);
    expect(await loaded.getWeights()).toEqual(rec.weights[best]);
  });

  it('fills {epoch:02d} and {loss:.4f} per epoch; a placeholder naming no log key fails before training', async () => {
    const m = denseAE();
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const dir = join(root, 'every');
    const history = await m.fit(x, x, { epochs: 3, batchSize: 32, verbose: 0, callbacks: [callbacks.modelCheckpoint({ filepath: join(dir, 'ckpt-{epoch:02d}-{loss:.4f}') })] });
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(history.history.loss.map((l, e) => `ckpt-${String(e + 1).padStart(2, '0')}-${l.toFixed(4)}`));
    await expect(m.fit(x, x, { epochs: 1, verbose: 0, callbacks: [callbacks.modelCheckpoint({ filepath: join(dir, '{val_loss}') })] })).rejects.toThrow(
      "modelCheckpoint: filepath '" + join(dir, '{val_loss}') + "' names {val_loss}, which is not in the training logs (loss)",
    );
  });
});

describe('csvLogger', () => {
  it('writes epoch, then the sorted log keys, one row per epoch; append adds rows without a second header', async () => {
    const m = denseAE();
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
    const path = join(root, 'log.csv');
    const logs: Logs[] = [];
    const h = await m.fit(x, x, { epochs: 3, batchSize: 32, verbose: 0, validationData: [vx, vy], callbacks: [csvLogger(path), { onEpochEnd: (_, l) => void logs.push(l) }] });
    const rows = (await readFile(path, 'utf8')).trim().split('\n').map((r) => r.split(','));
    expect(rows[0]).toEqual(['epoch', 'loss', 'mae', 'val_loss', 'val_mae']);
    expect(rows.slice(1).map((r) => r.map(Number))).toEqual(h.epoch.map((e) => [e, h.history.loss[e], h.history.mae[e], h.history.val_loss[e], h.history.val_mae[e]]));
    await m.fit(x, x, { epochs: 1, batchSize: 32, verbose: 0, validationData: [vx, vy], callbacks: [csvLogger(path, { append: true })] });
    const again = (await readFile(path, 'utf8')).trim().split('\n');
    expect(again.length).toBe(5);
    expect(again.filter((r) => r.startsWith('epoch')).length).toBe(1);
  });

  it('a path it cannot write fails before the first epoch trains', async () => {
    const m = denseAE();
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const before = await m.getWeights();
    await expect(m.fit(x, x, { epochs: 1, verbose: 0, callbacks: [csvLogger(join(root, 'no', 'such', 'dir', 'log.csv'))] })).rejects.toThrow(/ENOENT/);
    expect(await m.getWeights()).toEqual(before);
  });
});
