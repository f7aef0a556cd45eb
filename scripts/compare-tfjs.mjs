#!/usr/bin/env node
// Trains one of the seed's examples in wgslnet and in TensorFlow.js (tfjs-layers on its CPU backend,
// an independent implementation) and prints both loss curves and the relative difference of the
// final test loss. Same data as `wgslnet train` (src/node/cli.ts), same initial weights (the TF.js
// model is loaded from wgslnet's own save()), same hyper-parameters and the same batch order (each
// epoch's permutation is made here and both sides train on it unshuffled).
//
//   npm run build
//   node scripts/compare-tfjs.mjs <example> [--epochs N] [--samples N] [--seed S] [--batch-size N] [--json FILE]
//
// TF.js gaps bridged here, so every example compares the whole objective:
// - tfjs-layers refuses activity regularizers and knows no contractive penalty, so TF.js trains with
//   its own optimizer.minimize() on loss + penalty written in tf ops (autodiff gives the penalty's
//   gradients; wgslnet's are hand-written kernels). Test losses are the data loss alone on both sides
//   (wgslnet's evaluate() leaves penalties out, as Keras does).
// - TF.js 4.22's CPU ResizeNearestNeighborGrad (UpSampling2D's gradient) reads dy at the input's
//   batch offset instead of dy's, so for batch > 1 every sample but the first gets another
//   sample's gradient. A corrected kernel is registered below, after a check that shows the error.
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { init, adapterName, release, getExample, setRandomSeed, loadExampleData, trainTestSplit } from '../dist/node/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { epochs: { type: 'string' }, samples: { type: 'string' }, seed: { type: 'string', default: '1' }, 'batch-size': { type: 'string' }, json: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/compare-tfjs.mjs <example> [--epochs N] [--samples N] [--seed S] [--batch-size N] [--json FILE]');
  process.exit(2);
}
const example = getExample(positionals[0]);
const epochs = Number(values.epochs ?? example.epochs);
const batchSize = Number(values['batch-size'] ?? example.batchSize);
const seed = Number(values.seed);
const samples = values.samples === undefined ? undefined : Number(values.samples);

// ---- TF.js's UpSampling2D gradient on the CPU -------------------------------------------------

/** Max error of TF.js's gradient of sum(w · upsample2x(x)) at batch 2; the exact one sums w over each 2×2 block. */
function upsamplingGradError() {
  const w = tf.reshape(tf.range(0, 32), [2, 4, 4, 1]);
  const g = tf.grad((x) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x, [4, 4]), w)))(tf.zeros([2, 2, 2, 1]));
  const wv = w.dataSync();
  const gv = g.dataSync();
  let err = 0;
  for (let b = 0; b < 2; b++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    let want = 0;
    for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) want += wv[b * 16 + (2 * i + di) * 4 + 2 * j + dj];
    err = Math.max(err, Math.abs(gv[b * 4 + i * 2 + j] - want));
  }
  return err;
}

/** dx[b, ⌊y·h/H⌋, ⌊x·w/W⌋, c] += dy[b, y, x, c]: nearest-neighbour resize without aligned corners or half-pixel centres. */
function resizeNearestNeighborGrad({ inputs: { images, dy }, backend, attrs }) {
  if (attrs.alignCorners) throw new Error('compare-tfjs: the corrected ResizeNearestNeighborGrad handles alignCorners = false only');
  const [batch, h, w, depth] = images.shape;
  const [, H, W] = dy.shape;
  const dyv = backend.data.get(dy.dataId).values;
  const dx = new Float32Array(batch * h * w * depth);
  for (let b = 0; b < batch; b++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const to = ((b * h + Math.floor((y * h) / H)) * w + Math.floor((x * w) / W)) * depth;
    const from = ((b * H + y) * W + x) * depth;
    for (let c = 0; c < depth; c++) dx[to + c] += dyv[from + c];
  }
  return backend.makeTensorInfo(images.shape, images.dtype, dx);
}

// PROD silences the CPU backend's advice to install tfjs-node (its warnings go through the same switch).
tf.env().set('PROD', true);
await tf.setBackend('cpu');
const stockError = upsamplingGradError();
tf.unregisterKernel('ResizeNearestNeighborGrad', 'cpu');
tf.registerKernel({ kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: resizeNearestNeighborGrad });
const fixedError = upsamplingGradError();
if (fixedError !== 0) throw new Error(`compare-tfjs: corrected ResizeNearestNeighborGrad is off by ${fixedError}`);

