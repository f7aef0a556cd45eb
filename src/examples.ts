// The seed chapter's autoencoders, with its architectures and hyperparameters. Browser-safe:
// the CLI (wgslnet/node) and the demo page build the same models from here.
import { input, type SymbolicTensor } from './graph.js';
import * as layers from './layers/index.js';
import type { DenseConfig } from './layers/dense.js';
import { model, type Model } from './model.js';
import { optimizers } from './optimizers.js';

export type ExampleName = 'shallow' | 'sparse' | 'deep' | 'deep-fashion' | 'conv' | 'denoising' | 'contractive' | 'unet';

export interface Example {
  name: ExampleName;
  description: string;
  /** Fashion-MNIST (28×28 grey; flattened to 784 unless inputShape is [28, 28, 1]) or the 64×64×3 colour photos. */
  data: 'fashion-mnist' | 'photos';
  /** Per-sample input shape the model takes. */
  inputShape: number[];
  epochs: number;
  batchSize: number;
  /** Gaussian noise factor on the inputs (the denoising autoencoder), clipped to [0, 1]. */
  noise?: number;
  /** A fresh, compiled model. */
  build(): Model;
  /**
   * The same architecture with BatchNormalization between each hidden convolution and its relu
   * (`wgslnet train <name> --batch-norm` trains both and prints their test losses side by side).
   */
  buildBatchNorm?(): Model;
}

// The seed's optimizer='adadelta' comes from Keras 2.0, whose Adadelta defaulted to lr = 1.0;
// TF 2's default of 0.001 barely moves this model in 50 epochs, so the examples use 1.0 as the
// original did.
const adadelta = () => optimizers.adadelta({ learningRate: 1 });

function dense(units: number, activation: 'relu' | 'sigmoid', extra: Partial<DenseConfig> = {}) {
  return layers.dense({ units, activation, ...extra });
}

function chain(x: SymbolicTensor, ...ls: { apply(t: SymbolicTensor): SymbolicTensor }[]): SymbolicTensor {
  return ls.reduce((t, l) => l.apply(t), x);
}

/**
 * How the BatchNormalization variants normalize: conv (no bias: beta takes its place) → BN → relu,
 * as Keras's own examples do. Momentum 0.9 rather than Keras's 0.99: the moving averages are what
 * predict and evaluate use, and the short runs here (tens of steps per epoch) would leave 0.99's
 * averages still close to their initial 0 and 1, so the test loss would measure the start values
 * instead of the trained model.
 */
const BN_MOMENTUM = 0.9;

/** A 3×3 `same` convolution with relu, or with BatchNormalization before the relu. */
function convBlock(filters: number, batchNorm: boolean): { apply(t: SymbolicTensor): SymbolicTensor } {
  if (!batchNorm) return layers.conv2d({ filters, kernelSize: 3, activation: 'relu', padding: 'same' });
  const conv = layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false });
  const bn = layers.batchNormalization({ momentum: BN_MOMENTUM });
  const relu = layers.activation({ activation: 'relu' });
  return { apply: (t) => relu.apply(bn.apply(conv.apply(t))) };
}

/** The reconstruction layer: sigmoid, never normalized (its output is the image). */
const outputConv = (channels: number) => layers.conv2d({ filters: channels, kernelSize: 3, activation: 'sigmoid', padding: 'same' });

export interface ConvExampleOptions {
  /** BatchNormalization after every hidden convolution (see BN_MOMENTUM). Default false. */
  batchNorm?: boolean;
}

/** The seed's conv autoencoder, for any image shape [h, w, c] (the seed's is [64, 64, 3]). */
export function convAutoencoder(name: string, imageShape: [number, number, number] = [64, 64, 3], { batchNorm = false }: ConvExampleOptions = {}): Model {
  const x = input({ shape: imageShape });
  const y = chain(
    x,
    convBlock(32, batchNorm),
    layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    convBlock(16, batchNorm),
    layers.maxPooling2d({ poolSize: 1, padding: 'same' }),
    convBlock(16, batchNorm),
    layers.upSampling2d({ size: 2 }),
    outputConv(imageShape[2]),
  );
  const m = model({ inputs: x, outputs: y, name });
  m.compile({ optimizer: optimizers.adam(), loss: 'meanSquaredError' });
  return m;
}

/**
 * A U-Net denoiser for [28, 28, 1]: two levels down (conv → max-pool), a bottleneck conv, two
 * levels up (upsample → concatenate with the same level's encoder features → conv). The skips hand
 * the decoder the full-resolution edges that pooling threw away, so the bottleneck only has to
 * carry what the noise hides. Widths keep it near the seed's conv denoiser in parameters (7,113
 * against 7,409 for that model at 28×28×1, 8,275 at 64×64×3).
 */
export function unet(name = 'unet', imageShape: [number, number, number] = [28, 28, 1], { batchNorm = false }: ConvExampleOptions = {}): Model {
  const x = input({ shape: imageShape });
  const pool = () => layers.maxPooling2d({ poolSize: 2 });
  const up = () => layers.upSampling2d({ size: 2 });
  const skip = (a: SymbolicTensor, b: SymbolicTensor) => layers.concatenate({ axis: -1 }).apply([a, b]);
  const conv = (filters: number) => convBlock(filters, batchNorm);
  const c1 = conv(8).apply(x); // 28×28×8
  const c2 = conv(16).apply(pool().apply(c1)); // 14×14×16
  const bottleneck = conv(16).apply(pool().apply(c2)); // 7×7×16
  const u2 = conv(8).apply(skip(up().apply(bottleneck), c2)); // 14×14×(16+16) → 8
  const u1 = conv(8).apply(skip(up().apply(u2), c1)); // 28×28×(8+8) → 8
  const m = model({ inputs: x, outputs: outputConv(imageShape[2]).apply(u1), name });
  m.compile({ optimizer: optimizers.adam(), loss: 'meanSquaredError' });
  return m;
}

