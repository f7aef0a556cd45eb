// Inference: wgslnet's predict against ONNX Runtime on the seed models, the same weights and inputs
// (the model is exported with toOnnx and the file run by onnxruntime-node on the CPU, with its own
// BLAS and all cores). Samples per second of predict on `batches` batches with the outputs read back
// into JavaScript, in alternating turns so that drift on this shared machine hits both alike; the
// best turn of each is reported. ONNX Runtime's outputs are checked against wgslnet's (1e-5 relative)
// before timing. Writes bench/results/onnx-node-<adapter>.json and bench/results/onnx.md.
// Run after `npm run build`:
//   node bench/onnx.mjs [--models shallow,conv] [--turns N]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, globals } from 'webgpu';
import * as ort from 'onnxruntime-node';

Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create([]) };
const wg = await import('../dist/node/index.js');

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const turns = Number(option('--turns', 3));
/** Batch size and batches per predict call: the examples' training batch sizes, fewer batches for the big ones. */
const PLAN = {
  shallow: { batchSize: 256, batches: 8 },
  sparse: { batchSize: 256, batches: 8 },
  'deep-fashion': { batchSize: 256, batches: 8 },
  contractive: { batchSize: 256, batches: 8 },
  deep: { batchSize: 20, batches: 4 },
  conv: { batchSize: 20, batches: 2 },
  denoising: { batchSize: 20, batches: 2 },
};
const names = option('--models', Object.keys(PLAN).join(',')).split(',');
for (const n of names) if (!PLAN[n]) throw new Error(`unknown model '${n}'; choose from ${Object.keys(PLAN).join(', ')}`);

const ctx = await wg.init();
const adapter = wg.adapterName();
console.log(`adapter: ${adapter}; ONNX Runtime ${ort.env.versions?.common ?? ''} CPU, ${os.cpus().length} cores`);

function relativeError(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-6 + Math.abs(b[i])));
  return worst;
}

const rows = [];
for (const name of names) {
  const { batchSize, batches } = PLAN[name];
  wg.setRandomSeed(1);
  const m = wg.examples[name].build();
  const n = batchSize * batches;
  const shape = [n, ...m.inputShape];
  const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) x[i] = Math.random();
  const bytes = await wg.toOnnx(m);
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
  const feedOf = (first, count) => ({ [session.inputNames[0]]: new ort.Tensor('float32', x.subarray(first * x.length / n, (first + count) * x.length / n), [count, ...m.inputShape]) });

  const wgslnet = async () => {
    const y = await m.predict({ data: x, shape }, { batchSize });
    const out = await y.data();
    y.dispose();
    return out;
  };
  // ONNX Runtime gets the same batches one run each (its fastest use of a fixed batch size).
  const onnx = async () => {
    const out = new Float32Array(n * m.outputShape.reduce((a, b) => a * b, 1));
    for (let b = 0; b < batches; b++) {
      const r = await session.run(feedOf(b * batchSize, batchSize));
      out.set(r[session.outputNames[0]].data, (b * out.length) / batches);
    }
    return out;
  };

  const error = relativeError(await onnx(), await wgslnet());
  if (error > 1e-4) throw new Error(`${name}: ONNX Runtime and wgslnet disagree (worst relative error ${error})`);
  const best = { wgslnet: Infinity, onnx: Infinity };
  for (let t = 0; t < turns; t++) {
    for (const [key, run] of [['wgslnet', wgslnet], ['onnx', onnx]]) {
      const t0 = performance.now();
      await run();
      best[key] = Math.min(best[key], (performance.now() - t0) / 1000);
    }
  }
  const row = {
    model: name, batchSize, samples: n,
    wgslnetSamplesPerSec: Math.round(n / best.wgslnet), ortCpuSamplesPerSec: Math.round(n / best.onnx),
    ratio: +(best.onnx / best.wgslnet).toFixed(3), worstRelativeError: +error.toExponential(2), onnxBytes: bytes.length,
  };
  console.log(`${name.padEnd(13)} wgslnet ${String(row.wgslnetSamplesPerSec).padStart(7)}/s   ORT CPU ${String(row.ortCpuSamplesPerSec).padStart(7)}/s   wgslnet/ORT ${row.ratio}×`);
  rows.push(row);
  await session.release();
  m.dispose();
}

const results = join(here, 'results');
mkdirSync(results, { recursive: true });
const slug = /llvmpipe|lavapipe/i.test(adapter) ? 'lavapipe' : adapter.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40);
const record = { date: new Date().toISOString(), adapter, software: ctx.adapter.isSoftware, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, ort: 'onnxruntime-node CPU', turns, rows };
writeFileSync(join(results, `onnx-node-${slug}.json`), JSON.stringify(record, null, 2) + '\n');
const table = [
  `# Inference: wgslnet predict vs ONNX Runtime (CPU)`,
  '',
  `${record.date.slice(0, 10)}, adapter ${adapter}${record.software ? ' (software: WebGPU on the CPU)' : ''}; onnxruntime-node on ${record.cpus} CPU cores (${record.cpuModel}).`,
  `Samples per second of predict with outputs read back, best of ${turns} alternating turns; ratio > 1: wgslnet faster. Load average ${os.loadavg()[0].toFixed(1)} at the end of the run (a shared machine: rows vary several-fold between runs).`,
  '',
  '| model | batch | samples | wgslnet /s | ORT CPU /s | wgslnet ÷ ORT | max rel. diff |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.model} | ${r.batchSize} | ${r.samples} | ${r.wgslnetSamplesPerSec} | ${r.ortCpuSamplesPerSec} | ${r.ratio}× | ${r.worstRelativeError} |`),
  '',
].join('\n');
writeFileSync(join(results, 'onnx.md'), table);
console.log(`→ bench/results/onnx-node-${slug}.json, bench/results/onnx.md`);
wg.release();
process.exit(0);
