// Every layer through the shared harness: output shape, forward against float64, backward
// (input and weight gradients) against finite differences of the float64 reference.
import { beforeAll, describe, expect, it } from 'vitest';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';
import type { ActivationName } from '../src/ops/activation.js';
import { setup } from './helpers.js';
import { runLayerTest } from './layer_harness.js';
import { activate } from './reference/activation.js';
import { conv2d as convRef, conv2dTranspose as convTRef, type Shape4 } from './reference/conv2d.js';
import { maxPool, avgPool } from './reference/pooling.js';
import { upsample } from './reference/upsampling.js';
import { softmax as softmaxRef } from './reference/softmax.js';
import { matmul as matmulRef } from './reference/matmul.js';

beforeAll(setup);

const ALPHA: Partial<Record<ActivationName, number>> = { leakyRelu: 0.3, elu: 1 };
const act = (name: ActivationName, v: Float64Array) => v.map((x) => activate(name, x, ALPHA[name] ?? 0));

/** y[b, f] += bias[f] for rows of length f. */
function addBias(y: Float64Array, bias: Float64Array): Float64Array {
  return y.map((v, i) => v + bias[i % bias.length]);
}

describe('Dense', () => {
  const cases: [number, number, number, ActivationName][] = [
    [1, 1, 1, 'linear'], [3, 7, 5, 'relu'], [2, 33, 9, 'sigmoid'], [4, 5, 17, 'tanh'], [1, 6, 3, 'elu'], [2, 4, 4, 'softplus'], [3, 3, 2, 'leakyRelu'],
  ];
  it.each(cases)('batch %i, %i → %i, %s', async (batch, inUnits, units, activation) => {
    await runLayerTest({
      layer: layers.dense({ units, activation, biasInitializer: 'randomNormal' }),
      inputShape: [inUnits],
      batch,
      reference: (x, [w, b]) => act(activation, addBias(matmulRef(x, w, batch, inUnits, units), b)),
    });
  });

  it('without bias', async () => {
    await runLayerTest({ layer: layers.dense({ units: 3, useBias: false }), inputShape: [4], batch: 2, reference: (x, [w]) => matmulRef(x, w, 2, 4, 3) });
  });

  it('rejects an input it cannot take, naming the layer and the shape', () => {
    const d = layers.dense({ units: 3, name: 'enc' });
    // Rank > 2 applies to the last axis (Keras), so [4, 4] is fine; what it was built for is not negotiable.
    d.apply(input({ shape: [5] }));
    expect(() => d.apply(input({ shape: [6] }))).toThrow(/layer 'enc' \(Dense\) was built for input shape \[5\] and cannot take \[6\]/);
  });
});

