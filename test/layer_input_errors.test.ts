// Issue 13's bad inputs that the layer files' own tests leave out: each is a clear error at apply(),
// before any GPU work, naming the layer and the shape (and the option that does not fit).
import { describe, expect, it } from 'vitest';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';

const at = (shape: number[]) => input({ shape });

describe('windows, crops and axes that do not fit the input', () => {
  it('a pooling window larger than the input with valid padding (2-D and 1-D)', () => {
    expect(() => layers.maxPooling2d({ poolSize: 5, name: 'mp' }).apply(at([3, 4, 1]))).toThrow(/layer 'mp' \(MaxPooling2D\) cannot take input shape \[3,4,1\]: .*pool \[5,5\] is larger than the input/);
    expect(() => layers.averagePooling2d({ poolSize: [2, 6], name: 'ap' }).apply(at([3, 4, 1]))).toThrow(/layer 'ap' \(AveragePooling2D\) cannot take input shape \[3,4,1\]: .*pool \[2,6\] is larger/);
    expect(() => layers.maxPooling1d({ poolSize: 5, name: 'mp1' }).apply(at([3, 2]))).toThrow(/layer 'mp1' \(MaxPooling1D\) cannot take input shape \[3,2\]: .*larger than the input/);
    expect(() => layers.averagePooling1d({ poolSize: 4, name: 'ap1' }).apply(at([3, 2]))).toThrow(/layer 'ap1' \(AveragePooling1D\) cannot take input shape \[3,2\]/);
  });

  it('a crop wider than the input (columns), and a crop of a sequence', () => {
    expect(() => layers.cropping2d({ cropping: [[0, 0], [3, 3]], name: 'cr' }).apply(at([3, 5, 2]))).toThrow(/layer 'cr' \(Cropping2D\) cannot take input shape \[3,5,2\]: cropping \[\[0,0\],\[3,3\]\] removes 0 of 3 rows and 6 of 5 columns/);
    expect(() => layers.cropping2d({ cropping: 1, name: 'cr1' }).apply(at([8, 2]))).toThrow(/layer 'cr1' \(Cropping2D\) cannot take input shape \[8,2\]/);
  });

  it('BatchNormalization on the batch axis or an axis the input lacks', () => {
    expect(() => layers.batchNormalization({ axis: 0 }).apply(at([3, 2]))).toThrow(/axis 0 is the batch axis/);
    expect(() => layers.batchNormalization({ axis: 2, name: 'bn' }).apply(at([5]))).toThrow(/layer 'bn' \(BatchNormalization\) cannot take input shape \[5\]: axis 2 does not exist/);
  });

  it('2-D image layers given a sequence, 1-D layers given a vector', () => {
    for (const layer of [layers.upSampling2d(), layers.zeroPadding2d(), layers.globalMaxPooling2d(), layers.conv2d({ filters: 1, kernelSize: 1 }), layers.maxPooling2d()]) {
      expect(() => layer.apply(at([6, 2])), layer.className).toThrow(new RegExp(`\\(${layer.className}\\) cannot take input shape \\[6,2\\]`));
    }
    for (const layer of [layers.conv1d({ filters: 1, kernelSize: 2 }), layers.upSampling1d(), layers.maxPooling1d()]) {
      expect(() => layer.apply(at([6])), layer.className).toThrow(new RegExp(`\\(${layer.className}\\) cannot take input shape \\[6\\]: expected \\[steps, channels\\]`));
    }
  });

  it('outputPadding ≥ stride is refused when the layer is made, before any apply()', () => {
    expect(() => layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, outputPadding: 3 })).toThrow(/Conv2DTranspose: outputPadding 3 must be smaller than the strides \[2,2\] \(Keras's rule\), got 3 ≥ 2/);
  });
});
