// Inference: wgslnet's predict against ONNX Runtime on the seed models, the same weights and inputs
// (the model is exported with toOnnx and the file run by onnxruntime-node on the CPU, with its own
// BLAS and all cores). Samples per second of predict on `batches` batches with the outputs read back
// into JavaScript, in alternating turns so that drift on this shared machine hits both alike; the
// best turn of each is reported. ONNX Runtime's outputs are checked against wgslnet's (1e-5 relative)
// before timing. Writes bench/results/onnx-node-<adapter>.json and bench/results/onnx.md.
// Run after `npm run build`:
//   node bench/onnx.mjs [--models shallow,conv] [--turns N]
// Then `node bench/onnx_web.mjs` adds the Chromium rows (ONNX Runtime Web's WebGPU provider).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, globals } from 'webgpu';
import * as ort from 'onnxruntime-node';
import { PLAN, inferencePair, parseOptions, timePair } from './onnx_shared.mjs';

Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create([]) };
const wg = await import('../dist/node/index.js');

const here = dirname(fileURLToPath(import.meta.url));
const { names, turns } = parseOptions(process.argv.slice(2), 3);

const ctx = await wg.init();
const adapter = wg.adapterName();
console.log(`adapter: ${adapter}; ONNX Runtime ${ort.env.versions?.common ?? ''} CPU, ${os.cpus().length} cores`);

const rows = [];
for (const name of names) {
  const { batchSize, batches } = PLAN[name];
  // ONNX Runtime gets the same batches one run each (its fastest use of a fixed batch size).
  const pair = await inferencePair({
    wg, name, batchSize, batches, Tensor: ort.Tensor,
    createSession: (bytes) => ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' }),
    read: (t) => t.data,
  });
  const { error, best } = await timePair(pair.run, turns);
  if (error > 1e-4) throw new Error(`${name}: ONNX Runtime and wgslnet disagree (worst relative error ${error})`);
  const n = pair.n;
  const row = {
    model: name, batchSize, samples: n,
    wgslnetSamplesPerSec: Math.round(n / best.wgslnet), ortCpuSamplesPerSec: Math.round(n / best.onnx),
    ratio: +(best.onnx / best.wgslnet).toFixed(3), worstRelativeError: +error.toExponential(2), onnxBytes: pair.bytes.length,
  };
  console.log(`${name.padEnd(13)} wgslnet ${String(row.wgslnetSamplesPerSec).padStart(7)}/s   ORT CPU ${String(row.ortCpuSamplesPerSec).padStart(7)}/s   wgslnet/ORT ${row.ratio}×`);
  rows.push(row);
  await pair.session.release();
  pair.m.dispose();
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
// The Chromium section (bench/onnx_web.mjs) stays.
const mdFile = join(results, 'onnx.md');
const previous = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : '';
const chromium = previous.includes('## In Chromium') ? previous.slice(previous.indexOf('## In Chromium')) : '';
writeFileSync(mdFile, chromium ? `${table}\n${chromium}` : table);
console.log(`→ bench/results/onnx-node-${slug}.json, bench/results/onnx.md`);
wg.release();
process.exit(0);