describe('Conv2D', () => {
  const cases: [Shape4, number, number, number, 'same' | 'valid', ActivationName][] = [
    [[1, 5, 5, 1], 2, 3, 1, 'same', 'relu'],
    [[2, 7, 5, 3], 4, 3, 2, 'same', 'sigmoid'],
    [[1, 6, 6, 2], 3, 2, 1, 'same', 'linear'],
    [[2, 8, 7, 3], 2, 3, 2, 'valid', 'tanh'],
    [[1, 1, 1, 3], 2, 1, 1, 'valid', 'linear'],
  ];
  it.each(cases)('x %j, %i filters, kernel %i, stride %i, %s, %s', async (xShape, filters, k, s, padding, activation) => {
    const kShape: Shape4 = [k, k, xShape[3], filters];
    await runLayerTest({
      layer: layers.conv2d({ filters, kernelSize: k, strides: s, padding, activation, biasInitializer: 'randomNormal' }),
      inputShape: xShape.slice(1),
      batch: xShape[0],
      reference: (x, [w, b]) => act(activation, addBias(convRef(x, xShape, w, kShape, { strides: [s, s], padding }), b)),
    });
  });

  it.each([
    [[2, 7, 6, 3], 2, [3, 2], [2, 3], 'same', 'relu'],
    [[1, 8, 5, 2], 3, [2, 3], [3, 1], 'valid', 'tanh'],
  ] as [Shape4, number, [number, number], [number, number], 'same' | 'valid', ActivationName][])('x %j, %i filters, kernel %j, dilationRate %j, %s, %s', async (xShape, filters, k, dilation, padding, activation) => {
    const kShape: Shape4 = [...k, xShape[3], filters];
    await runLayerTest({
      layer: layers.conv2d({ filters, kernelSize: k, dilationRate: dilation, padding, activation, biasInitializer: 'randomNormal' }),
      inputShape: xShape.slice(1),
      batch: xShape[0],
      reference: (x, [w, b]) => act(activation, addBias(convRef(x, xShape, w, kShape, { strides: [1, 1], padding, dilation }), b)),
    });
  });

  it('rejects a kernel larger than a valid input, and dilation with strides > 1 (Keras), naming the layer', () => {
    expect(() => layers.conv2d({ filters: 1, kernelSize: 5, name: 'c5' }).apply(input({ shape: [3, 3, 1] }))).toThrow(/layer 'c5' \(Conv2D\) cannot take input shape \[3,3,1\]/);
    expect(() => layers.conv2d({ filters: 1, kernelSize: 3, dilationRate: 2, name: 'd2' }).apply(input({ shape: [4, 9, 1] }))).toThrow(/layer 'd2' \(Conv2D\) cannot take input shape \[4,9,1\]: .*dilated by \[2,2\]: \[5,5\]/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, strides: [1, 2], dilationRate: [2, 1] })).toThrow(/Conv2D: dilationRate \[2,1\] cannot be combined with strides \[1,2\] > 1 \(Keras's rule\)/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 0 })).toThrow(/Conv2D: dilationRate must be a positive integer/);
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/Conv1D: dilationRate 2 cannot be combined with strides 2 > 1 \(Keras's rule\)/);
    expect(() => layers.conv2dTranspose({ filters: 2, kernelSize: 3, dilationRate: 2 } as never)).toThrow(/Conv2DTranspose.*dilationRate/);
  });
});

describe('Conv2DTranspose', () => {
  const cases: [Shape4, number, number, number, 'same' | 'valid'][] = [
    [[1, 3, 3, 2], 3, 3, 2, 'same'],
    [[2, 4, 3, 1], 2, 2, 2, 'valid'],
    [[1, 2, 2, 3], 2, 3, 1, 'valid'],
  ];
  it.each(cases)('x %j, %i filters, kernel %i, stride %i, %s', async (xShape, filters, k, s, padding) => {
    const kShape: Shape4 = [k, k, filters, xShape[3]];
    await runLayerTest({
      layer: layers.conv2dTranspose({ filters, kernelSize: k, strides: s, padding, activation: 'relu', biasInitializer: 'randomNormal' }),
      inputShape: xShape.slice(1),
      batch: xShape[0],
      reference: (x, [w, b]) => act('relu', addBias(convTRef(x, xShape, w, kShape, { strides: [s, s], padding }), b)),
    });
  });
});

describe('pooling and upsampling', () => {
  it.each([
    [[2, 6, 5, 3], 2, 2, 'valid'],
    [[1, 5, 5, 2], 3, 2, 'same'],
    [[1, 4, 4, 1], 1, 1, 'valid'],
  ] as [Shape4, number, number, 'same' | 'valid'][])('MaxPooling2D x %j pool %i stride %i %s', async (xShape, pool, stride, padding) => {
    const p = { shape: xShape, pool: [pool, pool] as [number, number], strides: [stride, stride] as [number, number], padding };
    await runLayerTest({
      layer: layers.maxPooling2d({ poolSize: pool, strides: stride, padding }),
      inputShape: xShape.slice(1),
      batch: xShape[0],
      reference: (x) => Float64Array.from(maxPool(x, p).y),
    });
  });

  it.each([
    [[2, 6, 5, 3], 2, 2, 'valid'],
    [[1, 5, 5, 2], 3, 2, 'same'],
  ] as [Shape4, number, number, 'same' | 'valid'][])('AveragePooling2D x %j pool %i stride %i %s', async (xShape, pool, stride, padding) => {
    const p = { shape: xShape, pool: [pool, pool] as [number, number], strides: [stride, stride] as [number, number], padding };
    await runLayerTest({
      layer: layers.averagePooling2d({ poolSize: pool, strides: stride, padding }),
      inputShape: xShape.slice(1),
      batch: xShape[0],
      reference: (x) => Float64Array.from(avgPool(x, p)),
    });
  });

  it.each([[2, 2], [1, 3], [3, 2]] as [number, number][])('UpSampling2D size (%i, %i)', async (sh, sw) => {
    const xShape: Shape4 = [2, 3, 2, 3];
    await runLayerTest({
      layer: layers.upSampling2d({ size: [sh, sw] }),
      inputShape: xShape.slice(1),
      batch: 2,
      reference: (x) => Float64Array.from(upsample(x, xShape, [sh, sw])),
    });
  });
});

describe('shape and activation layers', () => {
  it('Flatten', async () => {
    await runLayerTest({ layer: layers.flatten(), inputShape: [3, 2, 2], batch: 2, reference: (x) => x });
  });

  it('Reshape', async () => {
    await runLayerTest({ layer: layers.reshape({ targetShape: [2, 6] }), inputShape: [12], batch: 3, reference: (x) => x });
    expect(() => layers.reshape({ targetShape: [5], name: 'r' }).apply(input({ shape: [4] }))).toThrow(/layer 'r' \(Reshape\) cannot take input shape \[4\]/);
  });

  it.each(['relu', 'sigmoid', 'tanh', 'elu'] as ActivationName[])('Activation %s', async (name) => {
    await runLayerTest({ layer: layers.activation({ activation: name }), inputShape: [7], batch: 3, reference: (x) => act(name, x) });
  });

  it('Activation softmax', async () => {
    await runLayerTest({ layer: layers.activation({ activation: 'softmax' }), inputShape: [2, 5], batch: 2, reference: (x) => Float64Array.from(softmaxRef(x, 5)) });
  });

  it('GaussianNoise and Dropout are the identity at inference', async () => {
    await runLayerTest({ layer: layers.gaussianNoise({ stddev: 0.5 }), inputShape: [9], batch: 2, reference: (x) => x });
    await runLayerTest({ layer: layers.dropout({ rate: 0.5 }), inputShape: [9], batch: 2, reference: (x) => x });
  });
});
