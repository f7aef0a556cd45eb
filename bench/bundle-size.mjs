// What wgslnet weighs in an app: builds the demo's embedding example (load a model, predict) and
// the full demo (which trains) with Vite, and reports their JavaScript, minified and gzipped, and
// which kernels each carries: a predict-only app should not need the optimizers' or the backward
// passes' shaders. Run: node bench/bundle-size.mjs
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
// Kernel names as they appear in the bundle (shaders are embedded by name).
const kernels = readdirSync(join(root, 'shaders')).filter((f) => f.endsWith('.wgsl')).map((f) => f.slice(0, -5));
const optimizerKernels = kernels.filter((k) => /_update$/.test(k));
const backwardKernels = kernels.filter((k) => /_backward/.test(k));

async function measure(name, inline) {
  const outDir = mkdtempSync(join(tmpdir(), 'wgslnet-bundle-'));
  try {
    const result = await build({ ...inline, logLevel: 'silent', build: { ...inline.build, outDir, emptyOutDir: true } });
    // What an app loads on start: its entry chunks and what they import statically. Chunks that are
    // only imported dynamically (the training path) load when training starts, if ever.
    const chunks = [result].flat().flatMap((r) => r.output).filter((o) => o.type === 'chunk');
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    const loaded = new Set();
    const visit = (c) => {
      if (loaded.has(c)) return;
      loaded.add(c);
      for (const f of c.imports) visit(byName.get(f));
    };
    chunks.filter((c) => c.isEntry).forEach(visit);
    const js = [...loaded].map((c) => c.code).join('\n');
    const lazy = chunks.filter((c) => !loaded.has(c)).reduce((n, c) => n + c.code.length, 0);
    const has = (list) => list.filter((k) => js.includes(`${k}`)).length;
    return {
      app: name,
      'min kB': +(js.length / 1024).toFixed(1),
      'gzip kB': +(gzipSync(js, { level: 9 }).length / 1024).toFixed(1),
      kernels: `${has(kernels)}/${kernels.length}`,
      optimizer: `${has(optimizerKernels)}/${optimizerKernels.length}`,
      backward: `${has(backwardKernels)}/${backwardKernels.length}`,
      'adam_update': js.includes('adam_update') ? 'yes' : 'no',
      // The ONNX exporter/importer and protobufjs load only when toOnnx/loadOnnx/'onnx://' are used.
      onnx: js.includes('message ModelProto') ? 'yes' : 'no',
      'lazy kB': +(lazy / 1024).toFixed(1),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const rows = [
  await measure('embed (loadModel + predict)', { configFile: false, root: join(root, 'demo/embed'), build: { target: 'es2022' } }),
  await measure('demo (trains)', { configFile: join(root, 'demo/vite.config.ts') }),
];
console.table(rows);
