// What the demo offers to train: the seed's examples from the library, plus 28×28×1 versions of
// the conv and denoising autoencoders for Fashion-MNIST (the library's take 64×64×3 photos). The
// page is built from this list alone: a new example is one more entry.
import { buildVae, examples, input, layers, model, type Example, type Model, type SymbolicTensor } from '../src/index.js';
import type { VaeParts } from './plane.js';

export interface DemoExample {
  id: string;
  label: string;
  description: string;
  data: Example['data'];
  /** Height, width, channels of one image. */
  image: [number, number, number];
  /** The page's defaults: sized so that the first run shows its result within seconds. */
  samples: number;
  epochs: number;
  batchSize: number;
  noise?: number;
  /** A trained model shipped with the page (public/models/<id>/), so a visitor can explore without training first. */
  shipped?: string;
  /** The loss's name for the chart's axis, where the model's loss is a function. */
  lossName?: string;
  build(): Model;
}

/** The VAE's hidden width: 64 keeps the shipped model small (~400 kB) and in-page training quick. */
export const VAE_HIDDEN = 64;
const vaes = new WeakMap<Model, VaeParts>();

/** The encoder and decoder of a VAE built by the demo (they share its layers), or null for any other model. */
export function vaeParts(m: Model): VaeParts | null {
  return vaes.get(m) ?? null;
}

type Apply = { apply(t: SymbolicTensor): SymbolicTensor };
const chain = (x: SymbolicTensor, ...ls: Apply[]) => ls.reduce((t, l) => l.apply(t), x);
const conv = (filters: number, activation: 'relu' | 'sigmoid' = 'relu', padding: 'same' | 'valid' = 'same') =>
  layers.conv2d({ filters, kernelSize: 3, activation, padding });
const pool = () => layers.maxPooling2d({ poolSize: 2, padding: 'same' });
const up = () => layers.upSampling2d({ size: 2 });

function compiled(name: string, x: SymbolicTensor, y: SymbolicTensor): Model {
  const m = model({ inputs: x, outputs: y, name });
  // Adam rather than the Keras blog's Adadelta: it gets somewhere within the few epochs a demo runs.
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return m;
}

/**
 * A library example with the page's defaults. `adam`: train with Adam instead of the seed's
 * Adadelta, which needs far more steps than a demo runs before the reconstructions look like
 * clothing (grey ovals until then).
 */
const fromLibrary = (e: Example, label: string, defaults: Pick<DemoExample, 'samples' | 'epochs' | 'batchSize'>, adam = false): DemoExample => ({
  id: e.name,
  label,
  description: adam ? `${e.description.replace('adadelta', 'adam')} (the seed’s Adadelta needs many more steps than a demo runs)` : e.description,
  data: e.data,
  image: e.data === 'photos' ? [64, 64, 3] : [28, 28, 1],
  ...defaults,
  noise: e.noise,
  build: () => {
    const m = e.build();
    if (adam) m.compile({ optimizer: 'adam', loss: m.loss! });
    return m;
  },
});

export const demoExamples: DemoExample[] = [
  { ...fromLibrary(examples.shallow, 'Shallow (784→32→784)', { samples: 6000, epochs: 5, batchSize: 32 }, true), shipped: 'shallow' },
  fromLibrary(examples.sparse, 'Sparse (L1 on the code)', { samples: 6000, epochs: 5, batchSize: 32 }, true),
  fromLibrary(examples['deep-fashion'], 'Deep (784→128→64→32→…)', { samples: 6000, epochs: 5, batchSize: 32 }, true),
  fromLibrary(examples.contractive, 'Contractive (784→64→784)', { samples: 6000, epochs: 5, batchSize: 32 }),
  {
    id: 'conv-fashion',
    label: 'Convolutional (28×28)',
    description: 'Conv16→Pool→Conv8→Pool→Conv8→Pool (4×4×8 code) →Conv8→Up→Conv8→Up→Conv16(valid)→Up→Conv1(sigmoid): the Keras blog’s conv autoencoder, adam, binary cross-entropy',
    data: 'fashion-mnist', image: [28, 28, 1], samples: 2000, epochs: 3, batchSize: 64,
    build() {
      const x = input({ shape: [28, 28, 1] });
      return compiled('conv_fashion', x, chain(x, conv(16), pool(), conv(8), pool(), conv(8), pool(), conv(8), up(), conv(8), up(), conv(16, 'relu', 'valid'), up(), conv(1, 'sigmoid')));
    },
  },
  {
    id: 'denoising-fashion',
    label: 'Denoising (28×28)',
    description: 'trained on noisy inputs (0.5·N(0,1), clipped) against clean targets: Conv32→Pool→Conv32→Pool (7×7×32) →Conv32→Up→Conv32→Up→Conv1(sigmoid), adam, binary cross-entropy',
    data: 'fashion-mnist', image: [28, 28, 1], samples: 2000, epochs: 3, batchSize: 64, noise: 0.5,
    build() {
      const x = input({ shape: [28, 28, 1] });
      return compiled('denoising_fashion', x, chain(x, conv(32), pool(), conv(32), pool(), conv(32), up(), conv(32), up(), conv(1, 'sigmoid')));
    },
  },
  fromLibrary(examples.unet, 'U-Net denoiser (28×28, skips)', { samples: 2000, epochs: 3, batchSize: 64 }),
  {
    id: 'vae',
    label: 'Variational (2-D latent plane)',
    description: `784→${VAE_HIDDEN}→(zMean, zLogVar: 2)→sampling→${VAE_HIDDEN}→784: a variational autoencoder whose code is a point on a plane; adam, loss = reconstruction (binary cross-entropy summed over the pixels) + KL divergence from N(0, I)`,
    data: 'fashion-mnist', image: [28, 28, 1], samples: 6000, epochs: 10, batchSize: 64,
    shipped: 'vae',
    lossName: 'loss (reconstruction + KL)',
    build() {
      const { vae, encoder, decoder } = buildVae({ hidden: VAE_HIDDEN });
      vaes.set(vae, { encoder, decoder });
      return vae;
    },
  },
  fromLibrary(examples.deep, 'Deep dense (64×64 photos)', { samples: Infinity, epochs: 5, batchSize: 20 }),
  fromLibrary(examples.conv, 'Convolutional (64×64 photos)', { samples: Infinity, epochs: 3, batchSize: 20 }),
  fromLibrary(examples.denoising, 'Denoising (64×64 photos)', { samples: Infinity, epochs: 3, batchSize: 20 }),
];

export function demoExample(id: string): DemoExample {
  const e = demoExamples.find((d) => d.id === id);
  if (!e) throw new Error(`unknown example '${id}'`);
  return e;
}
