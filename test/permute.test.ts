// Permute: the transpose kernels against a float64 reference (ranks 2–6, merged and size-1 axes,
// the tiled kernel across tile edges),
// the layer through the float64 harness (forward, finite-difference gradients), training steps
// against TF.js's CPU backend with identical weights, save/load both ways with TF.js, bad dims.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, layers, model as makeModel, tensor, type Model } from '../src/index.js';
import { inversePermutation, transpose } from '../src/ops/permute.js';
import { runLayerTest } from './layer_harness.js';
import { setup, uniform } from './helpers.js';
import { expectSavesBothWays, expectTrainsLikeTfjs } from './tfjs_parity.js';
import { transposeRef } from './reference/permute.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe('transpose', () => {
  it.each([
    [[3, 5], [1, 0]],
    [[2, 3, 4], [0, 2, 1]],
    [[2, 3, 4], [2, 0, 1]],
    [[2, 1, 4, 1, 3], [4, 1, 0, 3, 2]],
    // Axes 1 and 2 stay neighbours: the kernel walks a merged [2, 12] ... [6] shape.
    [[2, 3, 4, 5], [0, 3, 1, 2]],
    [[2, 3, 1, 2, 3, 2], [5, 3, 4, 0, 2, 1]],
    [[4, 1], [1, 0]],
    [[7], [0]],
    // The tiled kernel (the last two axes swapped) across tile edges: 37 × 20 and 40 × 17, batched or not.
    [[3, 37, 20], [0, 2, 1]],
    [[40, 17], [1, 0]],
    [[2, 33, 1, 18], [0, 3, 2, 1]],
  ] as [number[], number[]][])('%j by %j equals the float64 reference exactly, and the inverse restores x', async (shape, perm) => {
    const x = uniform(sizeOf(shape), 5);
    const y = transpose(tensor(x, shape), perm);
    expect([...y.shape]).toEqual(perm.map((p) => shape[p]));
    expect(Array.from(await y.data())).toEqual(Array.from(transposeRef(x, shape, perm), Math.fround));
    const back = transpose(y, inversePermutation(perm));
    expect(Array.from(await back.data())).toEqual(Array.from(x));
  });

  it('refuses a perm that is not a permutation of the axes, before any GPU work', () => {
    const x = tensor(new Float32Array(6), [2, 3]);
    expect(() => transpose(x, [0, 0])).toThrow(/transpose: perm \[0,0\] is not a permutation of the 2 axes of \[2,3\]/);
    expect(() => transpose(x, [1, 0, 2])).toThrow(/not a permutation/);
  });
});

describe('Permute', () => {
  it.each([
    [[3, 5], [2, 1]],
    [[2, 3, 4], [3, 1, 2]],
    [[2, 3, 4], [2, 3, 1]],
    [[2, 3, 4], [1, 2, 3]],
    [[2, 1, 3, 2], [4, 3, 1, 2]],
  ] as [number[], number[]][])('input %j, dims %j: forward and gradients against float64', async (inputShape, dims) => {
    const batch = 3;
    const layer = layers.permute({ dims });
    await runLayerTest({ layer, inputShape, batch, reference: (x) => transposeRef(x, [batch, ...inputShape], [0, ...dims]) });
    expect(layer.computeOutputShape(inputShape)).toEqual(dims.map((d) => inputShape[d - 1]));
    expect(layer.getConfig()).toMatchObject({ dims });
  });

  it('rejects dims that are not a 1-based permutation at construction, and another rank at apply()', () => {
    for (const dims of [[0, 1], [1, 1], [1, 3], [], [2, 1.5]]) {
      expect(() => layers.permute({ dims, name: 'p' })).toThrow(new RegExp(`Permute 'p': dims must be a permutation of 1 … .* got ${JSON.stringify(dims).replace(/[[\]]/g, '\\$&')}`));
    }
    expect(() => layers.permute({} as never)).toThrow(/Permute: dims must be a permutation of 1 … rank .* got undefined/);
    expect(() => layers.permute({ dims: [1], axes: [1] } as never)).toThrow(/Permute: unknown option 'axes'/);
    expect(() => layers.permute({ dims: [2, 1], name: 'p2' }).apply(input({ shape: [2, 3, 4] }))).toThrow(/layer 'p2' \(Permute\) cannot take input shape \[2,3,4\]: dims \[2,1\] permute 2 axes per sample, the input has 3/);
  });

  /** dense → permute → dense, in wgslnet and in TF.js with the same weights. */
  function pair(): { m: Model; t: tfl.LayersModel } {
    const x = input({ shape: [3, 4] });
    let y = layers.dense({ units: 5, activation: 'tanh', biasInitializer: 'randomNormal' }).apply(x);
    y = layers.permute({ dims: [2, 1] }).apply(y);
    y = layers.dense({ units: 2, biasInitializer: 'randomNormal' }).apply(y);
    const m = makeModel({ inputs: x, outputs: y });
    const t = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3, 4], units: 5, activation: 'tanh' }), tfl.layers.permute({ dims: [2, 1] }), tfl.layers.dense({ units: 2 })] });
    return { m, t };
  }

  it('trains like TF.js (CPU) with identical weights: loss and weights after three SGD steps', async () => {
    const { m, t } = pair();
    await expectTrainsLikeTfjs(m, t, [6, 3, 4], [6, 5, 2], 0.2);
    t.dispose();
    m.dispose();
  });

  it('saves to TF.js and loads from TF.js with the same predictions and summary shape', async () => {
    const { m, t } = pair();
    const loaded = await expectSavesBothWays(m, t, [2, 3, 4], 'Permute', { dims: [2, 1] });
    expect(loaded.summary(() => {})).toMatch(/\(Permute\)\s+\(None, 5, 3\)\s+0\n/);
    t.dispose();
    loaded.dispose();
    m.dispose();
  });
});
