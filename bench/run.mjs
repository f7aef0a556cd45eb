// Model-level benchmark: wgslnet against TensorFlow.js (tfjs-layers on its webgpu backend) on the
// same WebGPU adapter, training the seed's autoencoders (see bench/models.mjs and bench/README.md).
//   npm run bench                          build, then every model in Node (Dawn)
//   node bench/run.mjs [options]           after `npm run build`
// Options:
//   --models shallow,deep,conv,unet   which models (default: all)
//   --steps N --warmup N --block N   measured steps, warm-up steps, steps per alternating block
//                                (per framework; defaults per model in bench/models.mjs)
//   --tfjs-lr-factor F           scale TF.js's learning rate, to see the loss check fail (e.g. 1.02)
//   --browser                    run in headless Chromium on SwiftShader instead of Node
//   --report                     only regenerate bench/results/latest.md from the JSON files
//   --micro                      afterwards, run the kernel micro-benchmarks (bench/gemm.mjs, bench/conv2d.mjs)
//   --no-onnx                    skip the inference rows against ONNX Runtime (bench/onnx.mjs; bench/onnx_web.mjs with --browser)
// Each model runs in a fresh process (a fresh page in the browser), so memory pools start empty.
// Writes bench/results/<runtime>-<adapter>.json and regenerates bench/results/latest.md from
// every JSON there.
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchModel, makeBatches, MODELS, NUM_BATCHES } from './models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');

function parseArgs(argv) {
  const args = { models: Object.keys(MODELS), overrides: {}, browser: false, micro: false, onnx: true, child: null, report: false };
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
    else if (a === '--report') args.report = true;
    else if (a === '--child') args.child = value();
    else throw new Error(`unknown option ${a} (see the top of bench/run.mjs)`);
  }
  for (const m of args.models) if (!MODELS[m]) throw new Error(`unknown model '${m}'; choose from ${Object.keys(MODELS).join(', ')}`);
  return args;
}

/** Short, file-name-safe adapter name: the well-known software rasterizers by name. */
export function adapterSlug(description) {
  const d = description.toLowerCase();
  if (/llvmpipe|lavapipe/.test(d)) return 'lavapipe';
  if (/swiftshader/.test(d)) return 'swiftshader';
  return d.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'unknown';
}

function gitCommit() {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '../src', '../shaders'], { cwd: here, encoding: 'utf8' }).trim();
    return dirty ? `${hash}+uncommitted` : hash;
  } catch {
    return 'unknown';
  }
}

/** One model in this process (the child side of a Node run); sends the result to the parent. */
async function runChild(name, overrides) {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // One Dawn GPU object for both libraries: the same adapter; each library makes its own device.
  const gpu = create([]);
  globalThis.navigator = { gpu };
  const wg = await import('../dist/node/index.js');
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  await import('@tensorflow/tfjs-backend-webgpu');
  await wg.init({ gpu });
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend did not initialise');
  await tf.ready();

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
      tfjsAdapter: [info.vendor, info.architecture].filter(Boolean).join(' / '),
      tfjs: tf.version_core,
    },
    result,
  });
  wg.release();
  process.exit(0);
}

