// Conv2D forward, input gradient and filter gradient: wgslnet against TF.js's WebGPU backend on the
// same adapter, in GFLOP/s (2·N·OH·OW·F·kh·kw·C per op). Run after `npm run build`:
//   node bench/conv2d.mjs [reps]
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create([]) };

const wg = await import('../dist/node/index.js');
const { conv2d, conv2dBackwardInput, conv2dBackwardFilter } = await import('../dist/ops/conv2d.js');
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');

const BATCH = 20;
// The seed autoencoder's convolutions: [H, W, C, F], 3×3, stride 1, 'same'.
const SHAPES = [
  [64, 64, 3, 32],
  [32, 32, 32, 16],
  [32, 32, 16, 16],
  [64, 64, 16, 3],
];
const K = 3;
const reps = Number(process.argv[2] ?? 5);

function random(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** One timed call of `step` (which encodes work), `finish` awaiting the device: [wall s, CPU s of this process]. */
async function once(step, finish) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  step();
  await finish();
  const c = process.cpuUsage(cpu);
  return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6];
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Times two implementations of one op alternately (other processes load both alike); medians. */
async function race(ours, theirs) {
  for (const [step, finish] of [ours, theirs]) await once(step, finish); // compile and warm up
  const t = [[], [], [], []];
  for (let r = 0; r < reps; r++) {
    const [a, b] = await once(...ours);
    const [c, d] = await once(...theirs);
    t[0].push(a), t[1].push(b), t[2].push(c), t[3].push(d);
  }
  return t.map(median);
}

await wg.init();
const adapter = wg.adapterName();
await tf.setBackend('webgpu');
await tf.ready();

const rows = [];
for (const [H, W, C, F] of SHAPES) {
  const row = { shape: `${H}×${W}×${C}→${F}`, flops: 2 * BATCH * H * W * F * K * K * C, ops: [] };
  rows.push(row);
  const [xs, ks, dys] = [random(BATCH * H * W * C), random(K * K * C * F), random(BATCH * H * W * F)];
  const x = wg.tensor(xs, [BATCH, H, W, C]);
  const k = wg.tensor(ks, [K, K, C, F]);
  const dy = wg.tensor(dys, [BATCH, H, W, F]);
  const y = wg.empty([BATCH, H, W, F]);
  const dx = wg.empty(x.shape);
  const dk = wg.empty(k.shape);
  const tx = tf.tensor4d(xs, [BATCH, H, W, C]);
  const tk = tf.tensor4d(ks, [K, K, C, F]);
  const tdy = tf.tensor4d(dys, [BATCH, H, W, F]);
  const opts = { padding: 'same' };
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  let last = null;
  const keep = (t) => {
    last?.dispose();
    last = t;
  };
  const tfFinish = async () => void (await last.data());
  row.ops.push(await race([() => conv2d(x, k, { ...opts, out: y }), wg.sync], [() => keep(tf.conv2d(tx, tk, 1, 'same')), tfFinish]));
  row.ops.push(
    await race(
      [() => conv2dBackwardInput(dy, k, x.shape, { ...opts, out: dx }), wg.sync],
      [() => keep(tf.engine().runKernel('Conv2DBackpropInput', { dy: tdy, filter: tk }, { ...attrs, inputShape: tx.shape })), tfFinish],
    ),
  );
  row.ops.push(
    await race(
      [() => conv2dBackwardFilter(x, dy, k.shape, { ...opts, out: dk }), wg.sync],
      [() => keep(tf.engine().runKernel('Conv2DBackpropFilter', { x: tx, dy: tdy }, { ...attrs, filterShape: tk.shape })), tfFinish],
    ),
  );
  last.dispose();
  tf.dispose([tx, tk, tdy]);
  for (const t of [x, k, dy, y, dx, dk]) t.dispose();
}

console.log(`adapter: ${adapter}; batch ${BATCH}, 3×3 'same' stride 1, median of ${reps} alternating runs`);
console.log('GFLOP/s of wall time, wgslnet / TF.js (ratio); in brackets the ratio of CPU time used (steadier on a shared machine)');
const gf = (flops, s) => (flops / s / 1e9).toFixed(2);
console.log(['shape'.padEnd(14), 'forward'.padEnd(30), 'input grad'.padEnd(30), 'filter grad'].join(''));
for (const row of rows) {
  const cells = row.ops.map(([wall, cpu, tfWall, tfCpu]) => `${gf(row.flops, wall)} / ${gf(row.flops, tfWall)} (${(tfWall / wall).toFixed(1)}×) [${(tfCpu / cpu).toFixed(1)}×]`.padEnd(30));
  console.log(row.shape.padEnd(14) + cells.join(''));
}
wg.release();
process.exit(0);
