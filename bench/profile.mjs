// Where a training step's time goes: per-kernel GPU times of one wgslnet trainOnBatch for each of
// the benchmark's models (bench/models.mjs), from timestamp queries. Run after `npm run build`:
//   node bench/profile.mjs [--models shallow,deep,conv] [--top N] [--steps N] [--tfjs] [--fused | --fusion-ab]
// Every dispatch gets a compute pass of its own with a timestamp at its start and end (the runner
// puts many dispatches in one pass; the device is wrapped here so that nothing in src/ changes).
// Dawn quantizes timestamps unless told not to, so the GPU object is created with that toggle off.
// --fused lets the weight-gradient GEMMs apply the optimizer updates (setUpdateFusion(true));
// --fusion-ab alternates steps without and with it on the same model and prints both side by side
// (wall and kernel ms per step, medians), so that load drift hits both alike.
// --tfjs also prints TF.js's kernels for the same step (tf.profile on its webgpu backend).
// Kernels are grouped by pipeline (kernel name and its override constants) and dispatch size, so
// the same kernel at two shapes shows as two rows.
import { create, globals } from 'webgpu';
import { buildTfjs, buildWgslnet, makeBatches, MODELS } from './models.mjs';

Object.assign(globalThis, globals);
const gpu = create(['disable-dawn-features=timestamp_quantization']);
globalThis.navigator = { gpu };

const args = { models: Object.keys(MODELS), top: 12, steps: 3, tfjs: false, fused: false, fusionAb: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--models') args.models = process.argv[++i].split(',');
  else if (a === '--top') args.top = Number(process.argv[++i]);
  else if (a === '--steps') args.steps = Number(process.argv[++i]);
  else if (a === '--tfjs') args.tfjs = true;
  else if (a === '--fused') args.fused = true;
  else if (a === '--fusion-ab') args.fusionAb = true;
  else throw new Error(`unknown option ${a} (see the top of bench/profile.mjs)`);
}
for (const m of args.models) if (!MODELS[m]) throw new Error(`unknown model '${m}'; choose from ${Object.keys(MODELS).join(', ')}`);

const wg = await import('../dist/node/index.js');
const { setUpdateFusion } = await import('../dist/optimizers.js');
if (args.fused) setUpdateFusion(true);
const ctx = await wg.init({ gpu });
if (!ctx.features.has('timestamp-query')) throw new Error(`${wg.adapterName()} has no 'timestamp-query': no per-kernel times`);
const { device } = ctx;

/** Profiling state: null when off, else the dispatches recorded and the encoders awaiting readback. */
let recording = null;
const MAX_QUERIES = 4096;

/** A compute pass stand-in that gives each dispatch a timed pass of its own on the real encoder. */
function timedPass(real, rec) {
  let pipeline = null;
  const groups = [];
  return {
    setPipeline: (p) => (pipeline = p),
    setBindGroup: (index, group, ...rest) => (groups[index] = [group, ...rest]),
    dispatchWorkgroups(x, y = 1, z = 1) {
      if (rec.count * 2 + 2 > MAX_QUERIES) throw new Error('profile: too many dispatches in one command buffer');
      const pass = real.beginComputePass({ timestampWrites: { querySet: rec.querySet, beginningOfPassWriteIndex: rec.count * 2, endOfPassWriteIndex: rec.count * 2 + 1 } });
      pass.setPipeline(pipeline);
      groups.forEach((g, i) => g && pass.setBindGroup(i, ...g));
      pass.dispatchWorkgroups(x, y, z);
      pass.end();
      rec.dispatches.push({ kernel: pipeline.label, grid: `${x}×${y}×${z}` });
      rec.count++;
    },
    end() {},
  };
}

