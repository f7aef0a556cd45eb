// The activation layers with options, global pooling, Dense with softmax and on rank > 2, through
// the float64 harness (forward, finite-difference gradients), and their bad inputs.
import { beforeAll, describe, expect, it } from 'vitest';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';
import { setup } from './helpers.js';
import { runLayerTest } from './layer_harness.js';
import { activate } from './reference/activation.js';
import { avgPool, maxPool } from './reference/pooling.js';
import { softmax as softmaxRef } from './reference/softmax.js';
import { matmul as matmulRef } from './reference/matmul.js';
import { pad2dRef } from './reference/padding.js';
import { conv2d as convRef, conv2dBackwardInput as convBackwardInputRef } from './reference/conv2d.js';
import { upsample } from './reference/upsampling.js';

beforeAll(setup);

describe('activation layers', () => {
  it.each([
    ['ReLU', () => layers.reLU(), (x: number) => activate('relu', x, 0)],
    ['ReLU maxValue 0.4', () => layers.reLU({ maxValue: 0.4 }), (x: number) => activate('relu6', x, 0.4)],
    ['LeakyReLU default alpha 0.3', () => layers.leakyReLU(), (x: number) => activate('leakyRelu', x, 0.3)],
    ['LeakyReLU alpha 0.05', () => layers.leakyReLU({ alpha: 0.05 }), (x: number) => activate('leakyRelu', x, 0.05)],
    ['ELU alpha 0.5', () => layers.elu({ alpha: 0.5 }), (x: number) => activate('elu', x, 0.5)],
  ] as const)('%s', async (_, make, f) => {
    await runLayerTest({ layer: make(), inputShape: [3, 5], batch: 4, reference: (x) => x.map(f) });
  });

  it('Softmax over the last axis', async () => {
    await runLayerTest({ layer: layers.softmax(), inputShape: [2, 6], batch: 3, reference: (x) => Float64Array.from(softmaxRef(x, 6)) });
  });

  it('keeps Keras/TF.js defaults in their configs', () => {
    expect(layers.reLU().getConfig()).toMatchObject({ maxValue: null });
    expect(layers.leakyReLU().getConfig()).toMatchObject({ alpha: 0.3 });
    expect(layers.elu().getConfig()).toMatchObject({ alpha: 1 });
    expect(layers.softmax().getConfig()).toMatchObject({ axis: -1 });
  });

  it('reject bad options at construction and an unsupported softmax axis at apply()', () => {
    expect(() => layers.reLU({ maxValue: -1 })).toThrow(/ReLU: maxValue must be ≥ 0/);
    expect(() => layers.leakyReLU({ alpha: Number.NaN })).toThrow(/LeakyReLU: alpha must be a finite number/);
    expect(() => layers.elu({ alpha: -1 })).toThrow(/ELU: alpha must be ≥ 0/);
    expect(() => layers.leakyReLU({ negativeSlope: 0.1 } as never)).toThrow(/LeakyReLU: unknown option 'negativeSlope'/);
    expect(() => layers.softmax({ axis: 1 }).apply(input({ shape: [3, 4] }))).toThrow(/\(Softmax\) cannot take input shape \[3,4\]: softmax along axis 1: only the last axis/);
  });
});

describe('global pooling', () => {
  const shape: [number, number, number, number] = [2, 3, 5, 4];
  const whole = { shape, pool: [3, 5] as [number, number], strides: [3, 5] as [number, number], padding: 'valid' as const };
  it('GlobalAveragePooling2D', async () => {
    await runLayerTest({ layer: layers.globalAveragePooling2d(), inputShape: [3, 5, 4], batch: 2, reference: (x) => Float64Array.from(avgPool(x, whole)) });
  });
  it('GlobalMaxPooling2D', async () => {
    await runLayerTest({ layer: layers.globalMaxPooling2d(), inputShape: [3, 5, 4], batch: 2, reference: (x) => Float64Array.from(maxPool(x, whole).y) });
  });
  it('reject inputs that are not images', () => {
    expect(() => layers.globalAveragePooling2d().apply(input({ shape: [4, 4] }))).toThrow(/\(GlobalAveragePooling2D\) cannot take input shape \[4,4\]: expected \[height, width, channels\]/);
    expect(() => layers.globalMaxPooling2d({ keepdims: true } as never)).toThrow(/GlobalMaxPooling2D: unknown option 'keepdims'/);
  });
});

describe('Dense', () => {
  it("activation 'softmax'", async () => {
    await runLayerTest({
      layer: layers.dense({ units: 5, activation: 'softmax', biasInitializer: 'randomNormal' }),
      inputShape: [4],
      batch: 3,
      reference: (x, [w, b]) => Float64Array.from(softmaxRef(matmulRef(x, w, 3, 4, 5).map((v, i) => v + b[i % 5]), 5)),
    });
  });

  it('on rank-3 inputs applies to the last axis', async () => {
    const layer = layers.dense({ units: 3, activation: 'tanh', biasInitializer: 'randomNormal' });
    await runLayerTest({
      layer,
      inputShape: [4, 6],
      batch: 2,
      reference: (x, [w, b]) => matmulRef(x, w, 8, 6, 3).map((v, i) => Math.tanh(v + b[i % 3])),
    });
    expect(layer.kernel.shape).toEqual([6, 3]);
  });
});

