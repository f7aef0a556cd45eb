// wgslnet's training steps against what the machine can do (issue 18), in one Node process on one
// adapter, so that every ratio is measured side by side:
//   overhead  shallow `trainOnBatch` against the per-step cost inside `fit` (same model, same
//             GPU-held batches; goal: within 20%)
//   deep      the deep AE's Adam step against its memory-traffic floor: the bytes one step must
//             move (counted from the layer shapes, see deepTraffic) over the copy bandwidth
//             measured in the same run, between blocks of steps (goal: step ≤ 2× floor)
//   conv      the conv AE's effective GFLOP/s: the step's FLOPs counted from the layer shapes
//             (forward, input gradient, weight gradient) over its median time (goal: ≥ 30)
// Run after `npm run build` (`npm run bench` calls it after the model rows):
//   node bench/limits.mjs [--rows overhead,deep,conv] [--reps N]
// Writes bench/results/limits-node-<adapter>.json and regenerates bench/results/latest.md.
import { create, globals } from 'webgpu';
import os from 'node:os';
import { buildWgslnet, makeBatches, MODELS, NUM_BATCHES, summarize } from './models.mjs';
import { adapterSlug, gitCommit, saveResults } from './report.mjs';

const ROWS = ['overhead', 'deep', 'conv'];
const args = { rows: ROWS, reps: 7 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--rows') args.rows = process.argv[++i].split(',').filter(Boolean);
  else if (a === '--reps') args.reps = Number(process.argv[++i]);
  else throw new Error(`unknown option ${a} (see the top of bench/limits.mjs)`);
}
for (const r of args.rows) if (!ROWS.includes(r)) throw new Error(`unknown row '${r}'; choose from ${ROWS.join(', ')}`);
if (!(Number.isInteger(args.reps) && args.reps >= 1)) throw new Error('--reps must be a positive integer');

Object.assign(globalThis, globals);
const wg = await import('../dist/node/index.js');
// Held for the whole run: Dawn's instance goes away with the GPU object that made it.
const gpu = create([]);
const ctx = await wg.init({ gpu });
const { device } = ctx;
const now = () => performance.now();
const log = (line) => console.log(`  ${line}`);

/** Alternates two timed runs `reps` times (A B, B A, …) after one warm-up each; per-call values. */
async function alternate(reps, a, b) {
  await a();
  await b();
  const out = { a: [], b: [] };
  for (let r = 0; r < reps; r++) {
    for (const side of r % 2 === 0 ? ['a', 'b'] : ['b', 'a']) out[side].push(await (side === 'a' ? a : b)());
  }
  return out;
}

/** Shallow: N trainOnBatch calls against one fit epoch of the same N batches, per step. */
async function overheadRow() {
  const name = 'shallow';
  const spec = MODELS[name];
  const numBatches = 20;
  const fashion = (await wg.datasets.fashionMnist.load()).xTrain;
  const batches = makeBatches(wg, spec, numBatches, fashion);
  const shape = [spec.batchSize, ...spec.inputShape];
  const whole = new Float32Array(numBatches * batches[0].length);
  batches.forEach((b, i) => whole.set(b, i * b.length));
  // The same rows, GPU-held: one tensor for fit, one per batch for trainOnBatch.
  const all = wg.tensor(whole, [numBatches * spec.batchSize, ...spec.inputShape]);
  const each = batches.map((b) => wg.tensor(b, shape));
  wg.setRandomSeed(42);
  const model = buildWgslnet(wg, name);
  // Wall ms per step, and the process's CPU ms per step (all its threads: lavapipe's workers run
  // in it), which a loaded machine changes less than wall time: waiting for a core is not in it.
  const timed = (steps) => async () => {
    const t0 = now();
    const c0 = process.cpuUsage();
    await steps();
    const cpu = process.cpuUsage(c0);
    return { wall: (now() - t0) / numBatches, cpu: (cpu.user + cpu.system) / 1000 / numBatches };
  };
  const fitSteps = timed(() => model.fit(all, all, { batchSize: spec.batchSize, epochs: 1, shuffle: false, verbose: 0 }));
  const trainOnBatchSteps = timed(async () => {
    for (const x of each) await model.trainOnBatch(x, x);
  });
  const { a, b } = await alternate(args.reps, fitSteps, trainOnBatchSteps);
  const fit = summarize(a.map((t) => t.wall));
  const trainOnBatch = summarize(b.map((t) => t.wall));
  const fitCpu = summarize(a.map((t) => t.cpu));
  const trainOnBatchCpu = summarize(b.map((t) => t.cpu));
  const ratio = trainOnBatch.median / fit.median;
  const cpuRatio = trainOnBatchCpu.median / fitCpu.median;
  log(`overhead: fit ${fit.median.toFixed(2)} ms/step (CPU ${fitCpu.median.toFixed(2)}), trainOnBatch ${trainOnBatch.median.toFixed(2)} ms/step (CPU ${trainOnBatchCpu.median.toFixed(2)}), ratio ${ratio.toFixed(2)} (CPU ${cpuRatio.toFixed(2)})`);
  for (const t of [all, ...each]) t.dispose();
  model.dispose?.();
  wg.emptyPool();
  return { model: name, batchSize: spec.batchSize, batchesPerRep: numBatches, reps: args.reps, fitMs: fit, trainOnBatchMs: trainOnBatch, ratio, fitCpuMs: fitCpu, trainOnBatchCpuMs: trainOnBatchCpu, cpuRatio, goal: 1.2 };
}

