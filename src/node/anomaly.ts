// `wgslnet train anomaly`: anomaly detection by reconstruction error. A dense autoencoder learns
// only some Fashion-MNIST classes (the "normal" ones: tops and dresses); every test image is then
// scored by its own reconstruction error (model.evaluate with reduction 'none', on the GPU), and
// the held-out classes (footwear and bags) should score higher. Prints the ROC AUC and writes a
// histogram of normal vs. anomalous scores and a grid of the highest-scoring test images.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callbacks, input, layers, model, optimizers, schedules, setRandomSeed, type HostTensor, type Model } from '../index.js';
import { FASHION_MNIST_CLASSES } from '../data/fashion-mnist.js';
import { flatten } from '../data/transforms.js';
import { rocAuc, topScores } from '../anomaly.js';
import { datasets } from './datasets.js';
import { histogramPlot, imageGrid } from './plot.js';
import { writePng } from './image.js';

/** T-shirt/top, Pullover, Dress, Coat, Shirt: what the model learns. The rest are the anomalies. */
export const NORMAL_CLASSES = [0, 2, 3, 4, 6];

export interface AnomalyOptions {
  epochs: number;
  batchSize: number;
  /** Caps the normal training images (default: all 30000). */
  samples?: number;
  out: string;
  seed: number;
  verbose: 0 | 1 | 2;
}

/** The rows of `x` (uint8 images) whose label passes `keep`, flattened, at most `limit` of them. */
function select(x: HostTensor, labels: HostTensor, keep: (label: number) => boolean, limit = Infinity): { x: HostTensor; labels: number[] } {
  const per = x.data.length / x.shape[0];
  const rows: number[] = [];
  for (let i = 0; i < x.shape[0] && rows.length < limit; i++) if (keep(labels.data[i])) rows.push(i);
  const data = new Uint8Array(rows.length * per);
  rows.forEach((r, k) => data.set(x.data.subarray(r * per, (r + 1) * per), k * per));
  return { x: flatten({ data, shape: [rows.length, ...x.shape.slice(1)] }), labels: rows.map((r) => labels.data[r]) };
}

function autoencoder(): Model {
  const x = input({ shape: [784] });
  let h = layers.dense({ units: 128, activation: 'relu' }).apply(x);
  h = layers.dense({ units: 32, activation: 'relu' }).apply(h);
  h = layers.dense({ units: 128, activation: 'relu' }).apply(h);
  return model({ inputs: x, outputs: layers.dense({ units: 784, activation: 'sigmoid' }).apply(h), name: 'anomaly_ae' });
}

export async function trainAnomaly(options: AnomalyOptions): Promise<{ auc: number }> {
  const { epochs, batchSize, seed, verbose, out } = options;
  const fm = await datasets.fashionMnist.load();
  const normal = (label: number) => NORMAL_CLASSES.includes(label);
  const train = select(fm.xTrain, fm.yTrain, normal, options.samples);
  if (options.samples !== undefined && options.samples > train.x.shape[0]) throw new RangeError(`--samples ${options.samples} is larger than the ${train.x.shape[0]} training images of the normal classes`);
  const test = select(fm.xTest, fm.yTest, () => true, options.samples === undefined ? Infinity : Math.max(500, Math.ceil(options.samples / 2)));
  const names = (classes: number[]) => classes.map((c) => FASHION_MNIST_CLASSES[c]).join(', ');
  const anomalousClasses = FASHION_MNIST_CLASSES.map((_, c) => c).filter((c) => !normal(c));
  console.log(`anomaly: trained on ${names(NORMAL_CLASSES)} (${train.x.shape[0]} images); anomalies are ${names(anomalousClasses)}`);

  setRandomSeed(seed);
  const m = autoencoder();
  const steps = epochs * Math.ceil((train.x.shape[0] * 0.9) / batchSize);
  // A cosine-decayed rate with a short warm-up, gradients clipped to a global norm of 1, and early
  // stopping on the held-out normal images that puts back the best epoch's weights.
  const optimizer = optimizers.adam({
    learningRate: schedules.cosineDecay({ initialLearningRate: 1e-4, warmupTarget: 2e-3, warmupSteps: Math.min(100, steps / 10), decaySteps: steps }),
    globalClipNorm: 1,
  });
  m.compile({ optimizer, loss: 'meanSquaredError', metrics: ['psnr'] });
  if (verbose) m.summary();
  const stopper = callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
  const history = await m.fit(train.x, train.x, { epochs, batchSize, seed, verbose, scale: 1 / 255, validationSplit: 0.1, callbacks: [stopper] });

  const scoresTensor = await m.evaluate(test.x, test.x, { reduction: 'none', scale: 1 / 255, batchSize: 256 });
  const scores = (await scoresTensor.data()) as Float32Array;
  scoresTensor.dispose();
  const isAnomaly = test.labels.map((l) => !normal(l));
  const auc = rocAuc(scores, isAnomaly);

  await mkdir(out, { recursive: true });
  const normalScores = scores.filter((_, i) => !isAnomaly[i]);
  const anomalyScores = scores.filter((_, i) => isAnomaly[i]);
  const hist = histogramPlot(
    [
      { name: `normal (${normalScores.length})`, values: normalScores },
      { name: `anomalous (${anomalyScores.length})`, values: anomalyScores },
    ],
    { title: `reconstruction error, ROC AUC ${auc.toFixed(3)}`, xLabel: 'mean squared error', bins: 50 },
  );
  await writePng(join(out, 'histogram.png'), hist.data, hist.width, hist.height);
  const top = topScores(scores, 20);
  const rowOf = (indices: number[]): HostTensor => {
    const data = new Float32Array(indices.length * 784);
    indices.forEach((i, k) => data.set(Array.from(test.x.data.subarray(i * 784, (i + 1) * 784), (v) => v / 255), k * 784));
    return { data, shape: [indices.length, 28, 28] };
  };
  const grid = imageGrid([rowOf(top.slice(0, 10)), rowOf(top.slice(10, 20))], { labels: ['top 1-10', 'top 11-20'] });
  await writePng(join(out, 'top-anomalies.png'), grid.data, grid.width, grid.height);
  const perClass = FASHION_MNIST_CLASSES.map((name, c) => {
    const own = scores.filter((_, i) => test.labels[i] === c);
    return { class: name, normal: normal(c), count: own.length, meanScore: own.reduce((a, b) => a + b, 0) / Math.max(1, own.length) };
  });
  const record = {
    rocAuc: auc,
    normalClasses: NORMAL_CLASSES.map((c) => FASHION_MNIST_CLASSES[c]),
    trainImages: train.x.shape[0],
    testImages: test.x.shape[0],
    epochsRun: history.epoch.length,
    bestEpoch: stopper.bestEpoch + 1,
    perClass,
    top: top.map((i) => ({ index: i, class: FASHION_MNIST_CLASSES[test.labels[i]], score: scores[i] })),
    history: history.history,
  };
  await writeFile(join(out, 'anomaly.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`ROC AUC ${auc.toFixed(4)} over ${test.x.shape[0]} test images (${anomalyScores.length} anomalous)`);
  console.log(`highest scores: ${top.slice(0, 10).map((i) => FASHION_MNIST_CLASSES[test.labels[i]]).join(', ')}`);
  console.log(`histogram.png, top-anomalies.png, anomaly.json → ${out}`);
  m.dispose();
  return { auc };
}
