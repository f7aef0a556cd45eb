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
export { InputLayer } from './input_layer.js';
export { Layer, Weight } from './layer.js';
