// The demo's Vite app (root: demo/, importing the library's sources from ../src). A small plugin
// serves the local data sets to the page: Fashion-MNIST's four .gz files under /data/fashion-mnist/
// and the photo patches (PNGs) under /data/photos/, listed by /data/photos/index.json; what this
// machine has is in /data/index.json. Nothing is copied into the build.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { embedShaders } from '../scripts/embed-shaders.mjs';
import { FASHION_MNIST_FILES } from '../src/data/fashion-mnist.js';
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

const dataMiddleware: Connect.NextHandleFunction = (req, res, next) => {
  const path = decodeURIComponent((req.url ?? '').split('?')[0]);
  if (!path.startsWith('/data/')) return next();
  const [, , set, file = ''] = path.split('/');
  if (set === 'index.json') {
    // What the page can offer: which data sets this machine has.
    const photos = photoFiles(photosFolder());
    return sendJson(res, { fashionMnist: fashionFolder() !== null, photos: photos.length });
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
  plugins: [localData()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    rollupOptions: { input: { main: resolve(here, 'index.html'), embed: resolve(here, 'embed/index.html') } },
  },
});