/** Samples [first, first + count) of a host tensor as a float32 TF.js tensor, scaled as wgslnet scales on upload (f32 multiply). */
function tfBatch(x, first, count, scale) {
  const per = x.data.length / x.shape[0];
  const part = x.data.subarray(first * per, (first + count) * per);
  const s = Math.fround(scale);
  const data = scale === 1 && part instanceof Float32Array ? part : Float32Array.from(part, (v) => Math.fround(v * s));
  return tf.tensor(data, [count, ...example.inputShape]);
}

// ---- The two models ---------------------------------------------------------------------------

await init();
const data = await loadExampleData(example, samples, seed);
setRandomSeed(seed);
const ours = example.build();

let artifacts;
await ours.save({ save: async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) });
// The penalties are added by hand on the TF.js side (see the top of this file).
const penalized = ours.layers.filter((l) => l.activityRegularizer || l.contractive > 0);
for (const layer of artifacts.modelTopology.config.layers) {
  layer.config.activity_regularizer = null;
  delete layer.config.contractive;
}
const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
if (theirs.countParams() !== ours.countParams()) throw new Error(`compare-tfjs: TF.js model has ${theirs.countParams()} parameters, wgslnet's ${ours.countParams()}`);
const withCodes = tfl.model({ inputs: theirs.inputs, outputs: [...penalized.map((l) => theirs.getLayer(l.name).output), theirs.outputs[0]] });

const optimizer = ours.optimizer;
const theirOptimizer = {
  adam: () => tf.train.adam(optimizer.config.learningRate, optimizer.config.beta1, optimizer.config.beta2, optimizer.config.epsilon),
  adadelta: () => tf.train.adadelta(optimizer.config.learningRate, optimizer.config.rho, optimizer.config.epsilon),
}[optimizer.name]?.();
if (!theirOptimizer) throw new Error(`compare-tfjs: no TF.js twin for optimizer '${optimizer.name}'`);
const dataLoss = { meanSquaredError: tfl.metrics.meanSquaredError, binaryCrossentropy: tfl.metrics.binaryCrossentropy }[ours.loss];

/** act'(h) from the activation's output h, for the contractive penalty. */
const activationGrad = { sigmoid: (h) => tf.mul(h, tf.sub(1, h)), relu: (h) => tf.cast(tf.greater(h, 0), 'float32'), tanh: (h) => tf.sub(1, tf.square(h)), linear: (h) => tf.onesLike(h) };

/** Data loss, plus (when training) the penalties exactly as wgslnet defines them (src/model.ts, src/ops/regularizers.ts). */
function objective(x, y, training) {
  const outs = [withCodes.apply(x, { training })].flat();
  let loss = tf.mean(dataLoss(y, outs.at(-1)));
  if (!training) return loss;
  const batch = x.shape[0];
  penalized.forEach((layer, k) => {
    const h = outs[k];
    const reg = layer.activityRegularizer;
    if (reg) loss = tf.add(loss, tf.div(tf.add(tf.mul(tf.sum(tf.abs(h)), reg.l1 ?? 0), tf.mul(tf.sum(tf.square(h)), reg.l2 ?? 0)), batch));
    if (layer.contractive > 0) {
      const kernel = theirs.getLayer(layer.name).kernel.read();
      // λ/B · Σ_b Σ_j act'(h_bj)² · Σ_i W_ij²
      const dh2 = tf.square(activationGrad[layer.activation](h));
      loss = tf.add(loss, tf.mul(tf.sum(tf.mul(dh2, tf.sum(tf.square(kernel), 0))), layer.contractive / batch));
    }
  });
  return loss;
}

function theirLoss(xIn, xOut, scale) {
  const n = xIn.shape[0];
  let total = 0;
  for (let first = 0; first < n; first += batchSize) {
    const count = Math.min(batchSize, n - first);
    total += tf.tidy(() => objective(tfBatch(xIn, first, count, scale), tfBatch(xOut, first, count, scale), false).dataSync()[0]) * count;
  }
  return total / n;
}

const variables = theirs.trainableWeights.map((w) => w.read());
function theirEpoch(xIn, xOut, scale) {
  const n = xIn.shape[0];
  let total = 0;
  for (let first = 0; first < n; first += batchSize) {
    const count = Math.min(batchSize, n - first);
    const cost = tf.tidy(() => {
      const x = tfBatch(xIn, first, count, scale);
      const y = xIn === xOut ? x : tfBatch(xOut, first, count, scale);
      return theirOptimizer.minimize(() => objective(x, y, true), true, variables);
    });
    total += cost.dataSync()[0] * count;
    cost.dispose();
  }
  return total / n;
}

