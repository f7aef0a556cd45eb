// Model-level benchmark: wgslnet against TensorFlow.js (tfjs-layers on its webgpu backend on the
// same WebGPU adapter, and on its wasm backend on the CPU), training the seed's autoencoders (see
// bench/models.mjs and bench/README.md); then the steps against the machine's limits (bench/limits.mjs).
//   npm run bench                          build, then every model in Node (Dawn), both TF.js backends
//   node bench/run.mjs [options]           after `npm run build`
// Options:
//   --models shallow,deep,conv,unet   which models (default: all)
//   --steps N --warmup N --block N   measured steps, warm-up steps, steps per alternating block
//                                (per framework; defaults per model in bench/models.mjs)
//   --tfjs-backends webgpu,wasm  which TF.js backends to compare against (default: both in Node)
//   --tfjs-lr-factor F           scale TF.js's learning rate, to see the loss check fail (e.g. 1.02)
//   --browser                    run in headless Chromium on SwiftShader instead of Node
//   --report                     only regenerate bench/results/latest.md from the JSON files
//   --micro                      afterwards, run the kernel micro-benchmarks (bench/gemm.mjs, bench/conv2d.mjs)
//   --no-limits                  skip the rows against the machine's limits (bench/limits.mjs)
//   --no-onnx                    skip the inference rows against ONNX Runtime (bench/onnx.mjs; bench/onnx_web.mjs with --browser)
// Each model runs in a fresh process (a fresh page in the browser), so memory pools start empty.
// Writes bench/results/<runtime>-<adapter>.json (-tfjs-wasm.json against wasm) and regenerates bench/results/latest.md from
// every JSON there.
import { fork, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchModel, makeBatches, MODELS, NUM_BATCHES } from './models.mjs';
import { adapterSlug, gitCommit, invalidWhy, markdownTable, saveResults, writeLatest } from './report.mjs';
import { PLAN as ONNX_PLAN } from './onnx_shared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** TF.js backends to compare against: its WebGPU backend on the same adapter, its WASM backend on the CPU (Node only). */
const BACKENDS = ['webgpu', 'wasm'];

function parseArgs(argv) {
  const args = { models: Object.keys(MODELS), backends: null, overrides: {}, browser: false, micro: false, onnx: true, limits: true, child: null, report: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--models') args.models = value().split(',').filter(Boolean);
    else if (a === '--steps' || a === '--warmup' || a === '--block') {
      const n = Number(value());
      if (!(Number.isInteger(n) && n >= (a === '--warmup' ? 0 : 1))) throw new Error(`${a} must be a ${a === '--warmup' ? 'non-negative' : 'positive'} integer`);
      args.overrides[a.slice(2)] = n;
    } else if (a === '--tfjs-lr-factor') {
      args.overrides.tfjsLrFactor = Number(value());
      if (!(args.overrides.tfjsLrFactor > 0)) throw new Error('--tfjs-lr-factor must be a positive number');
    } else if (a === '--browser') args.browser = true;
    else if (a === '--micro') args.micro = true;
    else if (a === '--no-onnx') args.onnx = false;
    else if (a === '--no-limits') args.limits = false;
    else if (a === '--tfjs-backends') args.backends = value().split(',').filter(Boolean);
    else if (a === '--report') args.report = true;
    else if (a === '--child') args.child = value();
    else throw new Error(`unknown option ${a} (see the top of bench/run.mjs)`);
  }
  for (const m of args.models) if (!MODELS[m]) throw new Error(`unknown model '${m}'; choose from ${Object.keys(MODELS).join(', ')}`);
  // In the browser, TF.js's webgpu backend only; in Node both unless --tfjs-backends says.
  args.backends ??= args.browser ? ['webgpu'] : BACKENDS;
  for (const b of args.backends) {
    if (!BACKENDS.includes(b)) throw new Error(`unknown TF.js backend '${b}'; choose from ${BACKENDS.join(', ')}`);
    if (args.browser && b !== 'webgpu') throw new Error('--browser compares against TF.js webgpu only');
  }
  return args;
}

/** Where TF.js's WASM backend finds its .wasm files: inside its npm package (nothing is downloaded). */
function wasmDir() {
  return `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`;
}

function wasmInstalled() {
  try {
    wasmDir();
    return true;
  } catch {
    return false;
  }
}

