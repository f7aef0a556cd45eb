// Keras's callbacks on real training runs: earlyStopping against TF.js's EarlyStopping and the
// float64 transcription of Keras's (fed the same epoch logs), restoreBestWeights putting back the
// best epoch's weights bit for bit, reduceLROnPlateau changing the rate at Keras's epoch, user
// callbacks alongside, and the bad-input errors (a monitor key the logs do not have).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { callbacks, setRandomSeed, input, layers, loadModel, model, optimizers, type Logs, type Model } from '../src/index.js';
import { setup, uniform } from './helpers.js';
import { earlyStoppingRef, reduceLROnPlateauRef } from './reference/callbacks.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

function denseAE(seed = 3): Model {
  setRandomSeed(seed);
  const x = input({ shape: [16] });
  const h = layers.dense({ units: 6, activation: 'relu' }).apply(x);
  return model({ inputs: x, outputs: layers.dense({ units: 16, activation: 'sigmoid' }).apply(h) });
}

// Training targets are the inputs; validation targets are unrelated, so val_loss wanders and
// the callbacks have plateaus and worse epochs to react to.
const x = { data: uniform(64 * 16, 1, 0, 1), shape: [64, 16] };
const vx = { data: uniform(32 * 16, 2, 0, 1), shape: [32, 16] };
const vy = { data: uniform(32 * 16, 3, 0, 1), shape: [32, 16] };

/** Records every epoch's logs and weights (read back: a test-only cost). */
function recorder() {
  const logs: Logs[] = [];
  const weights: Float32Array[][] = [];
  let m: Model | null = null;
  return {
    logs,
    weights,
    setModel: (model: Model) => void (m = model),
    onEpochEnd: async (_: number, l: Logs) => {
      logs.push({ ...l });
      weights.push(await m!.getWeights());
    },
  };
}

async function tfEarlyStoppingEpoch(values: Logs[], args: { monitor: string; patience: number; minDelta: number }): Promise<number | null> {
  const es = tfl.callbacks.earlyStopping(args);
  // TF.js's callback wants a LayersModel: any will do, it only sets stopTraining on it.
  const fake = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 1 })] });
  fake.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  es.setModel(fake);
  await es.onTrainBegin();
  for (let epoch = 0; epoch < values.length; epoch++) {
    await es.onEpochEnd(epoch, values[epoch] as never);
    if (fake.stopTraining) return epoch;
  }
  return null;
}