export const examples: Record<ExampleName, Example> = {
  shallow: {
    name: 'shallow', description: '784→32(relu)→784(sigmoid), adadelta, binary cross-entropy, Fashion-MNIST',
    data: 'fashion-mnist', inputShape: [784], epochs: 50, batchSize: 256,
    build() {
      const x = input({ shape: [784] });
      const m = model({ inputs: x, outputs: chain(x, dense(32, 'relu'), dense(784, 'sigmoid')), name: 'shallow' });
      m.compile({ optimizer: adadelta(), loss: 'binaryCrossentropy' });
      return m;
    },
  },
  sparse: {
    name: 'sparse', description: 'shallow with an L1 activity penalty (1e-4) on the 32-unit code',
    data: 'fashion-mnist', inputShape: [784], epochs: 50, batchSize: 256,
    build() {
      const x = input({ shape: [784] });
      const code = dense(32, 'relu', { activityRegularizer: { l1: 1e-4 } });
      const m = model({ inputs: x, outputs: chain(x, code, dense(784, 'sigmoid')), name: 'sparse' });
      m.compile({ optimizer: adadelta(), loss: 'binaryCrossentropy' });
      return m;
    },
  },
  deep: {
    name: 'deep', description: '12288→1024→512→256→512→1024→12288, relu/sigmoid, adam, mse, 64×64×3 photos',
    data: 'photos', inputShape: [12288], epochs: 50, batchSize: 20,
    build() {
      // Written the Keras way: an encoder model and a decoder model, composed as two layers. The
      // weights are the flat chain's (same count, same order), and each half can be used alone.
      const x = input({ shape: [12288] });
      const encoder = model({ inputs: x, outputs: chain(x, dense(1024, 'relu'), dense(512, 'relu'), dense(256, 'relu')), name: 'encoder' });
      const code = input({ shape: [256] });
      const decoder = model({ inputs: code, outputs: chain(code, dense(512, 'relu'), dense(1024, 'relu'), dense(12288, 'sigmoid')), name: 'decoder' });
      const m = model({ inputs: x, outputs: decoder.apply(encoder.apply(x)), name: 'deep' });
      m.compile({ optimizer: optimizers.adam(), loss: 'meanSquaredError' });
      return m;
    },
  },
  'deep-fashion': {
    name: 'deep-fashion', description: '784→128→64→32→64→128→784, relu/sigmoid, adadelta, binary cross-entropy, Fashion-MNIST',
    data: 'fashion-mnist', inputShape: [784], epochs: 50, batchSize: 256,
    build() {
      const x = input({ shape: [784] });
      const y = chain(x, dense(128, 'relu'), dense(64, 'relu'), dense(32, 'relu'), dense(64, 'relu'), dense(128, 'relu'), dense(784, 'sigmoid'));
      const m = model({ inputs: x, outputs: y, name: 'deep_fashion' });
      m.compile({ optimizer: adadelta(), loss: 'binaryCrossentropy' });
      return m;
    },
  },
  conv: {
    name: 'conv', description: 'Conv2D(32)→MaxPool(2)→Conv2D(16)→MaxPool(1)→Conv2D(16)→UpSampling(2)→Conv2D(3, sigmoid), adam, mse, 64×64×3 photos',
    data: 'photos', inputShape: [64, 64, 3], epochs: 50, batchSize: 20,
    build: () => convAutoencoder('conv'),
    buildBatchNorm: () => convAutoencoder('conv_bn', [64, 64, 3], { batchNorm: true }),
  },
  denoising: {
    name: 'denoising', description: 'the conv autoencoder trained on noisy inputs (0.35·N(0,1), clipped) against clean targets',
    data: 'photos', inputShape: [64, 64, 3], epochs: 50, batchSize: 20, noise: 0.35,
    build: () => convAutoencoder('denoising'),
    buildBatchNorm: () => convAutoencoder('denoising_bn', [64, 64, 3], { batchNorm: true }),
  },
  unet: {
    name: 'unet', description: 'U-Net denoiser: Conv8→Pool→Conv16→Pool→Conv16→Up⧺skip→Conv8→Up⧺skip→Conv1(sigmoid), noise 0.35, adam, mse, Fashion-MNIST 28×28×1',
    data: 'fashion-mnist', inputShape: [28, 28, 1], epochs: 20, batchSize: 128, noise: 0.35,
    build: () => unet(),
    buildBatchNorm: () => unet('unet_bn', [28, 28, 1], { batchNorm: true }),
  },
  contractive: {
    name: 'contractive', description: '784→64(sigmoid, contractive penalty λ=1e-4)→784(sigmoid), adam, mse, Fashion-MNIST',
    data: 'fashion-mnist', inputShape: [784], epochs: 50, batchSize: 256,
    build() {
      const x = input({ shape: [784] });
      const m = model({ inputs: x, outputs: chain(x, dense(64, 'sigmoid', { contractive: 1e-4 }), dense(784, 'sigmoid')), name: 'contractive' });
      m.compile({ optimizer: optimizers.adam(), loss: 'meanSquaredError' });
      return m;
    },
  },
};

export function getExample(name: string): Example {
  const example = examples[name as ExampleName];
  if (!example) throw new Error(`unknown example '${name}'; choose one of: ${Object.keys(examples).join(', ')}, compare`);
  return example;
}
