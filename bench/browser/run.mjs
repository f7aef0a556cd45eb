// Runs the model benchmark in headless Chromium on SwiftShader (WebGPU's CPU adapter), driven by
// Playwright: a Vite dev server on 127.0.0.1 serves bench/browser/ (wgslnet from src/, TF.js from
// node_modules) and Fashion-MNIST's files; each model runs in a fresh page. Used by
// `node bench/run.mjs --browser`, which writes the results.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { embedShaders } from '../../scripts/embed-shaders.mjs';
// The launch options wgslnet/testing ships (bench runs after npm run build).
import { chromiumLaunchOptions } from '../../dist/node/testing.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');


const FASHION_FOLDERS = [process.env.WGSLNET_DATA && join(process.env.WGSLNET_DATA, 'fashion-mnist'), process.env.WGSLNET_DATA, '/usr/share/datasets/fashion-mnist'].filter(Boolean);

/** Serves /data/fashion-mnist/<file>.gz from the first folder that has it (bytes as they are: the page gunzips). */
const fashionMnist = {
  name: 'bench-fashion-mnist',
  configureServer(server) {
    server.middlewares.use('/data/fashion-mnist/', (req, res, next) => {
      const file = decodeURIComponent(req.url.split('?')[0]).replace(/^\/+/, '');
      if (!/^[\w.-]+\.gz$/.test(file)) return next();
      const folder = FASHION_FOLDERS.find((f) => existsSync(join(f, file)));
      if (!folder) return next();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(join(folder, file)).size });
      createReadStream(join(folder, file)).pipe(res);
    });
  },
};

/**
 * Benchmarks `models` (names from bench/models.mjs) with `overrides` (warmup/steps/block/…), one
 * fresh page each. Returns { environment, results } like the Node run.
 */
export async function runBrowser(models, overrides, log = console.log) {
  embedShaders();
  const server = await createServer({
    root: here,
    configFile: false,
    logLevel: 'warn',
    cacheDir: join(root, 'node_modules', '.vite', 'bench-browser'),
    // No reloads while other work edits src/ during a run.
    server: { host: '127.0.0.1', port: 5273, strictPort: false, fs: { allow: [root] }, hmr: false, watch: null },
    // Bundled up front, so that discovering them on first load does not reload the page mid-run.
    optimizeDeps: { noDiscovery: true, include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-webgpu'] },
    plugins: [fashionMnist],
  });
  await server.listen();
  const url = server.resolvedUrls.local[0];
  const browser = await chromium.launch(chromiumLaunchOptions({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }));
  let environment = null;
  const results = [];
  try {
    for (const name of models) {
      log(`${name} (Chromium): starting a fresh page`);
      const page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'log') log(`  ${m.text()}`);
        else if (m.type() === 'error' || m.type() === 'warning') log(`  [page ${m.type()}] ${m.text()}`);
      });
      page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => window.benchmarkReady === true, null, { timeout: 300_000 });
      const out = await page.evaluate(([n, o]) => window.benchmark(n, o), [name, overrides]);
      environment = out.environment;
      results.push(out.result);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { environment, results };
}
