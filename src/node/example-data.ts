// The data an example trains on, as `wgslnet train` loads it: Fashion-MNIST (uint8, flattened,
// scaled by 1/255 on the GPU) or the 64×64×3 photo patches (a seeded train/test split), with the
// denoiser's noisy inputs. Shared by the CLI and scripts/compare-tfjs.mjs.
import type { Example } from '../examples.js';
import type { HostTensor } from '../tensor.js';
import { addGaussianNoise, flatten, take, toFloat, trainTestSplit } from '../data/transforms.js';
import { datasets } from './datasets.js';

export interface ExampleData {
  xTrain: HostTensor;
  xTest: HostTensor;
  /** Inputs differ from the targets only for the denoiser. */
  xTrainIn: HostTensor;
  xTestIn: HostTensor;
  /** Multiplies the data on upload (1/255 for uint8 pixels). */
  scale: number;
  /** Per-sample image shape for pictures: [28, 28] or [64, 64, 3]. */
  imageShape: number[];
}

/** Loads an example's data; `samples` caps the training set (an error names the data's size when too large). */
export async function loadExampleData(example: Example, samples: number | undefined, seed: number): Promise<ExampleData> {
  let xTrain: HostTensor;
  let xTest: HostTensor;
  let scale = 1;
  let imageShape: number[];
  if (example.data === 'fashion-mnist') {
    const fm = await datasets.fashionMnist.load();
    if (samples !== undefined && samples > fm.xTrain.shape[0]) throw new RangeError(`--samples ${samples} is larger than the ${fm.xTrain.shape[0]} Fashion-MNIST training images`);
    const n = samples ?? fm.xTrain.shape[0];
    xTrain = flatten(take(fm.xTrain, n));
    xTest = flatten(take(fm.xTest, Math.min(fm.xTest.shape[0], Math.max(100, Math.ceil(n / 6)))));
    scale = 1 / 255;
    imageShape = [28, 28];
    // Conv models take the images as [n, 28, 28, 1]: the same bytes, another shape.
    if (example.inputShape.length > 1) [xTrain, xTest] = [xTrain, xTest].map((x) => ({ ...x, shape: [x.shape[0], ...example.inputShape] }));
  } else {
    const { images } = await datasets.photos.load({ size: [64, 64] });
    if (samples !== undefined && samples > images.shape[0]) throw new RangeError(`--samples ${samples} is larger than the ${images.shape[0]} photos`);
    // Split the whole (shuffled) set first, so that a small --samples still mixes every photo.
    [xTrain, xTest] = trainTestSplit(images, { testSize: 0.2, seed });
    if (samples !== undefined) {
      const nTrain = Math.max(1, Math.round(samples * 0.8));
      xTrain = take(xTrain, nTrain);
      xTest = take(xTest, Math.max(1, samples - nTrain));
    }
    imageShape = [64, 64, 3];
    if (example.inputShape.length === 1) [xTrain, xTest] = [flatten(xTrain), flatten(xTest)];
  }
  if (!example.noise) return { xTrain, xTest, xTrainIn: xTrain, xTestIn: xTest, scale, imageShape };
  // The denoiser's inputs: noise added once (as the seed did), clipped to [0, 1].
  const float = (x: HostTensor) => (scale === 1 ? x : toFloat(x, scale));
  const noisy = (x: HostTensor, s: number) => addGaussianNoise(float(x), { factor: example.noise, seed: s });
  return { xTrain: float(xTrain), xTest: float(xTest), xTrainIn: noisy(xTrain, seed), xTestIn: noisy(xTest, seed + 1), scale: 1, imageShape };
}