const createEncoder = device.createCommandEncoder.bind(device);
device.createCommandEncoder = (descriptor) => {
  const real = createEncoder(descriptor);
  if (!recording) return real;
  const rec = { querySet: device.createQuerySet({ type: 'timestamp', count: MAX_QUERIES }), count: 0, dispatches: [], readback: null };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'beginComputePass') return () => timedPass(target, rec);
      if (prop === 'finish') {
        return (d) => {
          if (rec.count > 0) {
            const bytes = rec.count * 16;
            const resolved = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
            rec.readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
            target.resolveQuerySet(rec.querySet, 0, rec.count * 2, resolved, 0);
            target.copyBufferToBuffer(resolved, 0, rec.readback, 0, bytes);
            recording.push(rec);
          }
          return target.finish(d);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};

/** Runs `work` with every dispatch timed; returns [{ kernel, grid, ms, start }] in order. */
async function profiled(work) {
  recording = [];
  try {
    await work();
  } finally {
    wg.flush();
  }
  await device.queue.onSubmittedWorkDone();
  const out = [];
  for (const rec of recording.splice(0)) {
    await rec.readback.mapAsync(GPUMapMode.READ);
    const t = new BigInt64Array(rec.readback.getMappedRange());
    rec.dispatches.forEach((d, i) => out.push({ ...d, ms: Number(t[2 * i + 1] - t[2 * i]) / 1e6, start: t[2 * i] }));
    rec.readback.destroy();
    rec.querySet.destroy();
  }
  recording = null;
  return out;
}

/** Rows grouped by key, summed, sorted by time. */
function group(rows, key) {
  const map = new Map();
  for (const r of rows) {
    const k = key(r);
    const g = map.get(k) ?? { key: k, ms: 0, count: 0 };
    g.ms += r.ms;
    g.count++;
    map.set(k, g);
  }
  return [...map.values()].sort((a, b) => b.ms - a.ms);
}

/** The top groups: ms and dispatches per step, share of the step's kernel time. */
function printTop(title, groups, total, top, steps) {
  console.log(`  ${title}`);
  console.log(`  ${'ms'.padStart(9)} ${'%'.padStart(5)} ${'n'.padStart(4)}  kernel`);
  for (const g of groups.slice(0, top)) console.log(`  ${g.ms.toFixed(2).padStart(9)} ${((100 * g.ms) / total).toFixed(1).padStart(5)} ${String(g.count / steps).padStart(4)}  ${g.key}`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let tf = null;
let tfl = null;
if (args.tfjs) {
  tf = await import('@tensorflow/tfjs-core');
  tfl = await import('@tensorflow/tfjs-layers');
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
}

console.log(`adapter: ${wg.adapterName()}; GPU times of ${args.steps} training step(s) per model, averaged per step`);
for (const name of args.models) {
  const spec = MODELS[name];
  const shape = [spec.batchSize, ...spec.inputShape];
  const [batch] = makeBatches(wg, spec, 1);
  const x = wg.tensor(batch, shape);
  wg.setRandomSeed(42);
  const model = buildWgslnet(wg, name);
  // Warm-up (pipelines, pools), then unprofiled steps for the wall time, then profiled steps.
  await model.trainOnBatch(x, x);
  const wall = [];
  for (let i = 0; i < args.steps; i++) {
    const t0 = performance.now();
    await model.trainOnBatch(x, x);
    wall.push(performance.now() - t0);
  }
  if (args.fusionAb) {
    // Each round: one step per setting, wall-timed, then one of each profiled; both pipelines built first.
    const settings = [false, true];
    for (const fused of settings) {
      setUpdateFusion(fused);
      await model.trainOnBatch(x, x);
    }
    const ab = settings.map(() => ({ wall: [], kernels: [] }));
    for (let i = 0; i < args.steps; i++) {
      for (const [k, fused] of settings.entries()) {
        setUpdateFusion(fused);
        const t0 = performance.now();
        await model.trainOnBatch(x, x);
        ab[k].wall.push(performance.now() - t0);
        const steps = await profiled(() => model.trainOnBatch(x, x));
        ab[k].kernels.push(steps.reduce((sum, r) => sum + r.ms, 0));
      }
    }
    setUpdateFusion(args.fused);
    const line = (k) => `wall ${median(ab[k].wall).toFixed(1)} ms/step, kernels ${median(ab[k].kernels).toFixed(1)} ms/step`;
    console.log(`\n${name} (batch ${spec.batchSize}), ${args.steps} alternating rounds: unfused ${line(0)}; fused ${line(1)}; fused/unfused kernels ${(median(ab[1].kernels) / median(ab[0].kernels)).toFixed(2)}`);
  }
  const rows = await profiled(async () => {
    for (let i = 0; i < args.steps; i++) await model.trainOnBatch(x, x);
  });
  for (const r of rows) r.ms /= args.steps;
  const busy = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`\n${name} (batch ${spec.batchSize}): wall ${median(wall).toFixed(1)} ms/step (median, unprofiled); kernels ${busy.toFixed(1)} ms/step in ${rows.length / args.steps} dispatches`);
  printTop('by pipeline and grid:', group(rows, (r) => `${r.kernel.replace(/\|$/, '')}  [${r.grid}]`), busy, args.top, args.steps);
  printTop('by kernel:', group(rows, (r) => r.kernel.split('|')[0]), busy, args.top, args.steps);
  x.dispose();

  if (tf) {
    const tx = tf.tensor(batch, shape);
    const theirs = buildTfjs(tf, tfl, name);
    await theirs.trainOnBatch(tx, tx);
    const info = await tf.profile(async () => {
      for (let i = 0; i < args.steps; i++) await theirs.trainOnBatch(tx, tx);
    });
    const kernels = [];
    for (const k of info.kernels) {
      const ms = await k.kernelTimeMs;
      if (typeof ms === 'number') kernels.push({ kernel: k.name, grid: k.outputShapes.map((s) => s.join('×')).join(','), ms: ms / args.steps });
    }
    const total = kernels.reduce((s, r) => s + r.ms, 0);
    console.log(`\n  TF.js ${name}: kernels ${total.toFixed(1)} ms/step in ${kernels.length / args.steps} kernels`);
    printTop('by kernel and output shape:', group(kernels, (r) => `${r.kernel}  [${r.grid}]`), total, args.top, args.steps);
    tf.dispose([tx]);
    theirs.dispose();
  }
}
wg.release();
process.exit(0);
