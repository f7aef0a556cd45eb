// `wgslnet train vae`: the variational autoencoder (src/vae.ts) on Fashion-MNIST with a 2-D latent
// space, and the pictures every VAE tutorial shows: reconstructions, the latent plane (the test
// set's zMean, one colour per class, with a legend of the ten class names) and the decoded manifold
// (a 15×15 grid of the decoder's images over the latent plane); with loss.png (total,
// reconstruction and KL per epoch) and history.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { adapterName, setRandomSeed, type HostTensor, type Model, type SymbolicTensor, type Tensor } from '../index.js';
import { buildVae } from '../vae.js';
import { FASHION_MNIST_CLASSES } from '../data/fashion-mnist.js';
import { flatten, take } from '../data/transforms.js';
import { datasets } from './datasets.js';
import { imageGrid, lossPlot, scatterPlot } from './plot.js';
import { writePng } from './image.js';
import type { AnomalyOptions } from './anomaly.js';

/** The command line's options, as for `wgslnet train anomaly`. */
export type VaeOptions = AnomalyOptions;

/** Points per side of the manifold grid, and the latent range it spans (±2 standard deviations of the prior). */
const GRID = 15;
const RANGE = 2;

export async function trainVae(options: VaeOptions): Promise<{ history: Record<string, number[]> }> {
  const { epochs, batchSize, seed, verbose, out } = options;
  const fm = await datasets.fashionMnist.load();
  if (options.samples !== undefined && options.samples > fm.xTrain.shape[0]) throw new RangeError(`--samples ${options.samples} is larger than the ${fm.xTrain.shape[0]} Fashion-MNIST training images`);
  const xTrain = flatten(take(fm.xTrain, options.samples ?? fm.xTrain.shape[0]));
  const nTest = options.samples === undefined ? fm.xTest.shape[0] : Math.min(fm.xTest.shape[0], Math.max(1000, Math.ceil(options.samples / 6)));
  const xTest = flatten(take(fm.xTest, nTest));
  const scale = 1 / 255;
  console.log(`vae: 784→512→(zMean, zLogVar: 2)→sampling→512→784, adam; ${xTrain.shape[0]} training / ${nTest} test images, ${epochs} epochs, batch ${batchSize}`);

  setRandomSeed(seed);
  const { vae, encoder, decoder } = buildVae();
  if (verbose) vae.summary();
  const secondsPerEpoch: number[] = [];
  let t0 = 0;
  const history = await vae.fit(xTrain, xTrain, {
    epochs, batchSize, seed, verbose, scale, validationData: [xTest, xTest],
    callbacks: { onEpochBegin: () => void (t0 = performance.now()), onEpochEnd: () => void secondsPerEpoch.push((performance.now() - t0) / 1000) },
  });

  await mkdir(out, { recursive: true });
  // Reconstructions of the first ten test images (each decoded from a sampled z).
  const first = take(xTest, 10);
  const decoded = (await vae.predict(first, { scale })) as Tensor;
  const images = (t: HostTensor, s: number): HostTensor => ({ data: Float32Array.from(t.data, (v) => v * s), shape: [t.shape[0], 28, 28] });
  const recon = imageGrid([images(first, scale), images({ data: (await decoded.data()) as Float32Array, shape: decoded.shape }, 1)], { labels: ['original', 'reconstructed'] });
  decoded.dispose();
  await writePng(join(out, 'reconstructions.png'), recon.data, recon.width, recon.height);
  await writeLatentPictures(encoder, decoder, xTest, fm.yTest.data.subarray(0, nTest), scale, out);
  const plot = lossPlot(Object.entries(history.history).map(([name, values]) => ({ name, values })), { title: 'vae: loss = reconstruction + KL' });
  await writePng(join(out, 'loss.png'), plot.data, plot.width, plot.height);
  const record = { example: 'vae', adapter: adapterName(), params: vae.countParams(), trainSamples: xTrain.shape[0], testSamples: nTest, secondsPerEpoch, history: history.history };
  await writeFile(join(out, 'history.json'), JSON.stringify(record, null, 2) + '\n');
  const last = (k: string) => history.history[k]?.at(-1)?.toFixed(3);
  console.log(`vae: loss ${last('loss')} = reconstruction ${last('reconstruction_loss')} + KL ${last('kl_loss')} (validation ${last('val_loss')})`);
  console.log(`reconstructions.png, latent.png, manifold.png, loss.png, history.json → ${out}`);
  return { history: history.history };
}

/**
 * latent.png (the test images' zMean coloured by class) and manifold.png (the decoder over a
 * 15×15 grid of the latent plane) into `dir`. The encoder's outputs are [zMean, zLogVar, z].
 */
export async function writeLatentPictures(encoder: Model<SymbolicTensor[]>, decoder: Model, x: HostTensor, labels: ArrayLike<number>, scale: number, dir: string): Promise<void> {
  const latentDim = decoder.inputShape[0];
  if (latentDim !== 2) throw new Error(`the latent pictures need a 2-D latent space; this VAE's is ${latentDim}-D`);
  const outputs = (await encoder.predict(x, { scale, batchSize: 256 })) as Tensor[];
  const z = (await outputs[0].data()) as Float32Array;
  outputs.forEach((t) => t.dispose());
  const n = x.shape[0];
  const scatter = scatterPlot(
    { x: Float32Array.from({ length: n }, (_, i) => z[2 * i]), y: Float32Array.from({ length: n }, (_, i) => z[2 * i + 1]), classes: Array.from(labels) },
    FASHION_MNIST_CLASSES,
    { title: `latent plane: zMean of ${n} test images`, xLabel: 'z[0]', yLabel: 'z[1]' },
  );
  await writePng(join(dir, 'latent.png'), scatter.data, scatter.width, scatter.height);

  // Rows from z[1] = +RANGE (top) down to -RANGE, columns from z[0] = -RANGE to +RANGE.
  const at = (k: number) => -RANGE + (2 * RANGE * k) / (GRID - 1);
  const grid = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      grid[2 * (r * GRID + c)] = at(c);
      grid[2 * (r * GRID + c) + 1] = at(GRID - 1 - r);
    }
  }
  const decoded = (await decoder.predict({ data: grid, shape: [GRID * GRID, 2] })) as Tensor;
  const pixels = (await decoded.data()) as Float32Array;
  decoded.dispose();
  const per = pixels.length / (GRID * GRID);
  const side = Math.round(Math.sqrt(per));
  const rows = Array.from({ length: GRID }, (_, r): HostTensor => ({ data: pixels.subarray(r * GRID * per, (r + 1) * GRID * per), shape: [GRID, side, side] }));
  const img = imageGrid(rows, { cols: GRID, scale: 2, labels: rows.map((_, r) => `z1 ${at(GRID - 1 - r) >= 0 ? '+' : ''}${at(GRID - 1 - r).toFixed(1)}`) });
  await writePng(join(dir, 'manifold.png'), img.data, img.width, img.height);
}
