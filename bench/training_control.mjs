// Training control overhead (issue 14): the same fit with and without a learning-rate schedule,
// gradient clipping and two callbacks, epochs alternating so that the shared machine's load drift
// hits both; reported as samples/s medians and their ratio.
//   npm run build && node bench/training_control.mjs [--epochs N] [--reps N] [--samples N]
// (reps × epochs one-epoch fits of each model.)
// Writes bench/results/training-control-<adapter>.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wg from '../dist/node/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const epochs = option('epochs', 2);
const reps = option('reps', 4);
const samples = option('samples', 8192);
const batchSize = 256;

await wg.init();
const adapter = wg.adapterName();
const fm = await wg.datasets.fashionMnist.load();
const x = wg.flatten(wg.take(fm.xTrain, samples));

/** The seed's shallow autoencoder (784→32 relu→784 sigmoid, adam, binary cross-entropy). */
function build(controlled) {
  wg.setRandomSeed(1);
  const input = wg.input({ shape: [784] });
  const code = wg.layers.dense({ units: 32, activation: 'relu' }).apply(input);
  const m = wg.model({ inputs: input, outputs: wg.layers.dense({ units: 784, activation: 'sigmoid' }).apply(code) });
  const steps = (reps * epochs + 1) * Math.ceil(samples / batchSize);
  const optimizer = controlled
    ? wg.optimizers.adam({ learningRate: wg.schedules.cosineDecay({ initialLearningRate: 1e-4, warmupTarget: 1e-3, warmupSteps: 10, decaySteps: steps }), globalClipNorm: 1 })
    : wg.optimizers.adam({ learningRate: 1e-3 });
  m.compile({ optimizer, loss: 'binaryCrossentropy' });
  return m;
}

const csv = join(tmpdir(), `wgslnet-bench-${process.pid}.csv`);
// Both models live side by side and train one epoch per fit, alternately (plain, controlled,
// controlled, plain, …), so that the load of this shared machine drifts over both alike.
const models = { plain: build(false), controlled: build(true) };
const callbacks = { plain: [], controlled: [wg.callbacks.earlyStopping({ monitor: 'loss', patience: 1000, restoreBestWeights: true }), wg.csvLogger(csv)] };
async function epoch(kind) {
  const t0 = performance.now();
  await models[kind].fit(x, x, { epochs: 1, batchSize, scale: 1 / 255, verbose: 0, seed: 1, callbacks: callbacks[kind] });
  return samples / ((performance.now() - t0) / 1000);
}

await epoch('plain'); // warm-up: pipelines compiled, pools filled
await epoch('controlled');
const rates = { plain: [], controlled: [] };
for (let r = 0; r < reps * epochs; r++) {
  for (const kind of r % 2 ? ['controlled', 'plain'] : ['plain', 'controlled']) rates[kind].push(await epoch(kind));
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// fitDataset against fit: the same shallow model and samples, fit with the data uploaded once and
// batches gathered on the GPU, fitDataset from an async generator handing out uint8 host batches
// (each uploaded while the GPU trains on the previous one). Then the overlap: a generator that
// waits `delay` ms per batch (reading a file, decoding) adds about max(0, delay − step) per step,
// not delay, when the upload and the read overlap the GPU's work.
const plainModel = build(false);
const streamModel = build(false);
async function* generator(delay = 0) {
  for (let first = 0; first < samples; first += batchSize) {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const count = Math.min(batchSize, samples - first);
    const part = { data: x.data.subarray(first * 784, first * 784 + count * 784), shape: [count, 784] };
    yield { xs: part, ys: part };
  }
}
const dataset = (delay) => ({ [Symbol.asyncIterator]: () => generator(delay) });
async function timed(f) {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}
const fitEpoch = () => timed(() => plainModel.fit(x, x, { epochs: 1, batchSize, scale: 1 / 255, verbose: 0, shuffle: false }));
const datasetEpoch = (delay = 0) => timed(() => streamModel.fitDataset(dataset(delay), { epochs: 1, scale: 1 / 255, verbose: 0 }));
await fitEpoch();
await datasetEpoch();
const seconds = { fit: [], fitDataset: [] };
for (let r = 0; r < reps * epochs; r++) {
  for (const kind of r % 2 ? ['fitDataset', 'fit'] : ['fit', 'fitDataset']) seconds[kind].push(kind === 'fit' ? await fitEpoch() : await datasetEpoch());
}
const steps = Math.ceil(samples / batchSize);
const step = median(seconds.fitDataset) / steps;
const delay = Math.max(1, Math.round(step * 1000 * 0.75));
const overlap = [];
for (let r = 0; r < Math.max(2, reps); r++) overlap.push(await datasetEpoch(delay));

const [p, c] = [median(rates.plain), median(rates.controlled)];
const lines = [
  `# Training control overhead (${adapter})`,
  '',
  `Shallow AE (784→32→784, adam, binary cross-entropy) on ${samples} Fashion-MNIST images, batch ${batchSize}: ${reps * epochs} one-epoch fits of each model, alternating, after one warm-up epoch each.`,
  'Controlled: cosineDecay with warm-up as learningRate, globalClipNorm 1, earlyStopping(restoreBestWeights) and csvLogger.',
  '',
  '| run | samples/s (median epoch) | all epochs |',
  '|---|---:|---|',
  `| plain fit | ${p.toFixed(0)} | ${rates.plain.map((v) => v.toFixed(0)).join(', ')} |`,
  `| schedule + clipping + 2 callbacks | ${c.toFixed(0)} | ${rates.controlled.map((v) => v.toFixed(0)).join(', ')} |`,
  '',
  `Ratio controlled / plain: ${(c / p).toFixed(3)}`,
  '',
  `## fitDataset from an async generator vs fit on GPU-held data`,
  '',
  `Same model and ${samples} images, batch ${batchSize}, one-epoch calls alternating (${reps * epochs} each).`,
  '',
  '| run | samples/s (median epoch) | all epochs |',
  '|---|---:|---|',
  `| fit (data uploaded once, batches gathered on the GPU) | ${(samples / median(seconds.fit)).toFixed(0)} | ${seconds.fit.map((t) => (samples / t).toFixed(0)).join(', ')} |`,
  `| fitDataset (uint8 host batches, uploaded one ahead) | ${(samples / median(seconds.fitDataset)).toFixed(0)} | ${seconds.fitDataset.map((t) => (samples / t).toFixed(0)).join(', ')} |`,
  '',
  `Ratio fitDataset / fit: ${(median(seconds.fit) / median(seconds.fitDataset)).toFixed(3)}`,
  '',
  `Overlap: with the generator waiting ${delay} ms per batch (${steps} batches, ${((delay * steps) / 1000).toFixed(2)} s of waiting per epoch), an epoch takes ${median(overlap).toFixed(2)} s (median of ${overlap.length}) against ${median(seconds.fitDataset).toFixed(2)} s without the wait: ${(median(overlap) - median(seconds.fitDataset)).toFixed(2)} s more, where running the reads after the steps would add ${((delay * steps) / 1000).toFixed(2)} s.`,
  '',
];
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `training-control-${/llvmpipe|lavapipe/i.test(adapter) ? 'lavapipe' : /swiftshader/i.test(adapter) ? 'swiftshader' : 'gpu'}.md`);
writeFileSync(file, lines.join('\n'));
console.log(lines.join('\n'));
console.log(`→ ${file}`);
wg.release();
process.exit(0);
