// The variational autoencoder (Kingma & Welling 2014) of the Keras examples, as a functional
// model: an encoder with two heads (zMean, zLogVar) and a Sampling layer, a decoder model, and the
// two composed. Its loss is the reconstruction term (binary cross-entropy summed over the pixels,
// a custom loss) plus the KL divergence of q(z|x) from N(0, I), added with addLoss; History
// reports both (kl_loss and reconstruction_loss) beside their sum.
import { input, type SymbolicTensor } from './graph.js';
import * as layers from './layers/index.js';
import { add, clipByValue, exp, log, mean, mul, square, sub, sum, type TensorArg } from './math.js';
import { model, type Model } from './model.js';
import { optimizers } from './optimizers.js';
import type { Tensor } from './tensor.js';

export interface VaeOptions {
  /** Values per sample (784 for Fashion-MNIST's 28×28 pixels). */
  originalDim?: number;
  hidden?: number;
  latentDim?: number;
  learningRate?: number;
}

export interface Vae {
  vae: Model;
  /** x → [zMean, zLogVar, z]. */
  encoder: Model<SymbolicTensor[]>;
  /** z → x̂. */
  decoder: Model;
}

/** Binary cross-entropy summed over each sample's values, averaged over the batch (TF.js clips p to [1e-7, 1 - 1e-7]). */
export function reconstructionLoss(yTrue: Tensor, yPred: Tensor): Tensor {
  const p = clipByValue(yPred, 1e-7, 1 - 1e-7);
  const perValue = add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p))));
  return mul(-1, mean(sum(perValue, -1)));
}

/** KL(N(zMean, exp(zLogVar)) ‖ N(0, I)), summed over the latent dimensions, averaged over the batch. */
export function klLoss(zMean: TensorArg, zLogVar: TensorArg): Tensor {
  return mul(-0.5, mean(sum(sub(add(1, zLogVar), add(square(zMean), exp(zLogVar))), -1)));
}

/** A fresh, compiled VAE (adam), with its encoder and decoder sharing its layers. */
export function buildVae({ originalDim = 784, hidden = 512, latentDim = 2, learningRate = 1e-3 }: VaeOptions = {}): Vae {
  const x = input({ shape: [originalDim], name: 'encoder_input' });
  const h = layers.dense({ units: hidden, activation: 'relu', name: 'encoder_hidden' }).apply(x);
  const zMean = layers.dense({ units: latentDim, name: 'z_mean' }).apply(h);
  const zLogVar = layers.dense({ units: latentDim, name: 'z_log_var' }).apply(h);
  const z = layers.sampling({ name: 'z' }).apply([zMean, zLogVar]);
  const encoder = model({ inputs: x, outputs: [zMean, zLogVar, z], name: 'encoder' });

  const latent = input({ shape: [latentDim], name: 'z_sampling' });
  const d = layers.dense({ units: hidden, activation: 'relu', name: 'decoder_hidden' }).apply(latent);
  const decoded = layers.dense({ units: originalDim, activation: 'sigmoid', name: 'decoder_output' }).apply(d);
  const decoder = model({ inputs: latent, outputs: decoded, name: 'decoder' });

  const [m, v, sampled] = encoder.applyAll(x);
  const vae = model({ inputs: x, outputs: decoder.apply(sampled), name: 'vae' });
  vae.addLoss(() => klLoss(m, v), 'kl_loss');
  vae.compile({ optimizer: optimizers.adam({ learningRate }), loss: reconstructionLoss });
  return { vae, encoder, decoder };
}