describe('earlyStopping', () => {
  it('stops at the epoch TF.js and Keras stop at, and restoreBestWeights puts back the best epoch’s weights', async () => {
    const m = denseAE();
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const rec = recorder();
    const es = callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, minDelta: 1e-4, restoreBestWeights: true });
    const history = await m.fit(x, x, { epochs: 40, batchSize: 16, verbose: 0, seed: 5, validationData: [vx, vy], callbacks: [rec, es] });
    const val = history.history.val_loss;
    const ref = earlyStoppingRef(val, 2, 1e-4);
    // It did stop early, where Keras's rule and TF.js's callback stop on the same logs.
    expect(ref.stoppedEpoch).not.toBeNull();
    expect(history.epoch.length).toBe(ref.stoppedEpoch! + 1);
    expect(es.stoppedEpoch).toBe(ref.stoppedEpoch);
    expect(await tfEarlyStoppingEpoch(rec.logs, { monitor: 'val_loss', patience: 2, minDelta: 1e-4 })).toBe(ref.stoppedEpoch);
    // The best epoch's weights, not the last epoch's.
    expect(es.bestEpoch).toBe(ref.bestEpoch);
    expect(ref.bestEpoch).toBeLessThan(ref.stoppedEpoch!);
    const final = await m.getWeights();
    final.forEach((w, i) => expect(w).toEqual(rec.weights[ref.bestEpoch][i]));
    expect(final[0]).not.toEqual(rec.weights.at(-1)![0]);
  });

  it('a monitor key the logs will not have fails before any training, naming the keys they have', async () => {
    const m = denseAE();
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
    const before = await m.getWeights();
    await expect(m.fit(x, x, { epochs: 2, verbose: 0, callbacks: [callbacks.earlyStopping({ monitor: 'val_loss' })] })).rejects.toThrow(
      "earlyStopping: monitor 'val_loss' is not in the training logs, which have loss, mae (val_ keys need validationData or validationSplit)",
    );
    await expect(m.fit(x, x, { epochs: 2, verbose: 0, validationSplit: 0.25, callbacks: [callbacks.reduceLROnPlateau({ monitor: 'val_acc' })] })).rejects.toThrow(
      "reduceLROnPlateau: monitor 'val_acc' is not in the training logs, which have loss, mae, val_loss, val_mae",
    );
    expect(await m.getWeights()).toEqual(before);
    expect(m.optimizer?.iterations ?? 0).toBe(0);
  });

  it.each([
    [() => callbacks.earlyStopping({ patience: -1 }), 'earlyStopping: patience must be an integer ≥ 0, got -1'],
    [() => callbacks.earlyStopping({ mode: 'lowest' as never }), "earlyStopping: mode must be 'auto', 'min' or 'max', got 'lowest'"],
    [() => callbacks.reduceLROnPlateau({ factor: 1 }), 'reduceLROnPlateau: factor must be a number in [0, 1), got 1'],
    [() => callbacks.reduceLROnPlateau({ minLr: -1 }), 'reduceLROnPlateau: minLr must be a finite number ≥ 0, got -1'],
    [() => callbacks.modelCheckpoint({ filepath: '' }), 'modelCheckpoint: filepath must be a non-empty string'],
  ])('bad settings %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('reduceLROnPlateau', () => {
  const settings = { factor: 0.5, patience: 2, minDelta: 1e-4, cooldown: 1, minLr: 0.004 };

  it("follows Keras's rule on a made-up sequence (plateaus, cooldown, the floor at minLr)", () => {
    const values = [1, 0.9, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
    const opt = optimizers.sgd({ learningRate: 0.05 });
    const cb = callbacks.reduceLROnPlateau({ monitor: 'loss', ...settings });
    cb.setModel({ optimizer: opt } as unknown as Model);
    cb.onTrainBegin();
    const rates = [opt.learningRate];
    values.forEach((v, epoch) => {
      cb.onEpochEnd(epoch, { loss: v });
      rates.push(opt.learningRate);
    });
    const ref = reduceLROnPlateauRef(values, 0.05, settings);
    expect(rates).toEqual(ref);
    expect(new Set(ref).size).toBeGreaterThan(3); // it reduced several times and reached the floor
    expect(ref.at(-1)).toBe(0.004);
  });

  it('in fit: the optimizer runs each epoch at the rate Keras would have set', async () => {
    // val_loss falls by 1e-3…2e-4 per epoch here: minDelta 1e-3 makes those plateaus.
    const inFit = { factor: 0.5, patience: 1, minDelta: 1e-3, cooldown: 1, minLr: 0 };
    const m = denseAE();
    const opt = optimizers.sgd({ learningRate: 0.5 });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const used: number[] = [];
    const history = await m.fit(x, x, {
      epochs: 12,
      batchSize: 16,
      verbose: 0,
      seed: 2,
      validationData: [vx, vy],
      callbacks: [{ onEpochBegin: () => void used.push(opt.config.learningRate as number) }, callbacks.reduceLROnPlateau(inFit)],
    });
    const ref = reduceLROnPlateauRef(history.history.val_loss, 0.5, inFit);
    expect(used).toEqual(ref.slice(0, 12));
    expect(used.at(-1)).toBeLessThan(0.5);
  });

  it('refuses an optimizer driven by a schedule', async () => {
    const m = denseAE();
    m.compile({ optimizer: optimizers.sgd({ learningRate: (s) => 0.1 / (1 + s) }), loss: 'meanSquaredError' });
    await expect(m.fit(x, x, { epochs: 1, verbose: 0, callbacks: [callbacks.reduceLROnPlateau({ monitor: 'loss' })] })).rejects.toThrow(/learningRate is a schedule/);
  });
});

describe('modelCheckpoint (indexeddb://, browser)', () => {
  it.skipIf(typeof indexedDB === 'undefined')('saveBestOnly keeps the best epoch in IndexedDB', async () => {
    const m = denseAE();
    m.compile({ optimizer: optimizers.sgd({ learningRate: 4 }), loss: 'meanSquaredError' });
    const rec = recorder();
    const history = await m.fit(x, x, { epochs: 8, batchSize: 16, verbose: 0, seed: 3, validationData: [vx, vy], callbacks: [rec, callbacks.modelCheckpoint({ filepath: 'indexeddb://wgslnet-ckpt-test', saveBestOnly: true })] });
    const val = history.history.val_loss;
    const best = val.indexOf(Math.min(...val));
    expect(best).toBeLessThan(val.length - 1);
    const loaded = await loadModel('indexeddb://wgslnet-ckpt-test');
    expect(await loaded.getWeights()).toEqual(rec.weights[best]);
  });
});
