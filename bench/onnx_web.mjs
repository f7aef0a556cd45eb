// Inference in Chromium: wgslnet's predict against ONNX Runtime Web's WebGPU execution provider on
// the same adapter (SwiftShader here), the seed models exported with toOnnx (bench/onnx_shared.mjs);
// driven by Playwright on bench/browser/'s page like bench/browser/run.mjs, a fresh page per model.
// Writes its table into bench/results/onnx.md (replacing its Chromium section; bench/onnx.mjs writes the rest)
// and writes bench/results/onnx-web-<adapter>.json. Run after `npm run build`:
//   node bench/onnx_web.mjs [--models shallow,conv] [--turns N]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { embedShaders } from '../scripts/embed-shaders.mjs';
import { chromiumLaunchOptions } from '../dist/node/testing.js';
import { PLAN, parseOptions } from './onnx_shared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { names, turns } = parseOptions(process.argv.slice(2), 2);

embedShaders();
const server = await createServer({
  root: join(here, 'browser'),
  configFile: false,
  logLevel: 'warn',
  cacheDir: join(root, 'node_modules', '.vite', 'bench-onnx-web'),
  server: { host: '127.0.0.1', port: 5274, strictPort: false, fs: { allow: [root] }, hmr: false, watch: null },
  // ONNX Runtime Web finds its .wasm beside its own module: served as it is, not pre-bundled;
  // protobufjs is CommonJS, so it is (with the TF.js the page's other benchmark imports).
  optimizeDeps: { noDiscovery: true, include: ['protobufjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-webgpu'], exclude: ['onnxruntime-web'] },
});
await server.listen();
const browser = await chromium.launch(chromiumLaunchOptions({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }));
const rows = [];
let environment = null;
try {
  for (const name of names) {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'log' && console.log(`  ${m.text()}`));
    page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
    await page.goto(server.resolvedUrls.local[0]);
    await page.waitForFunction(() => window.benchmarkReady === true, null, { timeout: 300_000 });
    const { batchSize, browser: sizes } = PLAN[name];
    const out = await page.evaluate((args) => window.onnxBenchmark(args), { name, turns, batchSize, ...sizes });
    environment = out.environment;
    rows.push(out.row);
    const r = out.row;
    console.log(`${name.padEnd(13)} wgslnet ${r.wgslnetSamplesPerSec}/s   ORT Web WebGPU ${r.ortWebGpuSamplesPerSec}/s   wgslnet/ORT ${r.ratio}×   (max rel. diff ${r.worstRelativeError})`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const slug = /swiftshader/i.test(environment?.adapter ?? '') ? 'swiftshader' : 'unknown';
writeFileSync(join(here, 'results', `onnx-web-${slug}.json`), JSON.stringify({ date: new Date().toISOString(), environment, turns, rows }, null, 2) + '\n');
// Replaces the Chromium section of onnx.md (bench/onnx.mjs writes the rest).
const mdFile = join(here, 'results', 'onnx.md');
const md = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : '# Inference: wgslnet predict vs ONNX Runtime\n';
const SECTION = '## In Chromium';
writeFileSync(mdFile, md.slice(0, md.includes(SECTION) ? md.indexOf(SECTION) : undefined).trimEnd() + '\n' + [
  '',
  `${SECTION}: wgslnet vs ONNX Runtime Web (WebGPU execution provider), same adapter`,
  '',
  `${environment.runtime}; wgslnet on ${environment.adapter}; ORT Web on ${environment.ortAdapter}. Best of ${turns} alternating turns; ratio > 1: wgslnet faster.`,
  '',
  '| model | batch | samples | wgslnet /s | ORT Web WebGPU /s | wgslnet ÷ ORT | max rel. diff |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.model} | ${r.batchSize} | ${r.samples} | ${r.wgslnetSamplesPerSec} | ${r.ortWebGpuSamplesPerSec} | ${r.ratio}× | ${r.worstRelativeError} |`),
  '',
].join('\n'));
console.log(`→ bench/results/onnx-web-${slug}.json, bench/results/onnx.md`);
process.exit(0);
