// Layer options are checked when a layer is constructed, as TF.js does for names, and stricter than
// TF.js for options it would ignore: an unknown option or name is an error before any GPU work.
import { describe, expect, it } from 'vitest';
import { layers } from '../src/index.js';

describe('layer options', () => {
  it('reject unknown activation, initializer and padding names at construction', () => {
    expect(() => layers.dense({ units: 2, activation: 'rellu' as never })).toThrow(/dense: unknown activation 'rellu'; expected one of linear, relu/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, activation: 'sigmoidd' as never })).toThrow(/Conv2D: unknown activation 'sigmoidd'/);
    expect(() => layers.conv2dTranspose({ filters: 2, kernelSize: 3, kernelInitializer: 'glorot' as never })).toThrow(/Conv2DTranspose: kernelInitializer: unknown initializer 'glorot'/);
    expect(() => layers.dense({ units: 2, biasInitializer: 'zero' as never })).toThrow(/dense: biasInitializer: unknown initializer 'zero'/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/padding must be 'same' or 'valid', got 'full'/);
    expect(() => layers.maxPooling2d({ padding: 'causal' as never })).toThrow(/MaxPooling2D: padding must be 'valid' or 'same', got "causal"/);
    expect(() => layers.activation({ activation: 'swish' as never })).toThrow(/Activation: unknown activation 'swish'/);
    expect(layers.activation({ activation: 'softmax' }).activation).toBe('softmax');
  });

  it('reject options a layer does not know', () => {
    expect(() => layers.dense({ units: 2, kernelInitialiser: 'zeros' } as never)).toThrow(/dense: unknown option 'kernelInitialiser'; it takes units, activation/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' } as never)).toThrow(/Conv2D: unknown option 'dataFormat'/);
    expect(() => layers.averagePooling2d({ pool: 2 } as never)).toThrow(/AveragePooling2D: unknown option 'pool'/);
    expect(() => layers.dropout({ rate: 0.5, noiseShape: [1] } as never)).toThrow(/Dropout: unknown option 'noiseShape'/);
    expect(() => layers.flatten({ dataFormat: 'channelsLast' } as never)).toThrow(/Flatten: unknown option 'dataFormat'/);
    expect(() => layers.reshape({ targetShape: [2], shape: [2] } as never)).toThrow(/Reshape: unknown option 'shape'/);
    expect(() => layers.gaussianNoise({ stddev: 0.1, seed: 1 } as never)).toThrow(/GaussianNoise: unknown option 'seed'/);
    // The options every layer takes still pass.
    expect(layers.dense({ units: 2, name: 'd_opts', trainable: false, inputShape: [3], activityRegularizer: { l1: 0.1 } }).name).toBe('d_opts');
  });

  it("refuse an upSampling2d interpolation it does not compute instead of computing nearest-neighbour", () => {
    expect(() => layers.upSampling2d({ interpolation: 'bicubic' } as never)).toThrow(/UpSampling2D: interpolation "bicubic" is not supported; it takes 'nearest' or 'bilinear'/);
    expect(layers.upSampling2d({ interpolation: 'nearest' }).getConfig()).toMatchObject({ interpolation: 'nearest' });
    expect(layers.upSampling2d({ interpolation: 'bilinear' }).getConfig()).toMatchObject({ interpolation: 'bilinear' });
  });
});
