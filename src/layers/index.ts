// The layer factories, in TF.js's spelling: layers.dense({ units: 32, activation: 'relu' }).
export { dense, Dense } from './dense.js';
export { conv2d, Conv2D } from './conv2d.js';
export { conv2dTranspose, Conv2DTranspose } from './conv2d_transpose.js';
export { maxPooling2d, MaxPooling2D } from './max_pooling2d.js';
export { averagePooling2d, AveragePooling2D } from './average_pooling2d.js';
export { upSampling2d, UpSampling2D } from './up_sampling2d.js';
export { flatten, Flatten } from './flatten.js';
export { reshape, Reshape } from './reshape.js';
export { activation, Activation } from './activation.js';
export { gaussianNoise, GaussianNoise } from './gaussian_noise.js';
export { dropout, Dropout } from './dropout.js';
export { batchNormalization, BatchNormalization } from './batch_normalization.js';
export { layerNormalization, LayerNormalization } from './layer_normalization.js';
export { reLU, ReLU } from './re_lu.js';
export { leakyReLU, LeakyReLU } from './leaky_re_lu.js';
export { elu, ELU } from './elu.js';
export { prelu, PReLU } from './prelu.js';
export { softmax, Softmax } from './softmax.js';
export { globalAveragePooling2d, GlobalAveragePooling2D } from './global_average_pooling2d.js';
export { globalMaxPooling2d, GlobalMaxPooling2D } from './global_max_pooling2d.js';
export { zeroPadding2d, ZeroPadding2D } from './zero_padding2d.js';
export { cropping2d, Cropping2D } from './cropping2d.js';
export { conv1d, Conv1D } from './conv1d.js';
export { maxPooling1d, MaxPooling1D } from './max_pooling1d.js';
export { averagePooling1d, AveragePooling1D } from './average_pooling1d.js';
export { upSampling1d, UpSampling1D } from './up_sampling1d.js';
export { repeatVector, RepeatVector } from './repeat_vector.js';
export { add, subtract, multiply, average, maximum, minimum, concatenate, Merge, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate } from './merge.js';
export { InputLayer } from './input_layer.js';
export { Layer, Weight } from './layer.js';
export { registerLayer } from './registry.js';

import { Dense } from './dense.js';
import { Conv2D } from './conv2d.js';
import { Conv2DTranspose } from './conv2d_transpose.js';
import { MaxPooling2D } from './max_pooling2d.js';
import { AveragePooling2D } from './average_pooling2d.js';
import { UpSampling2D } from './up_sampling2d.js';
import { Flatten } from './flatten.js';
import { Reshape } from './reshape.js';
import { Activation } from './activation.js';
import { GaussianNoise } from './gaussian_noise.js';
import { Dropout } from './dropout.js';
import { BatchNormalization } from './batch_normalization.js';
import { LayerNormalization } from './layer_normalization.js';
import { ReLU } from './re_lu.js';
import { LeakyReLU } from './leaky_re_lu.js';
import { ELU } from './elu.js';
import { PReLU } from './prelu.js';
import { Softmax } from './softmax.js';
import { GlobalAveragePooling2D } from './global_average_pooling2d.js';
import { GlobalMaxPooling2D } from './global_max_pooling2d.js';
import { ZeroPadding2D } from './zero_padding2d.js';
import { Cropping2D } from './cropping2d.js';
import { Conv1D } from './conv1d.js';
import { MaxPooling1D } from './max_pooling1d.js';
import { AveragePooling1D } from './average_pooling1d.js';
import { UpSampling1D } from './up_sampling1d.js';
import { RepeatVector } from './repeat_vector.js';
import { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate } from './merge.js';
import { InputLayer } from './input_layer.js';
import type { LayerClass } from './layer.js';

/** The layer classes a saved model may name: a new built-in layer adds itself here (and nowhere else in io). */
export const BUILTIN_LAYERS: readonly LayerClass[] = [
  InputLayer, Dense, Conv2D, Conv2DTranspose, MaxPooling2D, AveragePooling2D, UpSampling2D, Flatten, Reshape, Activation, GaussianNoise, Dropout, BatchNormalization, LayerNormalization, ReLU, LeakyReLU, ELU, PReLU, Softmax, GlobalAveragePooling2D, GlobalMaxPooling2D, ZeroPadding2D, Cropping2D, Conv1D, MaxPooling1D, AveragePooling1D, UpSampling1D, RepeatVector, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
];
