#!/usr/bin/env node
// Makes the colour-photo stand-in data set: 64×64 PNG patches cut from the photographs in Debian's
// python3-skimage package (scripts/setup-debian.sh fetches them, unpacked, not installed), in
// $WGSLNET_DATA/photos or ~/.cache/wgslnet/photos. Idempotent. The logic is makePhotos() in
// src/node/datasets.ts, run from the build (scripts/make-photos.sh builds first).
//   node scripts/make-photos.mjs [--out DIR] [--force]
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const built = new URL('../dist/node/datasets.js', import.meta.url);
if (!existsSync(built)) {
  console.error('make-photos: dist/ is missing; run `npm run build` first (or bash scripts/make-photos.sh)');
  process.exit(1);
}
let values;
try {
  ({ values } = parseArgs({ options: { out: { type: 'string' }, force: { type: 'boolean', default: false } } }));
} catch (e) {
  console.error(`make-photos: ${e.message}\nusage: node scripts/make-photos.mjs [--out DIR] [--force]`);
  process.exit(2);
}
const { makePhotos, photosFolder } = await import(built.href);
try {
  const folder = await makePhotos({ folder: values.out ?? photosFolder(), force: values.force });
  console.log(`[photos] ${folder}: ${readdirSync(folder).filter((f) => f.endsWith('.png')).length} PNG patches`);
} catch (e) {
  console.error(`make-photos: ${e.message}`);
  process.exit(1);
}