describe('ZeroPadding2D and Cropping2D', () => {
  it.each([
    ['padding 1', 1, [[1, 1], [1, 1]]],
    ['padding [2, 0]', [2, 0], [[2, 2], [0, 0]]],
    ['padding [[0, 2], [1, 3]]', [[0, 2], [1, 3]], [[0, 2], [1, 3]]],
  ] as const)('ZeroPadding2D %s', async (_, padding, full) => {
    const layer = layers.zeroPadding2d({ padding: padding as never });
    await runLayerTest({ layer, inputShape: [3, 4, 2], batch: 2, reference: (x) => pad2dRef(x, [2, 3, 4, 2], full as never) });
    expect(layer.getConfig()).toMatchObject({ padding: full });
  });

  it.each([
    ['cropping 1', 1, [[1, 1], [1, 1]]],
    ['cropping [[0, 2], [1, 0]]', [[0, 2], [1, 0]], [[0, 2], [1, 0]]],
  ] as const)('Cropping2D %s', async (_, cropping, full) => {
    const neg = full.map(([a, b]) => [-a, -b]) as never;
    await runLayerTest({ layer: layers.cropping2d({ cropping: cropping as never }), inputShape: [4, 5, 3], batch: 2, reference: (x) => pad2dRef(x, [2, 4, 5, 3], neg) });
  });

  it('reject a crop that leaves nothing, negative or malformed amounts, non-images', () => {
    expect(() => layers.cropping2d({ cropping: [[2, 2], [0, 0]] }).apply(input({ shape: [4, 5, 3] }))).toThrow(/\(Cropping2D\) cannot take input shape \[4,5,3\]: cropping .* removes 4 of 4 rows/);
    expect(() => layers.cropping2d({ cropping: 3 }).apply(input({ shape: [8, 5, 1] }))).toThrow(/removes 6 of 8 rows and 6 of 5 columns/);
    expect(() => layers.zeroPadding2d({ padding: -1 })).toThrow(/ZeroPadding2D: padding must be a non-negative integer/);
    expect(() => layers.zeroPadding2d({ padding: [1, 2, 3] as never })).toThrow(/ZeroPadding2D: padding must be/);
    expect(() => layers.zeroPadding2d().apply(input({ shape: [4, 4] }))).toThrow(/\(ZeroPadding2D\) cannot take input shape \[4,4\]/);
  });
});

describe('1-D layers (a height-1 image to the 2-D kernels)', () => {
  it.each([
    [3, 1, 'valid', 'relu'],
    [3, 2, 'same', 'linear'],
    [2, 3, 'valid', 'tanh'],
    [3, 1, 'same', 'relu', 2],
  ] as const)('Conv1D kernel %i stride %i %s %s dilation %s', async (k, s, padding, activation, d: number = 1) => {
    const [batch, steps, c, f] = [2, 9, 3, 4];
    const layer = layers.conv1d({ filters: f, kernelSize: k, strides: s, dilationRate: d, padding, activation, biasInitializer: 'randomNormal' });
    const cfg = { strides: [1, s] as [number, number], padding, dilation: [1, d] as [number, number] };
    await runLayerTest({
      layer,
      inputShape: [steps, c],
      batch,
      reference: (x, [w, b]) => convRef(x, [batch, 1, steps, c], w, [1, k, c, f], cfg).map((v, i) => activate(activation, v + b[i % f], 0)),
    });
    expect(layer.kernel.shape).toEqual([k, c, f]);
    expect(layer.getConfig()).toMatchObject({ kernelSize: [k], strides: [s], dilationRate: [d] });
  });

  it.each([
    ['MaxPooling1D 2', () => layers.maxPooling1d(), (x: Float64Array) => maxPool(x, { shape: [2, 1, 7, 3], pool: [1, 2], strides: [1, 2], padding: 'valid' }).y],
    ['MaxPooling1D 3/2 same', () => layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), (x: Float64Array) => maxPool(x, { shape: [2, 1, 7, 3], pool: [1, 3], strides: [1, 2], padding: 'same' }).y],
    ['AveragePooling1D 2', () => layers.averagePooling1d(), (x: Float64Array) => avgPool(x, { shape: [2, 1, 7, 3], pool: [1, 2], strides: [1, 2], padding: 'valid' })],
    ['AveragePooling1D 3/1 same', () => layers.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' }), (x: Float64Array) => avgPool(x, { shape: [2, 1, 7, 3], pool: [1, 3], strides: [1, 1], padding: 'same' })],
    ['UpSampling1D 3', () => layers.upSampling1d({ size: 3 }), (x: Float64Array) => upsample(x, [2, 1, 7, 3], [1, 3])],
  ] as const)('%s', async (_, make, ref) => {
    await runLayerTest({ layer: make(), inputShape: [7, 3], batch: 2, reference: (x) => Float64Array.from(ref(x)) });
  });

  it('reject 2-D (image) inputs at apply(), naming the layer and the shape', () => {
    for (const layer of [layers.conv1d({ filters: 2, kernelSize: 3 }), layers.maxPooling1d(), layers.averagePooling1d(), layers.upSampling1d()]) {
      expect(() => layer.apply(input({ shape: [8, 8, 3] }))).toThrow(new RegExp(`\\(${layer.className}\\) cannot take input shape \\[8,8,3\\]: expected \\[steps, channels\\] per sample`));
    }
    expect(() => layers.conv1d({ filters: 2, kernelSize: 9 }).apply(input({ shape: [4, 2] }))).toThrow(/\(Conv1D\) cannot take input shape \[4,2\]/);
    expect(() => layers.conv1d({ filters: 2, kernelSize: 0 })).toThrow(/Conv1D: kernelSize must be a positive integer/);
  });
});

