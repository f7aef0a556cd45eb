// How close the optimizer update kernels come to the machine's memory bandwidth: GPU times (timestamp
// queries) of one pass over a parameter of N floats (default the deep model's 12288×1024 layer) for
//   copy   copyBufferToBuffer of N floats (the bandwidth the adapter reaches at all),
//   add    a plain vec4 kernel a[i] = a[i] + b[i] (what a trivial elementwise pass reaches),
//   each optimizer's update kernel as wgslnet ships it (src/generated, through optimizers.apply),
// side by side in one run, with GB/s = bytes each pass must move / its time. Run after `npm run build`:
//   node bench/optimizer.mjs [--n FLOATS] [--reps N] [--only copy,add,adam,...]
import { workerCpuSeconds } from './cpu_time.mjs';
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create(['disable-dawn-features=timestamp_quantization']);

const args = { n: 12288 * 1024, reps: 5, only: null };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--n') args.n = Number(process.argv[++i]);
  else if (a === '--reps') args.reps = Number(process.argv[++i]);
  else if (a === '--only') args.only = process.argv[++i].split(',');
  else throw new Error(`unknown option ${a} (see the top of bench/optimizer.mjs)`);
}

const wg = await import('../dist/node/index.js');
const { optimizers } = await import('../dist/optimizers.js');
const { encoder } = await import('../dist/runner.js');
const { matmul, matmulUpdate } = await import('../dist/ops/matmul.js');
const ctx = await wg.init({ gpu });
if (!ctx.features.has('timestamp-query')) throw new Error(`${wg.adapterName()} has no 'timestamp-query'`);
const { device } = ctx;

