// GEMM throughput: wgslnet's matmul against TF.js's WebGPU backend (tf.matMul) on the same adapter,
// in GFLOP/s (2·M·N·K per product). Shapes are M×K×N; "Aᵀ"/"Bᵀ" mark a transposed operand. Both
// libraries' devices stay alive and take turns on each shape, each turn timing a batch of products
// ended by one wait for the device; the best turn of each is reported. Run after `npm run build`:
//   node bench/gemm.mjs [turns]
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create([]) };

const wg = await import('../dist/node/index.js');
const { matmul } = await import('../dist/ops/matmul.js');
const { matmulPlan } = await import('../dist/tuning.js');
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');

const turns = Number(process.argv[2] ?? 3);
// [M, K, N, transposeA, transposeB]: squares, then the seed's dense layers with their gradients
// (dX = dZ·Wᵀ, dW = Xᵀ·dZ).
const SHAPES = [
  [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [2048, 2048, 2048],
  [256, 784, 32], [256, 32, 784, false, true], [784, 256, 32, true, false],
  [20, 12288, 1024], [20, 1024, 12288, false, true], [12288, 20, 1024, true, false],
];

function random(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Seconds per product: `reps` products encoded by `step`, then one `finish` waiting for the device. */
async function time(step, finish, reps) {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) step();
  await finish();
  return (performance.now() - t0) / 1000 / reps;
}

await wg.init();
await tf.setBackend('webgpu');
await tf.ready();

const rows = [];
for (const [m, k, n, transposeA = false, transposeB = false] of SHAPES) {
  const flops = 2 * m * n * k;
  const reps = Math.max(1, Math.round(2e8 / flops));
  const aData = random(m * k);
  const bData = random(k * n);
  const aShape = transposeA ? [k, m] : [m, k];
  const bShape = transposeB ? [n, k] : [k, n];

  const a = wg.tensor(aData, aShape);
  const b = wg.tensor(bData, bShape);
  const out = wg.empty([m, n]);
  const ours = () => matmul(a, b, { transposeA, transposeB, out });

  const ta = tf.tensor2d(aData, aShape);
  const tb = tf.tensor2d(bData, bShape);
  let last = null;
  const theirs = () => {
    last?.dispose();
    last = tf.matMul(ta, tb, transposeA, transposeB);
  };
  const theirsDone = async () => void (await last.data());

  // Warm up (pipeline compiles), then alternate turns.
  await time(ours, wg.sync, 1);
  await time(theirs, theirsDone, 1);
  let best = Infinity;
  let bestTf = Infinity;
  for (let t = 0; t < turns; t++) {
    best = Math.min(best, await time(ours, wg.sync, reps));
    bestTf = Math.min(bestTf, await time(theirs, theirsDone, reps));
  }
  const plan = matmulPlan({ m, n, k, transposeA, transposeB });
  const name = `${m}×${k}×${n}${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}`;
  rows.push([name, `${plan.kernel}${plan.kernel === 'subgroup' ? ` ${plan.rows} rows` : ''}`, flops / best / 1e9, flops / bestTf / 1e9]);
  for (const x of [a, b, out]) x.dispose();
  tf.dispose([ta, tb, last]);
}

console.log(`adapter: ${wg.adapterName()}; best of ${turns} alternating turns; GFLOP/s`);
console.log(`${'M×K×N'.padEnd(22)}${'kernel'.padEnd(20)}${'wgslnet'.padStart(9)}${'TF.js'.padStart(9)}${'ratio'.padStart(8)}`);
for (const [name, kernel, ours, theirs] of rows) {
  console.log(`${name.padEnd(22)}${kernel.padEnd(20)}${ours.toFixed(2).padStart(9)}${theirs.toFixed(2).padStart(9)}${`${(ours / theirs).toFixed(1)}×`.padStart(8)}`);
}
wg.release();
process.exit(0);