describe('Conv2DTranspose outputPadding, Conv2D dilationRate', () => {
  it.each([
    [[2, 2], 'valid', [1, 0], 3],
    [[3, 3], 'same', [1, 1], 3],
    [[2, 3], 'valid', [0, 1], 2],
  ] as const)('strides %j %s outputPadding %j kernel %i', async (strides, padding, outputPadding, k) => {
    const [batch, h, w, c, f] = [2, 3, 4, 2, 3];
    const layer = layers.conv2dTranspose({ filters: f, kernelSize: k, strides: [...strides], padding, outputPadding: [...outputPadding], biasInitializer: 'randomNormal' });
    const cfg = { strides: [...strides] as [number, number], padding };
    // Keras's deconv_output_length with output_padding.
    const pad = (kk: number) => (padding === 'same' ? Math.floor(kk / 2) : 0);
    const oh = (h - 1) * strides[0] + k - 2 * pad(k) + outputPadding[0];
    const ow = (w - 1) * strides[1] + k - 2 * pad(k) + outputPadding[1];
    const out = await (async () => {
      await runLayerTest({
        layer,
        inputShape: [h, w, c],
        batch,
        reference: (x, [kernel, b]) => convBackwardInputRef(x, kernel, [k, k, f, c], [batch, oh, ow, f], cfg).map((v, i) => v + b[i % f]),
      });
      return layer.computeOutputShape([h, w, c]);
    })();
    expect(out).toEqual([oh, ow, f]);
  });

  it('reject outputPadding ≥ stride and dilation with strides > 1 at construction', () => {
    expect(() => layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 })).toThrow(/Conv2DTranspose: outputPadding 2 must be smaller than the strides \[2,2\] \(Keras's rule\), got 2 ≥ 2/);
    expect(() => layers.conv2dTranspose({ filters: 2, kernelSize: 3, outputPadding: [0, 1] })).toThrow(/got 1 ≥ 1/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/Conv2D: dilationRate 2 cannot be combined with strides 2 > 1 \(Keras's rule\)/);
    expect(layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 1 }).filters).toBe(2);
    // An even kernel with 'same' padding and no output padding has no transposed size that maps back (as in TF).
    const even = layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', outputPadding: 0 });
    let message = '';
    try {
      even.apply(input({ shape: [3, 3, 1] }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\(Conv2DTranspose\) cannot take input shape \[3,3,1\]: .*outputPadding \[0,0\] .*whose convolution is not the input \[3,3\]/);
  });
});

describe('RepeatVector', () => {
  it('repeats each sample n times; backward sums the copies', async () => {
    const [batch, f, n] = [3, 5, 4];
    await runLayerTest({
      layer: layers.repeatVector({ n }),
      inputShape: [f],
      batch,
      reference: (x) => Float64Array.from({ length: batch * n * f }, (_, i) => x[Math.floor(i / (n * f)) * f + (i % f)]),
    });
  });

  it('rejects non-vector inputs and a bad n', () => {
    expect(() => layers.repeatVector({ n: 2 }).apply(input({ shape: [3, 4] }))).toThrow(/\(RepeatVector\) cannot take input shape \[3,4\]: expected \[features\]/);
    expect(() => layers.repeatVector({ n: 0 })).toThrow(/RepeatVector: n must be a positive integer/);
  });
});

describe('PReLU', () => {
  it('learns a slope per element of a sample', async () => {
    const layer = layers.prelu();
    await runLayerTest({
      layer,
      inputShape: [3, 5],
      batch: 4,
      afterBuild: () => layer.setWeights([Float32Array.from({ length: 15 }, (_, i) => (i - 7) / 10)]),
      reference: (x, [alpha]) => x.map((v, i) => (v > 0 ? v : alpha[i % 15] * v)),
    });
  });
});
