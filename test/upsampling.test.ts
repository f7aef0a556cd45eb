// Nearest-neighbour upsampling against a float64 reference at ragged shapes and sizes 1, 2, 3, (2, 3);
// bilinear against a float64 reference, TF.js's CPU resizeBilinear, finite differences, the layer
// harness, TF.js training steps and save/load both ways.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, layers, model, tensor, type Model } from '../src/index.js';
import { upSampling2d, upSampling2dBackward } from '../src/ops/upsampling.js';
import { runLayerTest } from './layer_harness.js';
import { expectClose, setup, uniform } from './helpers.js';
import { expectSavesBothWays, expectTrainsLikeTfjs } from './tfjs_parity.js';
import { upsample, upsampleBackward, upsampleBilinear, type Shape4 } from './reference/upsampling.js';

const cases: [Shape4, [number, number]][] = [
  [[1, 1, 1, 1], [1, 1]],
  [[1, 1, 1, 3], [2, 2]],
  [[3, 7, 5, 5], [1, 1]],
  [[3, 7, 5, 5], [2, 2]],
  [[1, 7, 5, 3], [3, 3]],
  [[3, 7, 5, 1], [2, 3]],
  [[1, 5, 7, 3], [3, 2]],
  // Channels in fours: the kernels take four channels per thread as vec4s.
  [[2, 3, 4, 4], [2, 2]],
  [[1, 5, 3, 8], [3, 2]],
];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe('upSampling2d', () => {
  beforeAll(setup);

  it.each(cases)('%j by %j: forward copies exactly, backward sums blocks (atol 1e-6, rtol 1e-6)', async (shape, s) => {
    const x = uniform(size(shape), 31);
    const y = upSampling2d(tensor(x, shape), s);
    expect(y.shape).toEqual([shape[0], shape[1] * s[0], shape[2] * s[1], shape[3]]);
    expect(Array.from(await y.data())).toEqual(upsample(x, shape, s));
    const dy = uniform(y.size, 32);
    const dx = upSampling2dBackward(tensor(dy, y.shape), s);
    expect(dx.shape).toEqual(shape);
    const got = await dx.data();
    const ref = upsampleBackward(dy, shape, s);
    expectClose(got, ref, { atol: 1e-6, rtol: 1e-6 }, 'dx');
    // Finite differences of the float64 forward at a few coordinates (exact: the map is linear).
    for (const k of new Set([0, Math.floor(x.length / 2), x.length - 1])) {
      const loss = (d: number) => upsample(Float64Array.from(x, (v, i) => (i === k ? v + d : v)), shape, s).reduce((a, v, i) => a + v * dy[i], 0);
      expectClose([got[k]], [(loss(1e-6) - loss(-1e-6)) / 2e-6], { atol: 1e-5, rtol: 1e-5 }, `finite difference at ${k}`);
    }
  });

  it('accepts a number for a square size', async () => {
    const y = upSampling2d(tensor([1, 2], [1, 1, 2, 1]), 2);
    expect(Array.from(await y.data())).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });

  it('rejects bad shapes and sizes before dispatch, naming the op', () => {
    const x = tensor(new Float32Array(6), [1, 2, 3, 1]);
    expect(() => upSampling2d(x.reshape([2, 3]), 2)).toThrow(/upSampling2d: expected a non-empty NHWC input .* got \[2,3\]/);
    expect(() => upSampling2d(x, 0)).toThrow(/upSampling2d: size must be a positive integer/);
    expect(() => upSampling2d(x, [2, 1.5] as [number, number])).toThrow(/upSampling2d: size/);
    expect(() => upSampling2dBackward(x, 2)).toThrow(/upSampling2dBackward: dy \[1,2,3,1\] is not an upsampling by size \[2,2\]/);
  });
});