const MAX_QUERIES = 256;
const querySet = device.createQuerySet({ type: 'timestamp', count: MAX_QUERIES });
const resolved = device.createBuffer({ size: MAX_QUERIES * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
const readback = device.createBuffer({ size: MAX_QUERIES * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

// The library's dispatches go into passes it opens on its shared encoder; wrapping beginComputePass
// gives each a timestamp pair (as bench/profile.mjs does, in a lighter form: one pass per dispatch).
let slot = 0;
const createEncoder = device.createCommandEncoder.bind(device);
device.createCommandEncoder = (descriptor) => {
  const real = createEncoder(descriptor);
  const begin = real.beginComputePass.bind(real);
  real.beginComputePass = (d = {}) => {
    const at = slot;
    slot += 2;
    return begin({ ...d, timestampWrites: { querySet, beginningOfPassWriteIndex: at, endOfPassWriteIndex: at + 1 } });
  };
  return real;
};

// CPU time is read in 10 ms ticks: its mean over the rounds, not the median, resolves less.
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Submits what is encoded with the timestamps resolved, and hands them to `read` once mapped. */
async function resolveTimes(read) {
  const enc = encoder();
  enc.resolveQuerySet(querySet, 0, slot, resolved, 0);
  enc.copyBufferToBuffer(resolved, 0, readback, 0, slot * 8);
  wg.flush();
  await readback.mapAsync(GPUMapMode.READ);
  const t = new BigInt64Array(readback.getMappedRange().slice(0));
  readback.unmap();
  return read(t);
}

/** GPU ms of the passes `encode` records, summed. */
function gpuMs(encode) {
  slot = 0;
  encode();
  return resolveTimes((t) => {
    let ns = 0n;
    for (let q = 0; q < slot; q += 2) ns += t[q + 1] - t[q];
    return Number(ns) / 1e6;
  });
}

const N = Math.ceil(args.n / 4) * 4;
const bytes = N * 4;
const random = () => {
  const a = new Float32Array(N);
  for (let i = 0; i < N; i++) a[i] = Math.random() - 0.5;
  return a;
};
const value = wg.tensor(random(), [N]);
const grad = wg.tensor(random(), [N]);
const want = (name) => !args.only || args.only.some((o) => name.startsWith(o) || o.startsWith(name));
/** [name, bytes moved, run once → GPU ms]: measured round-robin, so load drift on a shared machine hits all alike. */
const cases = [];

console.log(`adapter: ${wg.adapterName()}; one pass over ${N} floats (${(bytes / 1e6).toFixed(1)} MB each), median of ${args.reps} rounds`);

/** GPU ms of a copy of N floats: a copy takes no timestamps itself, so two empty timed passes bracket it. */
function copyCase(dst) {
  return () => {
    slot = 0;
    const enc = encoder();
    enc.beginComputePass().end();
    enc.copyBufferToBuffer(value.buffer, 0, dst.buffer, 0, bytes);
    enc.beginComputePass().end();
    return resolveTimes((t) => Number(t[2] - t[1]) / 1e6);
  };
}
const dst = wg.empty([N]);
cases.push(['copyBufferToBuffer', 2 * bytes, copyCase(dst)]);

/** A raw kernel over N/4 vec4s with bindings a (read_write), b (read) and n. */
function rawKernel(code, workgroups) {
  const module = device.createShaderModule({ code });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const nbuf = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(nbuf, 0, Uint32Array.of(N / 4, 0, 0, 0));
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [value.buffer, grad.buffer, nbuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  return () => gpuMs(() => {
    const pass = encoder().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(...workgroups);
    pass.end();
  });
}

function grid(invocations, size) {
  const groups = Math.ceil(invocations / size);
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

const HEAD = `
@group(0) @binding(0) var<storage, read_write> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<uniform> n: u32;`;
// One vec4 per invocation, as lib/elementwise.wgsl.
const ADD1 = (size) => `${HEAD}
@compute @workgroup_size(${size})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * ${size}u;
  if (i < n) { a[i] = a[i] + b[i]; }
}`;
// `per` vec4s per invocation, the workgroup's lanes on consecutive vec4s at each step.
const ADD_STRIDED = (size, per) => `${HEAD}
@compute @workgroup_size(${size})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) l: u32, @builtin(num_workgroups) groups: vec3u) {
  let first = (wid.x + wid.y * groups.x) * ${size * per}u + l;
  for (var j = 0u; j < ${per}u; j++) {
    let i = first + j * ${size}u;
    if (i < n) { a[i] = a[i] + b[i]; }
  }
}`;
if (want('add')) {
  cases.push([`add wg64`, 3 * bytes, rawKernel(ADD1(64), grid(N / 4, 64))]);
  for (const [size, per] of [[64, 4]]) cases.push([`add wg${size}×${per} strided`, 3 * bytes, rawKernel(ADD_STRIDED(size, per), grid(N / 4 / per, size))]);
}

// Each optimizer as shipped: one apply() = its update kernel (plus Adam's one-thread powers kernel).
const OPTIMIZERS = {
  sgd: () => optimizers.sgd(),
  momentum: () => optimizers.sgd({ momentum: 0.9 }),
  adam: () => optimizers.adam(),
  adamw: () => optimizers.adamw(),
  adadelta: () => optimizers.adadelta(),
  rmsprop: () => optimizers.rmsprop(),
  adagrad: () => optimizers.adagrad(),
};
// Floats each read or written per parameter element: value r+w, grad r, each slot r+w.
const TRAFFIC = { sgd: 3, momentum: 5, adam: 7, adamw: 7, adadelta: 7, rmsprop: 5, adagrad: 5 };
const made = [];
for (const [name, make] of Object.entries(OPTIMIZERS)) {
  if (!want(name)) continue;
  const opt = make();
  made.push(opt);
  const params = [{ value, grad }];
  cases.push([`${name} update`, TRAFFIC[name] * bytes, () => gpuMs(() => opt.apply(params))]);
}

// The deep model's weight-gradient step for a [N/1024, 1024] kernel: dW = xᵀ·dz over a batch of 20,
// then the update, as two passes (dW stored and read back) or fused into the GEMM's epilogue.
if (want('gemm') && N % 1024 === 0) {
  const inputs = N / 1024;
  const x = wg.tensor(random().subarray(0, 20 * inputs), [20, inputs]);
  const dz = wg.tensor(random().subarray(0, 20 * 1024), [20, 1024]);
  const w = value.reshape([inputs, 1024]);
  for (const name of ['sgd', 'adam', 'adadelta']) {
    if (args.only && !args.only.some((o) => `gemm ${name}`.startsWith(o))) continue;
    const opt = OPTIMIZERS[name]();
    made.push(opt);
    cases.push([`gemm+${name}, two passes`, (TRAFFIC[name] + 1) * bytes, () => gpuMs(() => {
      const g = matmul(x, dz, { transposeA: true });
      opt.apply([{ value: w, grad: g }]);
      g.dispose();
    })]);
    cases.push([`gemm+${name}, fused`, (TRAFFIC[name] - 1) * bytes, () => gpuMs(() => {
      const [update] = opt.beginStep([w]);
      if (!matmulUpdate(x, dz, { transposeA: true }, update)) throw new Error('this adapter cannot fuse the update');
      opt.apply([]);
    })]);
  }
}

const times = new Map(cases.map(([name]) => [name, { ms: [], cpu: [] }]));
for (let r = 0; r < args.reps + 1; r++) {
  for (const [name, , run] of cases) {
    const cpu0 = workerCpuSeconds();
    const ms = await run();
    const cpu = workerCpuSeconds() - cpu0;
    // The first round builds pipelines and slots.
    if (r > 0) {
      times.get(name).ms.push(ms);
      times.get(name).cpu.push(cpu * 1000);
    }
  }
}
const copyGbs = (2 * bytes) / median(times.get('copyBufferToBuffer').ms) / 1e6;
console.log(`${'pass'.padEnd(26)} ${'GPU ms'.padStart(8)} ${'GB/s'.padStart(6)}  of copy  ${'CPU ms'.padStart(8)} mean (lavapipe's threads)`);
for (const [name, moved] of cases) {
  const ms = median(times.get(name).ms);
  const gbs = moved / ms / 1e6;
  console.log(`${name.padEnd(26)} ${ms.toFixed(2).padStart(8)} ${gbs.toFixed(1).padStart(6)}  ${(gbs / copyGbs).toFixed(2).padStart(6)}×  ${mean(times.get(name).cpu).toFixed(0).padStart(8)}`);
}
for (const opt of made) opt.dispose();
wg.release();
process.exit(0);