// ---- Training, epoch by epoch -----------------------------------------------------------------

const relDiff = (a, b) => (a - b) / b;
const fmt = (v) => v.toFixed(5);
const pct = (v) => `${(100 * v).toFixed(2)}%`;
const { xTrainIn, xTrain, xTestIn, xTest, scale } = data;
console.log(`adapter: ${adapterName()}; TF.js ${tf.version_core} on '${tf.getBackend()}'`);
console.log(`TF.js CPU ResizeNearestNeighborGrad at batch 2: max error ${stockError} stock, ${fixedError} corrected`);
console.log(`${example.name}: ${xTrain.shape[0]} training / ${xTest.shape[0]} test samples, ${epochs} epochs, batch ${batchSize}, seed ${seed}, ${optimizer.name} ${JSON.stringify(optimizer.config)}, ${ours.loss}`);

const report = {
  example: example.name, epochs, batchSize, seed, trainSamples: xTrain.shape[0], testSamples: xTest.shape[0],
  adapter: adapterName(), tfjs: `${tf.version_core} ${tf.getBackend()}`,
  wgslnet: { initialTestLoss: (await ours.evaluate(xTestIn, xTest, { batchSize, scale })).loss, loss: [], valLoss: [], secondsPerEpoch: [] },
  tf: { initialTestLoss: theirLoss(xTestIn, xTest, scale), loss: [], valLoss: [], secondsPerEpoch: [] },
};
console.log(`before training: test loss wgslnet ${fmt(report.wgslnet.initialTestLoss)}, TF.js ${fmt(report.tf.initialTestLoss)} (${pct(relDiff(report.wgslnet.initialTestLoss, report.tf.initialTestLoss))})`);
console.log('epoch  wgslnet loss  TF.js loss  diff     | wgslnet val  TF.js val   diff     | s/epoch wgslnet  TF.js');
for (let epoch = 0; epoch < epochs; epoch++) {
  // One seeded permutation per epoch, applied to inputs and targets alike (same seed, same order).
  const permute = (x) => trainTestSplit(x, { testSize: 0, seed: seed * 100_003 + epoch })[0];
  const xIn = permute(xTrainIn);
  const xOut = xTrainIn === xTrain ? xIn : permute(xTrain);

  let t0 = performance.now();
  const h = await ours.fit(xIn, xOut, { epochs: 1, batchSize, shuffle: false, scale, verbose: 0, seed, validationData: [xTestIn, xTest] });
  report.wgslnet.secondsPerEpoch.push((performance.now() - t0) / 1000);
  report.wgslnet.loss.push(h.history.loss[0]);
  report.wgslnet.valLoss.push(h.history.val_loss[0]);

  t0 = performance.now();
  report.tf.loss.push(theirEpoch(xIn, xOut, scale));
  report.tf.valLoss.push(theirLoss(xTestIn, xTest, scale));
  report.tf.secondsPerEpoch.push((performance.now() - t0) / 1000);

  const [a, b] = [report.wgslnet, report.tf];
  console.log(
    `${String(epoch + 1).padStart(5)}  ${fmt(a.loss[epoch]).padStart(12)}  ${fmt(b.loss[epoch]).padStart(10)}  ${pct(relDiff(a.loss[epoch], b.loss[epoch])).padStart(7)}  | ` +
      `${fmt(a.valLoss[epoch]).padStart(11)}  ${fmt(b.valLoss[epoch]).padStart(9)}  ${pct(relDiff(a.valLoss[epoch], b.valLoss[epoch])).padStart(7)}  | ` +
      `${a.secondsPerEpoch[epoch].toFixed(1).padStart(15)}  ${b.secondsPerEpoch[epoch].toFixed(1).padStart(5)}`,
  );
}
report.wgslnet.testLoss = (await ours.evaluate(xTestIn, xTest, { batchSize, scale })).loss;
report.tf.testLoss = theirLoss(xTestIn, xTest, scale);
report.relDiff = relDiff(report.wgslnet.testLoss, report.tf.testLoss);
console.log(`final test loss: wgslnet ${fmt(report.wgslnet.testLoss)}, TF.js ${fmt(report.tf.testLoss)}, relative difference ${pct(report.relDiff)}`);
if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2) + '\n');
release();
process.exit(0);
