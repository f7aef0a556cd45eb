// Pooling, upsampling, softmax, batch normalization and the random ops at the seed autoencoder's
// sizes: wgslnet's forward and backward against TF.js's WebGPU backend on the same adapter, in ms
// per call (median) and GB/s of the forward's compulsory traffic (read input + write output, f32).
// Run after `npm run build`:   node bench/pooling.mjs [reps]
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create([]) };

const wg = await import('../dist/node/index.js');
const { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward } = await import('../dist/ops/pooling.js');
const { upSampling2d, upSampling2dBackward } = await import('../dist/ops/upsampling.js');
const { softmax, softmaxBackward } = await import('../dist/ops/softmax.js');
const { gaussianNoise, dropout, dropoutBackward } = await import('../dist/ops/random.js');
const { batchNormStats, batchNorm, batchNormBackward } = await import('../dist/ops/batch_norm.js');
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');
// tfjs-core alone registers no gradients (the batch-norm row takes TF.js's); tfjs-layers does.
await import('@tensorflow/tfjs-layers');

const B = 20;
const reps = Number(process.argv[2] ?? 5);
const size = (s) => s.reduce((a, b) => a * b, 1);

function random(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Median seconds per call of `step` (which encodes work and returns the tensors it made), after a warm-up. */
async function time(step, finish) {
  const run = async () => {
    const made = step();
    await finish();
    for (const t of made) t.dispose();
  };
  await run();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const pool2 = { poolSize: 2, strides: 2, padding: 'same' };
/** Training-mode batch normalization over the channels (BatchNormalization on the conv example's first layer's output). */
let bnParams = null;
function bnForward(x) {
  const c = x.shape[3];
  bnParams ??= { gamma: wg.tensor(random(c), [c]), beta: wg.tensor(random(c), [c]), mean: wg.tensor(new Float32Array(c), [c]), variance: wg.tensor(new Float32Array(c).fill(1), [c]) };
  const o = { axis: 3, epsilon: 1e-3, gamma: bnParams.gamma, beta: bnParams.beta };
  const stats = batchNormStats(x, 3, { mean: bnParams.mean, variance: bnParams.variance, momentum: 0.99, update: true });
  return { o, stats, y: batchNorm(x, stats.mean, stats.variance, o) };
}
let tfBn = null;
function tfBnTrain(x) {
  const c = x.shape[3];
  tfBn ??= { gamma: tf.tensor(random(c)), beta: tf.tensor(random(c)) };
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, tfBn.beta, tfBn.gamma, 1e-3);
}

// [name, input shape, output shape, wgslnet forward, wgslnet backward (given x, y, dy), TF.js
// forward, TF.js forward + backward (given x, dy; returns the tensors to read and free)]
const cases = [
  ['maxPool 2×2', [B, 64, 64, 32], [B, 32, 32, 32],
    (x) => { const r = maxPool2d(x, pool2); return [r.y, r.argmax]; },
    (x, dy) => { const r = maxPool2d(x, pool2); return [r.y, r.argmax, maxPool2dBackward(dy, r.argmax, x.shape, pool2)]; },
    (x) => tf.maxPool(x, 2, 2, 'same')],
  ['avgPool 2×2', [B, 64, 64, 32], [B, 32, 32, 32],
    (x) => [avgPool2d(x, pool2)], (x, dy) => [avgPool2dBackward(dy, x.shape, pool2)], (x) => tf.avgPool(x, 2, 2, 'same')],
  ['maxPool 3×3/2', [B, 32, 32, 16], [B, 16, 16, 16],
    (x) => { const r = maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }); return [r.y, r.argmax]; },
    (x, dy) => { const o = { poolSize: 3, strides: 2, padding: 'same' }; const r = maxPool2d(x, o); return [r.y, r.argmax, maxPool2dBackward(dy, r.argmax, x.shape, o)]; },
    (x) => tf.maxPool(x, 3, 2, 'same')],
  ['upSampling 2×2', [B, 32, 32, 16], [B, 64, 64, 16],
    (x) => [upSampling2d(x, 2)], (x, dy) => [upSampling2dBackward(dy, 2)], (x) => tf.image.resizeNearestNeighbor(x, [64, 64])],
  ['batchNorm train', [B, 64, 64, 32], [B, 64, 64, 32],
    (x) => { const r = bnForward(x); return [r.y, r.stats.mean, r.stats.variance]; },
    (x, dy) => {
      const r = bnForward(x);
      const g = batchNormBackward(x, dy, r.stats.mean, r.stats.variance, { ...r.o, training: true, needDx: true });
      return [r.y, r.stats.mean, r.stats.variance, g.dx, g.dgamma, g.dbeta];
    },
    tfBnTrain,
    (x, dy) => tf.grads((a, g, b) => { const { mean, variance } = tf.moments(a, [0, 1, 2]); return tf.batchNorm(a, mean, variance, b, g, 1e-3); })([x, tfBn.gamma, tfBn.beta], dy)],
  ['softmax', [256, 10], [256, 10],
    (x) => [softmax(x)], (x, dy) => { const y = softmax(x); return [y, softmaxBackward(y, dy)]; }, (x) => tf.softmax(x)],
  ['gaussianNoise', [B, 64, 64, 3], [B, 64, 64, 3],
    (x) => [gaussianNoise(x, { stddev: 0.35, seed: 1, step: 1, clip: [0, 1] })], null, null],
  ['dropout', [B, 4096], [B, 4096],
    (x) => [dropout(x, { rate: 0.5, seed: 1, step: 1 })], (x, dy) => [dropoutBackward(dy, { rate: 0.5, seed: 1, step: 1 })], null],
];

