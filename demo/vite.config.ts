// The demo's Vite app (root: demo/, importing the library's sources from ../src). A small plugin
// serves the local data sets to the page: Fashion-MNIST's four .gz files under /data/fashion-mnist/
// and the photo patches (PNGs) under /data/photos/, listed by /data/photos/index.json; what this
// machine has is in /data/index.json. A static build (any web host, no plugin) carries a slice of
// Fashion-MNIST instead, in the same files and routes, and a small trained model (public/models/).
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { embedShaders } from '../scripts/embed-shaders.mjs';
import { FASHION_MNIST_FILES } from '../src/data/fashion-mnist.js';
import type { DataIndex } from './data.js';
import { fashionMnistFolders, photosFolder } from '../src/node/datasets.js';

// A fresh checkout has no src/generated/ yet.
embedShaders();

const FASHION_FILES: string[] = Object.values(FASHION_MNIST_FILES);

/** The first folder holding all four Fashion-MNIST files, as the Node loader searches. */
function fashionFolder(): string | null {
  return fashionMnistFolders().find((dir) => FASHION_FILES.every((f) => existsSync(join(dir, f)))) ?? null;
}

function photoFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
}

function sendFile(res: ServerResponse, file: string, type: string): void {
  // The .gz files go out as bytes (no Content-Encoding): the page gunzips them itself.
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': statSync(file).size, 'Cache-Control': 'max-age=3600' });
  createReadStream(file).pipe(res);
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  res.end(JSON.stringify(value));
}

/** How much of Fashion-MNIST a static build carries: about 3 MB gzipped, enough to learn clothing. */
export const SLICE = { train: 6000, test: 1000 };

/** The first `count` records of an IDX file (header rewritten), gzipped again. */
function idxSlice(file: string, count: number): Uint8Array {
  const bytes = gunzipSync(readFileSync(file));
  const dims = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let per = 1;
  for (let d = 1; d < dims; d++) per *= view.getUint32(4 + 4 * d);
  const header = 4 + 4 * dims;
  const out = bytes.slice(0, header + count * per);
  new DataView(out.buffer).setUint32(4, count);
  return gzipSync(out);
}

/** The build's data: the Fashion-MNIST slice and an index.json that names it. */
function dataSlice(): Plugin {
  return {
    name: 'wgslnet-data-slice',
    apply: 'build',
    generateBundle() {
      const dir = fashionFolder();
      if (dir) {
        const f = FASHION_MNIST_FILES;
        for (const [file, count] of [[f.xTrain, SLICE.train], [f.yTrain, SLICE.train], [f.xTest, SLICE.test], [f.yTest, SLICE.test]] as const) {
          this.emitFile({ type: 'asset', fileName: `data/fashion-mnist/${file}`, source: idxSlice(join(dir, file), count) });
        }
      } else this.warn('Fashion-MNIST is not on this machine: the static build carries no data (the page says so)');
      const index: DataIndex = { fashionMnist: dir ? { ...SLICE, slice: true } : null, photos: 0 };
      this.emitFile({ type: 'asset', fileName: 'data/index.json', source: JSON.stringify(index) });
    },
  };
}

const dataMiddleware: Connect.NextHandleFunction = (req, res, next) => {
  const path = decodeURIComponent((req.url ?? '').split('?')[0]);
  if (!path.startsWith('/data/')) return next();
  const [, , set, file = ''] = path.split('/');
  if (set === 'index.json') {
    // What the page can offer: which data sets this machine has.
    const photos = photoFiles(photosFolder());
    const index: DataIndex = { fashionMnist: fashionFolder() ? { train: 60000, test: 10000, slice: false } : null, photos: photos.length };
    return sendJson(res, index);
  }
  if (set === 'fashion-mnist' && FASHION_FILES.includes(file)) {
    const dir = fashionFolder();
    if (dir) return sendFile(res, join(dir, file), 'application/octet-stream');
  }
  if (set === 'photos') {
    const files = photoFiles(photosFolder());
    if (file === 'index.json') return sendJson(res, files);
    // Only names from the listing: no path from the URL reaches the file system.
    if (files.includes(file)) return sendFile(res, join(photosFolder(), file), /\.png$/i.test(file) ? 'image/png' : 'image/jpeg');
  }
  res.statusCode = 404;
  res.end(`not found: ${path}`);
};

function localData(): Plugin {
  return {
    name: 'wgslnet-local-data',
    configureServer: (server) => void server.middlewares.use(dataMiddleware),
    configurePreviewServer: (server) => void server.middlewares.use(dataMiddleware),
  };
}

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  plugins: [localData(), dataSlice()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    rollupOptions: { input: { main: resolve(here, 'index.html'), embed: resolve(here, 'embed/index.html') } },
  },
});
