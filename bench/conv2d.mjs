// Conv2D forward, input gradient and filter gradient: wgslnet against TF.js's WebGPU backend on the
// same adapter, in GFLOP/s (2·N·OH·OW·F·kh·kw·C per op). Run after `npm run build`:
//   node bench/conv2d.mjs [reps] [--variants]
// --variants then races wgslnet's own alternatives at the same shapes, side by side in one run (what
// src/ops/conv2d.ts and src/tuning.ts choose between): the filter gradient with the bias gradient
// fused (conv2dBackwardFilterAndBias, what the layers run) against the filter gradient then
// biasGrad; the subgroup kernels against the portable ones; and, for the channel counts that are
// not multiples of 4, the same op at the count padded to 4 (more work, vec4 loads): a ratio above 1
// there says padding would pay even before the copy it needs.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create([]) };

const wg = await import('../dist/node/index.js');
const { conv2d, conv2dBackwardInput, conv2dBackwardFilter, conv2dBackwardFilterAndBias } = await import('../dist/ops/conv2d.js');
const { biasGrad } = await import('../dist/ops/matmul.js');
const { convKernels, forceConvKernels } = await import('../dist/tuning.js');
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
const reps = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 5);
const variants = process.argv.includes('--variants');

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
const shapeName = (shape) => `${shape[0]}×${shape[1]}×${shape[2]}→${shape[3]}`;
console.log('GFLOP/s of wall time, wgslnet / TF.js (ratio); in brackets the ratio of CPU time used (steadier on a shared machine)');
const gf = (flops, s) => (flops / s / 1e9).toFixed(2);
console.log(['shape'.padEnd(14), 'forward'.padEnd(30), 'input grad'.padEnd(30), 'filter grad'].join(''));
for (const row of rows) {
  const cells = row.ops.map(([wall, cpu, tfWall, tfCpu]) => `${gf(row.flops, wall)} / ${gf(row.flops, tfWall)} (${(tfWall / wall).toFixed(1)}×) [${(tfCpu / cpu).toFixed(1)}×]`.padEnd(30));
  console.log(row.shape.padEnd(14) + cells.join(''));
}
if (variants) await raceVariants();
wg.release();
process.exit(0);

/** wgslnet against itself: [label, shape, GFLOP, ours ms, alternative ms] rows, ratio = alternative / ours. */
async function raceVariants() {
  const out = [];
  const opts = { padding: 'same' };
  const flopsOf = ([H, W, C, F]) => 2 * BATCH * H * W * F * K * K * C;
  const wall = async (a, b) => (await race([a, wg.sync], [b, wg.sync])).filter((_, i) => i % 2 === 0).map((s) => s * 1000);
  /** The three ops of one shape on fresh tensors; `dispose` frees them. */
  const opsAt = ([H, W, C, F]) => {
    const x = wg.tensor(random(BATCH * H * W * C), [BATCH, H, W, C]);
    const k = wg.tensor(random(K * K * C * F), [K, K, C, F]);
    const dy = wg.tensor(random(BATCH * H * W * F), [BATCH, H, W, F]);
    const [y, dx, dk] = [wg.empty([BATCH, H, W, F]), wg.empty(x.shape), wg.empty(k.shape)];
    return {
      forward: () => conv2d(x, k, { ...opts, out: y }),
      input: () => conv2dBackwardInput(dy, k, x.shape, { ...opts, out: dx }),
      filter: () => conv2dBackwardFilter(x, dy, k.shape, { ...opts, out: dk }),
      filterAndBias: () => conv2dBackwardFilterAndBias(x, dy, k.shape, { ...opts, out: dk }).db.dispose(),
      filterThenBias: () => {
        conv2dBackwardFilter(x, dy, k.shape, { ...opts, out: dk });
        const rows = dy.reshape([BATCH * H * W, F]);
        biasGrad(rows).dispose();
        rows.dispose();
      },
      dispose: () => [x, k, dy, y, dx, dk].forEach((t) => t.dispose()),
    };
  };
  const onLavapipe = convKernels() === 'subgroup';
  for (const shape of SHAPES) {
    const ops = opsAt(shape);
    const [fused, separate] = await wall(ops.filterAndBias, ops.filterThenBias);
    out.push(['filter + bias grad: fused / then biasGrad', shape, flopsOf(shape), fused, separate]);
    if (onLavapipe) {
      for (const op of ['forward', 'input', 'filter']) {
        const portable = () => {
          forceConvKernels('portable');
          ops[op]();
          forceConvKernels(undefined);
        };
        const [sub, port] = await wall(ops[op], portable);
        out.push([`${op}: subgroup / portable`, shape, flopsOf(shape), sub, port]);
      }
    }
    // C or F padded to 4 (the same op on the padded shape: more FLOPs, vec4 loads).
    const [H, W, C, F] = shape;
    if (C % 4 || F % 4) {
      const padded = [H, W, Math.ceil(C / 4) * 4, Math.ceil(F / 4) * 4];
      const wide = opsAt(padded);
      for (const op of ['forward', 'input', 'filter']) {
        const [asIs, pad] = await wall(ops[op], wide[op]);
        out.push([`${op}: as is / padded to ${shapeName(padded)}`, shape, flopsOf(shape), asIs, pad]);
      }
      wide.dispose();
    }
    ops.dispose();
  }
  console.log('\nwgslnet variants (same run, alternating): ms of the first, ms of the second, ratio second/first (above 1: the first, what runs today, is faster)');
  for (const [label, shape, flops, a, b] of out) {
    console.log(`${shapeName(shape).padEnd(14)}${label.padEnd(48)}${a.toFixed(1).padStart(8)} ms (${(flops / a / 1e6).toFixed(2)} GFLOP/s)${b.toFixed(1).padStart(8)} ms  ${(b / a).toFixed(2)}×`);
  }
}