describe("upSampling2d bilinear (TF.js's resizeBilinear placement)", () => {
  beforeAll(async () => {
    await setup();
    await tf.setBackend('cpu');
  });

  const bilinearCases: [Shape4, [number, number]][] = [
    [[1, 1, 1, 2], [3, 2]],
    [[2, 3, 4, 2], [2, 2]],
    [[1, 4, 3, 3], [3, 2]],
    [[3, 2, 5, 1], [1, 4]],
    [[1, 5, 5, 2], [1, 1]],
    // Channels in fours (vec4 kernels).
    [[2, 3, 4, 4], [2, 3]],
    [[1, 4, 3, 8], [3, 2]],
  ];

  it.each(bilinearCases)('%j by %j: forward equals float64 and TF.js CPU; backward equals finite differences', async (shape, s) => {
    const x = uniform(size(shape), 41);
    const y = upSampling2d(tensor(x, shape), s, undefined, 'bilinear');
    const outShape = [shape[0], shape[1] * s[0], shape[2] * s[1], shape[3]];
    expect(y.shape).toEqual(outShape);
    const got = await y.data();
    expectClose(got, upsampleBilinear(x, shape, s), { atol: 1e-6, rtol: 1e-6 }, 'forward vs float64');
    const theirs = tf.image.resizeBilinear(tf.tensor4d(x, shape), [outShape[1], outShape[2]]).dataSync();
    expectClose(got, theirs, { atol: 1e-6, rtol: 1e-6 }, 'forward vs TF.js CPU');
    const dy = uniform(y.size, 42);
    const dx = await upSampling2dBackward(tensor(dy, y.shape), s, undefined, 'bilinear').data();
    // The map is linear: the gradient of Σ dy·y at every input is exact by central differences.
    const loss = (k: number, d: number) => upsampleBilinear(Float64Array.from(x, (v, i) => (i === k ? v + d : v)), shape, s).reduce((a, v, i) => a + v * dy[i], 0);
    const fd = Array.from(x, (_, k) => (loss(k, 1e-3) - loss(k, -1e-3)) / 2e-3);
    expectClose(dx, fd, { atol: 1e-5, rtol: 1e-5 }, 'dx vs finite differences');
  });

  it('the layer through the harness (forward, finite-difference gradients)', async () => {
    for (const [shape, s] of [[[3, 4, 2], [2, 3]], [[2, 2, 3], [3, 3]]] as [number[], [number, number]][]) {
      await runLayerTest({
        layer: layers.upSampling2d({ size: s, interpolation: 'bilinear' }),
        inputShape: shape,
        batch: 2,
        reference: (x) => upsampleBilinear(x, [2, ...shape] as Shape4, s),
      });
    }
  });

  /** conv → bilinear upsampling → conv in wgslnet and in TF.js (square images: TF.js's bilinear gradient swaps H and W otherwise). */
  function pair(): { m: Model; t: tfl.LayersModel } {
    const x = input({ shape: [4, 4, 2] });
    let y = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', biasInitializer: 'randomNormal' }).apply(x);
    y = layers.upSampling2d({ size: 2, interpolation: 'bilinear' }).apply(y);
    y = layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', biasInitializer: 'randomNormal' }).apply(y);
    const m = model({ inputs: x, outputs: y });
    const t = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 4, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh' }),
        tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
        tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }),
      ],
    });
    return { m, t };
  }

  it('trains like TF.js (CPU) with identical weights: loss and weights after three SGD steps', async () => {
    const { m, t } = pair();
    await expectTrainsLikeTfjs(m, t, [3, 4, 4, 2], [3, 8, 8, 1], 0.1);
    t.dispose();
    m.dispose();
  });

  it('saves to TF.js and loads from TF.js with the same predictions', async () => {
    const { m, t } = pair();
    const loaded = await expectSavesBothWays(m, t, [2, 4, 4, 2], 'UpSampling2D', { size: [2, 2], interpolation: 'bilinear' });
    t.dispose();
    loaded.dispose();
    m.dispose();
  });

  it('rejects an unknown interpolation before dispatch, naming the op', () => {
    const x = tensor(new Float32Array(6), [1, 2, 3, 1]);
    expect(() => upSampling2d(x, 2, undefined, 'area' as never)).toThrow(/upSampling2d: interpolation must be 'nearest' or 'bilinear', got "area"/);
  });
});
