// GEMM throughput: wgslnet's matmul against TF.js's WebGPU backend (tf.matMul) on the same adapter,
// in GFLOP/s (2·M·N·K per product). Shapes are M×K×N; "Aᵀ"/"Bᵀ" mark a transposed operand. Both
// libraries' devices stay alive and take turns on each shape, each turn timing a batch of products
// ended by one wait for the device; the best turn of each is reported. On a shared machine the wall
// clock depends on what else runs, so on Linux the table also gives GFLOP per CPU-second of the
// threads doing the work (every thread but the JavaScript one: lavapipe's, on a software adapter).
// Run after `npm run build`:
//   node bench/gemm.mjs [turns]
import { workerCpuSeconds } from './cpu_time.mjs';
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

/** Wall and worker-CPU seconds for `reps` products encoded by `step`, then one `finish` waiting for the device. */
async function time(step, finish, reps) {
  const cpu0 = workerCpuSeconds();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) step();
  await finish();
  return { wall: (performance.now() - t0) / 1000 / reps, cpu: (workerCpuSeconds() - cpu0) / reps };
}

await wg.init();
await tf.setBackend('webgpu');
await tf.ready();

const rows = [];
for (const [m, k, n, transposeA = false, transposeB = false] of SHAPES) {
  const flops = 2 * m * n * k;
  // Turns of about 0.3 s at each library's usual speed here: long against the 10 ms ticks that
  // CPU time is counted in.
  const reps = Math.max(1, Math.round(1e10 / flops));
  const repsTf = Math.max(1, Math.round(1e9 / flops));
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
  const us = { wall: Infinity, cpu: 0 };
  const them = { wall: Infinity, cpu: 0 };
  for (let t = 0; t < turns; t++) {
    for (const [total, step, finish, count] of [[us, ours, wg.sync, reps], [them, theirs, theirsDone, repsTf]]) {
      const { wall, cpu } = await time(step, finish, count);
      total.wall = Math.min(total.wall, wall);
      total.cpu += cpu / turns;
    }
  }
  const plan = matmulPlan({ m, n, k, transposeA, transposeB });
  const name = `${m}×${k}×${n}${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}`;
  const gflops = (seconds) => flops / seconds / 1e9;
  rows.push([name, `${plan.kernel}${plan.kernel === 'subgroup' ? ` ${plan.rows}` : ''}`, gflops(us.wall), gflops(them.wall), gflops(us.cpu), gflops(them.cpu)]);
  for (const x of [a, b, out]) x.dispose();
  tf.dispose([ta, tb, last]);
}

console.log(`adapter: ${wg.adapterName()}`);
console.log(`GFLOP/s, best of ${turns} alternating turns (wall clock) | GFLOP per worker-CPU-second, mean of the turns`);
const f = (v) => v.toFixed(2).padStart(8);
const ratio = (a, b) => `${(a / b).toFixed(1)}×`.padStart(8);
console.log(`${'M×K×N'.padEnd(20)}${'kernel'.padEnd(12)}${'wgslnet'.padStart(8)}${'TF.js'.padStart(8)}${'ratio'.padStart(8)} |${'wgslnet'.padStart(8)}${'TF.js'.padStart(8)}${'ratio'.padStart(8)}`);
for (const [name, kernel, ours, theirs, oursCpu, theirsCpu] of rows) {
  console.log(`${name.padEnd(20)}${kernel.padEnd(12)}${f(ours)}${f(theirs)}${ratio(ours, theirs)} |${f(oursCpu)}${f(theirsCpu)}${ratio(oursCpu, theirsCpu)}`);
}
wg.release();
process.exit(0);
