// The library installs nothing: without skimage's sample photographs, datasets.photos.load() says
// what is missing and how to get it (scripts/setup-debian.sh), and runs no package manager; with
// them in the cache folder the setup script fills, the patches are made and loaded.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { datasets, skimageDataFolders } from '../src/node/datasets.js';
import { rng } from './helpers.js';

const INSTALLED = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';
const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'hubble_deep_field.jpg', 'ihc.png', 'motorcycle_left.png', 'retina.jpg', 'rocket.jpg'];
const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, WGSLNET_DATA: process.env.WGSLNET_DATA };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wgslnet-no-install-'));
  return () => rm(root, { recursive: true, force: true });
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('datasets.photos', () => {
  it.skipIf(existsSync(INSTALLED))('missing photographs: an error saying where it looked and how to get them; nothing created', async () => {
    process.env.XDG_CACHE_HOME = join(root, 'empty-cache');
    process.env.WGSLNET_DATA = join(root, 'data');
    const [installed, cache] = skimageDataFolders();
    expect(cache).toBe(join(root, 'empty-cache', 'wgslnet', 'skimage-data'));
    await expect(datasets.photos.load()).rejects.toThrow(
      `photos: the sample photographs the patches are cut from (${PHOTOS.join(', ')}, from Debian's python3-skimage) are missing; ` +
        `looked in ${installed} and ${cache}. Get them with \`bash scripts/setup-debian.sh\``,
    );
    expect(existsSync(join(root, 'data'))).toBe(false);
    expect(existsSync(join(root, 'empty-cache'))).toBe(false);
    // No package manager anywhere in the library's data-set code.
    expect(await readFile('src/node/datasets.ts', 'utf8')).not.toMatch(/child_process|apt-get download|execFile/);
  });

  it('with the photographs where setup-debian.sh puts them, the patches are made once and loaded', async () => {
    process.env.XDG_CACHE_HOME = join(root, 'cache');
    process.env.WGSLNET_DATA = join(root, 'data2');
    const source = join(root, 'cache', 'wgslnet', 'skimage-data');
    await mkdir(source, { recursive: true });
    const random = rng(5);
    for (const name of PHOTOS) {
      const rgba = Uint8Array.from({ length: 96 * 96 * 4 }, () => Math.floor(random() * 256));
      if (name.endsWith('.png')) {
        const png = new PNG({ width: 96, height: 96 });
        png.data = Buffer.from(rgba);
        await writeFile(join(source, name), PNG.sync.write(png));
      } else await writeFile(join(source, name), jpeg.encode({ data: rgba, width: 96, height: 96 }, 90).data);
    }
    const log = console.log;
    console.log = () => {};
    try {
      const { images, files } = await datasets.photos.load({ size: [64, 64] });
      // 96 px: one 64×64 patch at full size and one at 96/2^⅓ ≈ 76 px, per photograph.
      expect(files).toHaveLength(16);
      expect(images.shape).toEqual([16, 64, 64, 3]);
    } finally {
      console.log = log;
    }
    expect(existsSync(join(root, 'data2', 'photos'))).toBe(true);
  });
});