function runNode(models, overrides) {
  let environment = null;
  const results = [];
  return models
    .reduce(
      (chain, name) =>
        chain.then(
          () =>
            new Promise((resolve, reject) => {
              console.log(`${name}: ${MODELS[name].description}`);
              const child = fork(fileURLToPath(import.meta.url), ['--child', name, ...Object.entries(overrides).flatMap(([k, v]) => [`--${k === 'tfjsLrFactor' ? 'tfjs-lr-factor' : k}`, String(v)])]);
              let got = null;
              child.on('message', (m) => (got = m));
              child.on('exit', (code) => {
                if (code !== 0 || !got) return reject(new Error(`${name}: the benchmark process exited with code ${code}`));
                environment = got.environment;
                results.push(got.result);
                resolve();
              });
            }),
        ),
      Promise.resolve(),
    )
    .then(() => ({ environment, results }));
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const ms = (s) => (s.median >= 100 ? s.median.toFixed(0) : s.median.toFixed(1));
const spread = (s) => `${s.p10.toFixed(s.p10 >= 100 ? 0 : 1)}–${s.p90.toFixed(s.p90 >= 100 ? 0 : 1)}`;
const rate = (r) => (r >= 100 ? r.toFixed(0) : r.toFixed(1));

/** A markdown table of one run's results. */
export function markdownTable(results) {
  const lines = [
    '| model | batch | ms/step wgslnet (p10–p90) | ms/step TF.js (p10–p90) | wgslnet/TF.js | samples/s wgslnet / TF.js | peak GPU MiB wgslnet / TF.js | predict samples/s wgslnet / TF.js | loss check |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const w = r.frameworks.wgslnet;
    const t = r.frameworks.tfjs;
    const diffs = r.lossCheck.diffs.map((d) => d.toExponential(0)).join(', ');
    const check = r.valid ? `ok (${diffs})` : `**INVALID** (${diffs})`;
    lines.push(
      `| ${r.model} | ${r.batchSize} | ${ms(w.stepMs)} (${spread(w.stepMs)}) | ${ms(t.stepMs)} (${spread(t.stepMs)}) | ${r.ratio.toFixed(2)} | ${rate(w.samplesPerSec)} / ${rate(t.samplesPerSec)} | ${mb(w.peakAllocatedBytes)} / ${mb(t.peakAllocatedBytes)} | ${rate(w.predictSamplesPerSec)} / ${rate(t.predictSamplesPerSec)} | ${check} |`,
    );
  }
  return lines.join('\n');
}

function invalidWhy(r) {
  const n = r.lossCheck.diffs.length;
  return `the first ${n} losses disagree (relative differences ${r.lossCheck.diffs.map((d) => d.toExponential(2)).join(', ')}; tolerances ${r.lossCheck.lossRtol} on step 0, ${r.lossCheck.changeRtol} on the change since step 0): wgslnet ${r.frameworks.wgslnet.losses.slice(0, n).join(', ')}; TF.js ${r.frameworks.tfjs.losses.slice(0, n).join(', ')}.`;
}

/** latest.md from every results file: one table per environment. */
function writeLatest() {
  const runs = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    // Node's runs first, then the browsers'.
    .sort((a, b) => Number(!a.startsWith('node-')) - Number(!b.startsWith('node-')) || a.localeCompare(b))
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')))
    // Other benchmarks' files share the folder (tape-node.json has `rows`): only model runs here.
    .filter((run) => Array.isArray(run.results));
  const parts = [
    '<!-- Generated by bench/run.mjs from bench/results/*.json; see bench/README.md for what is measured. -->',
    '',
    'Training steps are `trainOnBatch` on a resident batch (the loss is read back, in both libraries); ms/step is the median over the measured steps, with the 10th–90th percentile. Peak GPU memory is what each library had allocated from the device during training (live tensors plus freed buffers it keeps for reuse). Predict is `predict` over several batches plus reading the outputs back. Loss check, from identical weights and batches: relative difference of step 0\'s losses (tolerance 1e-4) and of the loss changes since step 0 at steps 1 and 2 (tolerance 5e-3); see bench/models.mjs.',
  ];
  for (const run of runs) {
    const e = run.environment;
    const steps = run.results.map((r) => `${r.model} ${r.warmup} warm-up + ${r.steps} measured steps in blocks of ${r.block}`);
    // When (date, commit, load) differ between models (partial runs), each model's is listed.
    const stamps = [...new Set(run.results.map((r) => `${r.date.slice(0, 16).replace('T', ' ')} UTC, wgslnet ${r.commit}, load average ${r.loadavg}`))];
    const when = stamps.length === 1 ? stamps[0] : run.results.map((r) => `${r.model}: ${r.date.slice(0, 16).replace('T', ' ')} UTC, wgslnet ${r.commit}, load average ${r.loadavg}`).join('; ');
    parts.push('', `### ${e.runtime} — ${e.adapter}`, '', `TF.js ${e.tfjs} (webgpu backend); ${e.cpus} × ${e.host}; ${when}. ${steps.join('; ')}.`, '', markdownTable(run.results));
    const invalid = run.results.filter((r) => !r.valid);
    for (const r of invalid) parts.push('', `**${r.model} is invalid**: ${invalidWhy(r)}`);
  }
  writeFileSync(join(resultsDir, 'latest.md'), `${parts.join('\n')}\n`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runChild(args.child, args.overrides);
  if (args.report) return writeLatest();

  const started = new Date().toISOString();
  const loadavg = os.loadavg()[0].toFixed(1);
  const run = args.browser
    ? await (await import('./browser/run.mjs')).runBrowser(args.models, args.overrides, (line) => console.log(line))
    : await runNode(args.models, args.overrides);
  const environment = { ...run.environment, cpus: os.cpus().length, host: os.cpus()[0]?.model ?? 'unknown CPU' };
  // Stamped per model: a partial run replaces only its models in the results file.
  const commit = gitCommit();
  for (const r of run.results) Object.assign(r, { date: started, commit, loadavg });
  const runtime = args.browser ? 'chromium' : 'node';
  const file = join(resultsDir, `${runtime}-${adapterSlug(environment.adapter)}.json`);

  console.log(`\n${environment.runtime} — ${environment.adapter}\n`);
  console.log(markdownTable(run.results));
  for (const r of run.results) {
    if (!r.valid) console.warn(`\nWARNING: ${r.model} is INVALID: ${invalidWhy(r)}`);
  }
  if (args.overrides.tfjsLrFactor !== undefined) {
    console.log('\nresults not saved: --tfjs-lr-factor is for checking the loss check');
    return;
  }
  if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
  // A partial run (some models) updates those models in the file and keeps the others.
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const kept = (previous?.results ?? []).filter((r) => !args.models.includes(r.model));
  const order = Object.keys(MODELS);
  const results = [...kept, ...run.results].sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model));
  writeFileSync(file, `${JSON.stringify({ environment, results }, null, 2)}\n`);
  writeLatest();
  console.log(`\nwrote ${file} and ${join(resultsDir, 'latest.md')}`);

  // Inference rows: predict against ONNX Runtime (CPU in Node, Web's WebGPU provider in Chromium) on the same models (bench/results/onnx.md).
  if (args.onnx) {
    const script = args.browser ? 'onnx_web.mjs' : 'onnx.mjs';
    console.log(`\n$ node bench/${script} --models ${args.models.join(',')}`);
    spawnSync(process.execPath, [join(here, script), '--models', args.models.join(',')], { stdio: 'inherit' });
  }

  if (args.micro) {
    for (const script of ['gemm.mjs', 'conv2d.mjs']) {
      if (!existsSync(join(here, script))) continue;
      console.log(`\n$ node bench/${script}`);
      spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
    }
  }
}

await main();