/**
 * Copy bandwidth, counted as bytes read plus bytes written per second (the unit the traffic
 * count uses): `copies` copies of a `bytes` buffer back and forth in one command buffer, timed by
 * GPU timestamps around them (an empty timed pass before and after; wall time from submit to
 * onSubmittedWorkDone where the adapter has no timestamps). Two ways: copyBufferToBuffer (on a
 * software adapter, memcpy), and the quickest of a few vec4 copy kernels (what a compute shader
 * can move: on lavapipe every storage access is bounds-checked, and the best kernel shape moves
 * 3–5 GB/s where memcpy moves 16).
 */
function bandwidthMeter(bytes, copies) {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = [device.createBuffer({ size: bytes, usage }), device.createBuffer({ size: bytes, usage })];
  // [workgroup size, vec4s per invocation, layout]: an invocation copies its vec4s a workgroup apart
  // (strided) or side by side (contiguous). Which shape is quickest varies from run to run.
  const SHAPES = [[64, 16, 'strided'], [64, 64, 'contiguous'], [256, 64, 'contiguous']];
  const kernels = SHAPES.map(([size, perThread, layout]) => {
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(${size}) fn main(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_index) l: u32, @builtin(num_workgroups) n: vec3<u32>) {
  let g = w.x + w.y * n.x;
  for (var k = 0u; k < ${perThread}u; k++) {
    let i = ${layout === 'strided' ? `g * ${size * perThread}u + l + k * ${size}u` : `(g * ${size}u + l) * ${perThread}u + k`};
    if (i < arrayLength(&dst)) { dst[i] = src[i]; }
  }
}`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const groups = [0, 1].map((k) =>
      device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buffers[k] } }, { binding: 1, resource: { buffer: buffers[1 - k] } }] }),
    );
    const workgroups = Math.ceil(bytes / 16 / (size * perThread));
    const gridX = Math.min(workgroups, ctx.limits.maxComputeWorkgroupsPerDimension);
    return { pipeline, groups, gridX, gridY: Math.ceil(workgroups / gridX) };
  });
  const timed = ctx.features.has('timestamp-query');
  const querySet = timed ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
  const resolved = timed ? device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
  const readback = timed ? device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null;

  async function measure(kernel) {
    const encoder = device.createCommandEncoder();
    if (timed) encoder.beginComputePass({ timestampWrites: { querySet, endOfPassWriteIndex: 0 } }).end();
    if (!kernel) {
      for (let k = 0; k < copies; k++) encoder.copyBufferToBuffer(buffers[k % 2], 0, buffers[1 - (k % 2)], 0, bytes);
    } else {
      const pass = encoder.beginComputePass();
      pass.setPipeline(kernel.pipeline);
      for (let k = 0; k < copies; k++) {
        pass.setBindGroup(0, kernel.groups[k % 2]);
        pass.dispatchWorkgroups(kernel.gridX, kernel.gridY);
      }
      pass.end();
    }
    if (timed) {
      encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 1 } }).end();
      encoder.resolveQuerySet(querySet, 0, 2, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, readback, 0, 16);
    }
    const t0 = now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    let ms = now() - t0;
    if (timed) {
      await readback.mapAsync(GPUMapMode.READ);
      const [start, end] = new BigInt64Array(readback.getMappedRange().slice(0));
      readback.unmap();
      ms = Number(end - start) / 1e6;
    }
    return (2 * bytes * copies) / (ms / 1000);
  }
  return {
    timing: timed ? 'GPU timestamps' : 'wall time to onSubmittedWorkDone',
    bytes,
    copies,
    /** One sample of each way, bytes/s. */
    async sample() {
      const shader = [];
      for (const kernel of kernels) shader.push(await measure(kernel));
      return { copyBufferToBuffer: await measure(null), shader: Math.max(...shader) };
    },
    destroy() {
      for (const b of [...buffers, resolved, readback]) b?.destroy();
      querySet?.destroy();
    },
  };
}

/** The trainable layers of a chain model with their kernel shapes and input/output sample shapes. */
function weightedLayers(model) {
  return model.layers
    .filter((l) => l.className === 'Dense' || l.className === 'Conv2D')
    .map((l, i) => ({ className: l.className, first: i === 0, kernel: l.weights[0].shape, bias: l.weights[1]?.shape ?? null, inShape: l.inputShape, outShape: l.computeOutputShape(l.inputShape) }));
}

const prod = (shape) => shape.reduce((a, b) => a * b, 1);

/**
 * The bytes one Adam step of a Dense chain must move, in float32: per layer with kernel W (in×out)
 * and bias b (p = in·out + out parameters), the forward pass reads W and b; the input gradient
 * reads W again (not for the first layer, whose input is the data); the weight gradient is
 * written (p) and read back by Adam (p); Adam reads w, m, v (3p) and writes w, m, v (3p).
 * Activations: forward reads x and writes y; backward reads y, dy (twice: dX and dW) and x and
 * writes dx (first layer: no dx) — B·(features) each, small beside the weights here.
 * fusedBytes: the same without the kernel gradients' write and read (the optimizer applied in the
 * weight-gradient GEMM's epilogue, issue 18), the floor a fused step could reach.
 */
function deepTraffic(layers, batch) {
  let weights = 0;
  let activations = 0;
  for (const l of layers) {
    const [inF, outF] = l.kernel;
    const p = inF * outF + outF;
    weights += p + (l.first ? 0 : inF * outF) + 2 * p + 6 * p;
    activations += batch * (inF + outF) + batch * (3 * outF + inF + (l.first ? 0 : inF));
  }
  // With the optimizer applied in the weight-gradient GEMM's epilogue, a kernel's gradient is never
  // written nor read back: 2·in·out fewer per layer (the bias gradient stays).
  const fusedSaving = layers.reduce((sum, l) => sum + 2 * l.kernel[0] * l.kernel[1], 0);
  return { weightBytes: 4 * weights, activationBytes: 4 * activations, bytes: 4 * (weights + activations), fusedBytes: 4 * (weights + activations - fusedSaving) };
}

/**
 * FLOPs of one training step of a Conv2D/Dense chain: 2 per multiply-add of the forward product,
 * of the input gradient (not for the first layer) and of the weight gradient — each the same
 * count, B·(output positions)·(kernel size). Bias, activations, pooling and the loss are left out.
 */
function stepFlops(layers, batch) {
  let flops = 0;
  for (const l of layers) {
    const macs = batch * prod(l.outShape.slice(0, -1)) * prod(l.kernel);
    flops += 2 * macs * (l.first ? 2 : 3);
  }
  return flops;
}

/** Median trainOnBatch ms of a seed model over `steps` steps after `warmup`, calling `between` after each block. */
async function modelSteps(name, { warmup, steps, block, between = async () => {} }) {
  const spec = MODELS[name];
  wg.setRandomSeed(42);
  const model = buildWgslnet(wg, name);
  const shape = [spec.batchSize, ...spec.inputShape];
  const xs = makeBatches(wg, spec, NUM_BATCHES).map((b) => wg.tensor(b, shape));
  const ms = [];
  const cpuMs = [];
  await between();
  for (let i = 0; i < warmup + steps; i++) {
    const x = xs[i % xs.length];
    const t0 = now();
    const c0 = process.cpuUsage();
    await model.trainOnBatch(x, x);
    const cpu = process.cpuUsage(c0);
    if (i >= warmup) {
      ms.push(now() - t0);
      cpuMs.push((cpu.user + cpu.system) / 1000);
    }
    if (i >= warmup && (i - warmup + 1) % block === 0) await between();
  }
  const layers = weightedLayers(model);
  for (const x of xs) x.dispose();
  model.dispose?.();
  wg.emptyPool();
  return { stepMs: summarize(ms), stepCpuMs: summarize(cpuMs), layers, batchSize: spec.batchSize };
}

async function deepRow() {
  const meter = bandwidthMeter(Math.min(128 * 2 ** 20, ctx.limits.maxStorageBufferBindingSize), 4);
  const samples = [];
  await meter.sample(); // first touch of both buffers
  const { stepMs, stepCpuMs, layers, batchSize } = await modelSteps('deep', { warmup: 3, steps: 12, block: 3, between: async () => samples.push(await meter.sample()) });
  meter.destroy();
  const med = (k) => summarize(samples.map((s) => s[k])).median;
  const bandwidth = { copyBufferToBuffer: med('copyBufferToBuffer'), shader: med('shader') };
  const best = Math.max(bandwidth.copyBufferToBuffer, bandwidth.shader);
  const traffic = deepTraffic(layers, batchSize);
  const floorMs = (traffic.bytes / best) * 1000;
  const ratio = stepMs.median / floorMs;
  const fusedFloorMs = (traffic.fusedBytes / best) * 1000;
  // The same bytes at what the quickest copy kernel moves: the floor for a step whose every byte
  // goes through compute shaders, as all of a training step's do.
  const shaderFloorMs = (traffic.bytes / bandwidth.shader) * 1000;
  log(`deep: ${(traffic.bytes / 1e9).toFixed(3)} GB/step; bandwidth copyBufferToBuffer ${(bandwidth.copyBufferToBuffer / 1e9).toFixed(1)} GB/s, copy kernel ${(bandwidth.shader / 1e9).toFixed(1)} GB/s; floor ${floorMs.toFixed(1)} ms (${fusedFloorMs.toFixed(1)} with the gradient fused away, ${shaderFloorMs.toFixed(1)} at the copy kernel's bandwidth); step ${stepMs.median.toFixed(1)} ms; step/floor ${ratio.toFixed(2)} (${(stepMs.median / fusedFloorMs).toFixed(2)}; ${(stepMs.median / shaderFloorMs).toFixed(2)})`);
  return { model: 'deep', batchSize, stepMs, stepCpuMs, traffic, bandwidth, bandwidthSamples: samples.length, bandwidthTiming: meter.timing, copyBytes: meter.bytes, floorMs, ratio, fusedFloorMs, fusedRatio: stepMs.median / fusedFloorMs, shaderFloorMs, shaderRatio: stepMs.median / shaderFloorMs, goal: 2 };
}

async function convRow() {
  const { stepMs, stepCpuMs, layers, batchSize } = await modelSteps('conv', { warmup: 3, steps: 12, block: 12 });
  const flops = stepFlops(layers, batchSize);
  const gflops = flops / (stepMs.median / 1000) / 1e9;
  // Per CPU-second of the process (all threads): what the step does with the time it got, which
  // the load moves less than wall time (waiting for a core is not in it).
  const gflopsPerCpuSecond = flops / (stepCpuMs.median / 1000) / 1e9;
  log(`conv: ${(flops / 1e9).toFixed(3)} GFLOP/step; step ${stepMs.median.toFixed(1)} ms (CPU ${stepCpuMs.median.toFixed(1)}); ${gflops.toFixed(1)} GFLOP/s, ${gflopsPerCpuSecond.toFixed(1)} per CPU-second`);
  return { model: 'conv', batchSize, stepMs, stepCpuMs, flops, gflops, gflopsPerCpuSecond, goal: 30 };
}

const started = new Date().toISOString();
const loadavg = os.loadavg()[0].toFixed(1);
console.log(`limits on ${wg.adapterName()} (load average ${loadavg})`);
const rows = {};
for (const row of args.rows) rows[row] = await { overhead: overheadRow, deep: deepRow, conv: convRow }[row]();
const environment = { runtime: `Node ${process.versions.node} (Dawn, npm webgpu)`, adapter: wg.adapterName(), cpus: os.cpus().length, host: os.cpus()[0]?.model ?? 'unknown CPU' };
const stamp = { date: started, commit: gitCommit(), loadavg, loadavgAfter: os.loadavg()[0].toFixed(1) };
for (const r of Object.values(rows)) Object.assign(r, stamp);
const file = saveResults(`limits-node-${adapterSlug(environment.adapter)}.json`, environment, rows, 'rows');
console.log(`wrote ${file}`);
wg.release();
process.exit(0);