/** Sets TF.js's backend (webgpu: on `navigator.gpu`; wasm: on the CPU); returns words describing it. */
async function tfjsBackend(tf, backend) {
  if (backend === 'wasm') {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(wasmDir());
  } else await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js: the ${backend} backend did not initialise`);
  await tf.ready();
  if (backend !== 'wasm') return null;
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multithreaded' : 'one thread';
  return `${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'}, ${threads}`;
}

/** One model in this process (the child side of a Node run); sends the result to the parent. */
async function runChild(name, backend, overrides) {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // One Dawn GPU object for both libraries: the same adapter; each library makes its own device.
  const gpu = create([]);
  globalThis.navigator = { gpu };
  const wg = await import('../dist/node/index.js');
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  await wg.init({ gpu });
  const detail = await tfjsBackend(tf, backend);

  const spec = MODELS[name];
  const fashion = spec.data === 'fashion-mnist' ? (await wg.datasets.fashionMnist.load()).xTrain : null;
  const batches = makeBatches(wg, spec, NUM_BATCHES, fashion);
  const info = tf.backend().adapterInfo;
  const result = await benchModel({ wg, tf, tfl, name, batches, log: (line) => console.log(`  ${line}`), ...overrides });
  result.data = spec.data === 'fashion-mnist' ? 'Fashion-MNIST' : spec.data;
  process.send({
    environment: {
      runtime: `Node ${process.versions.node} (Dawn, npm webgpu)`,
      adapter: wg.adapterName(),
      tfjsBackend: backend,
      ...(detail ? { tfjsBackendDetail: detail } : { tfjsAdapter: [info.vendor, info.architecture].filter(Boolean).join(' / ') }),
      tfjs: tf.version_core,
    },
    result,
  });
  wg.release();
  process.exit(0);
}

/** The models one after another, each in a child process of its own. */
async function runNode(models, backend, overrides) {
  let environment = null;
  const results = [];
  const flags = Object.entries(overrides).flatMap(([k, v]) => [`--${k === 'tfjsLrFactor' ? 'tfjs-lr-factor' : k}`, String(v)]);
  for (const name of models) {
    console.log(`${name} against TF.js ${backend}: ${MODELS[name].description}`);
    await new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['--child', name, '--tfjs-backends', backend, ...flags]);
      let got = null;
      child.on('message', (m) => (got = m));
      child.on('exit', (code) => {
        if (code !== 0 || !got) return reject(new Error(`${name}: the benchmark process exited with code ${code}`));
        environment = got.environment;
        results.push(got.result);
        resolve();
      });
    });
  }
  return { environment, results };
}

/** Runs the models against one TF.js backend, prints the table and saves the results (unless the loss check is being tested). */
async function benchBackend(args, backend) {
  const started = new Date().toISOString();
  const loadavg = os.loadavg()[0].toFixed(1);
  const run = args.browser
    ? await (await import('./browser/run.mjs')).runBrowser(args.models, args.overrides, (line) => console.log(line))
    : await runNode(args.models, backend, args.overrides);
  const environment = { ...run.environment, cpus: os.cpus().length, host: os.cpus()[0]?.model ?? 'unknown CPU' };
  // Stamped per model: a partial run replaces only its models in the results file.
  const commit = gitCommit();
  for (const r of run.results) Object.assign(r, { date: started, commit, loadavg });

  console.log(`\n${environment.runtime} — ${environment.adapter} — against TF.js ${backend}\n`);
  console.log(markdownTable(run.results, backend));
  for (const r of run.results) {
    if (!r.unsupported && !r.valid) console.warn(`\nWARNING: ${r.model} is INVALID: ${invalidWhy(r)}`);
  }
  if (args.overrides.tfjsLrFactor !== undefined) {
    console.log('\nresults not saved: --tfjs-lr-factor is for checking the loss check');
    return;
  }
  const runtime = args.browser ? 'chromium' : 'node';
  const file = saveResults(`${runtime}-${adapterSlug(environment.adapter)}${backend === 'webgpu' ? '' : `-tfjs-${backend}`}.json`, environment, run.results, 'results', Object.keys(MODELS));
  console.log(`\nwrote ${file} and bench/results/latest.md`);
}

/** Another bench script, as a process of its own. */
function script(name, flags = []) {
  console.log(`\n$ node bench/${name} ${flags.join(' ')}`);
  spawnSync(process.execPath, [join(here, name), ...flags], { stdio: 'inherit' });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runChild(args.child, args.backends[0], args.overrides);
  if (args.report) return writeLatest();

  for (const backend of args.backends) {
    if (backend === 'wasm' && !wasmInstalled()) {
      console.warn('\nskipped the rows against TF.js wasm: @tensorflow/tfjs-backend-wasm is not installed (run `npm install`; it is a devDependency)');
      continue;
    }
    await benchBackend(args, backend);
  }
  if (args.overrides.tfjsLrFactor !== undefined) return;

  // The steps against the machine's limits (bench/limits.mjs): Node only, all three rows.
  if (args.limits && !args.browser) script('limits.mjs');
  // Inference rows: predict against ONNX Runtime (CPU in Node, Web's WebGPU provider in Chromium) on the same models (bench/results/onnx.md).
  // The ONNX rows know the seed examples (not the U-Net), more of them than the training rows: all
  // of them in a run of every model (bench/onnx.mjs rewrites its whole table), else this run's
  // models that it knows.
  const everyModel = Object.keys(MODELS).every((m) => args.models.includes(m));
  const onnxModels = everyModel ? Object.keys(ONNX_PLAN) : args.models.filter((m) => m in ONNX_PLAN);
  if (args.onnx && onnxModels.length > 0) script(args.browser ? 'onnx_web.mjs' : 'onnx.mjs', ['--models', onnxModels.join(',')]);
  if (args.micro) for (const name of ['gemm.mjs', 'conv2d.mjs']) script(name);
}

await main();