await wg.init();
const adapter = wg.adapterName();
const rows = [];
for (const [name, inShape, outShape, fwd, bwd] of cases) {
  const x = wg.tensor(random(size(inShape)), inShape);
  const dy = wg.tensor(random(size(outShape)), outShape);
  rows.push({ name, bytes: 4 * (size(inShape) + size(outShape)), ours: [await time(() => fwd(x), wg.sync), bwd ? await time(() => bwd(x, dy), wg.sync) : NaN] });
  x.dispose();
  dy.dispose();
}
wg.release();

await tf.setBackend('webgpu');
await tf.ready();
for (const [i, [, inShape, outShape, , , tfFwd, tfBwd]] of cases.entries()) {
  if (!tfFwd) continue;
  const x = tf.tensor(random(size(inShape)), inShape);
  let last = null;
  rows[i].tfjs = await time(() => { last = tfFwd(x); return []; }, async () => { await last.data(); last.dispose(); });
  if (tfBwd) {
    const dy = tf.tensor(random(size(outShape)), outShape);
    let grads = [];
    rows[i].tfjsBackward = await time(() => { grads = tfBwd(x, dy); return []; }, async () => { await Promise.all(grads.map((g) => g.data())); grads.forEach((g) => g.dispose()); });
    dy.dispose();
  }
  x.dispose();
}

console.log(`adapter: ${adapter}; median of ${reps} ms per call (forward GB/s); max pool's, batch norm's and softmax's backward include their forward, as TF.js's gradient does`);
console.log(['op'.padEnd(16), 'forward'.padEnd(22), 'backward'.padEnd(12), 'TF.js forward'.padEnd(15), 'TF.js fwd+bwd'].join(''));
for (const r of rows) {
  const fwd = `${r.ours[0].toFixed(2)} (${(r.bytes / r.ours[0] / 1e6).toFixed(1)} GB/s)`;
  const ratio = r.tfjsBackward ? ` (${(r.tfjsBackward / r.ours[1]).toFixed(1)}×)` : '';
  console.log(r.name.padEnd(16) + fwd.padEnd(22) + (Number.isNaN(r.ours[1]) ? '-' : r.ours[1].toFixed(2)).padEnd(12) + (r.tfjs ? r.tfjs.toFixed(2) : '-').padEnd(15) + (r.tfjsBackward ? r.tfjsBackward.toFixed(2) + ratio : '-'));
}
process.exit(0);
