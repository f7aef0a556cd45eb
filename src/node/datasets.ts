// Data sets from disk, for Node: Fashion-MNIST's IDX files, any folder of PNG/JPEG images, and
// a folder of 64×64 colour photo patches cut from the photographs Debian's python3-skimage ships
// (scripts/setup-debian.sh fetches them; the library itself never runs a package manager).
import { constants, createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { HostTensor } from '../tensor.js';
import { assembleFashionMnist, FASHION_MNIST_FILES, type FashionMnist } from '../data/fashion-mnist.js';
import { idxDataset, type Batch, type IdxStreamOptions } from '../data/stream.js';
import { decodeImage, imageFormat, MAX_IMAGE_PIXELS, resizeImage, writePng } from './image.js';
import { readRegularFile } from './io.js';

/** ~/.cache/wgslnet (or under $XDG_CACHE_HOME): where downloaded or generated data sets live. */
function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wgslnet');
}

/** The folders searched for Fashion-MNIST, first match wins. */
export function fashionMnistFolders(): string[] {
  const env = process.env.WGSLNET_DATA;
  return [...(env ? [join(env, 'fashion-mnist'), env] : []), join(cacheDir(), 'fashion-mnist'), '/usr/share/datasets/fashion-mnist'];
}

/**
 * The first folder holding the four Fashion-MNIST IDX .gz files: $WGSLNET_DATA/fashion-mnist,
 * $WGSLNET_DATA, ~/.cache/wgslnet/fashion-mnist, /usr/share/datasets/fashion-mnist (Debian's
 * dataset-fashion-mnist package). A folder with only some of them is an error, not skipped, so a
 * half-copied set is never silently replaced by another.
 */
function fashionMnistFolder(): string {
  const files = Object.values(FASHION_MNIST_FILES);
  const searched: string[] = [];
  for (const folder of fashionMnistFolders()) {
    const missing = files.filter((f) => !existsSync(join(folder, f)));
    if (missing.length === 0) return folder;
    searched.push(`  ${folder}: ${missing.length === files.length ? 'none of them' : `missing ${missing.join(', ')}`}`);
    if (missing.length < files.length) break;
  }
  throw new Error(
    `Fashion-MNIST not found: no folder has all four files (${files.join(', ')}). Searched:\n${searched.join('\n')}\n` +
      'Install it with `bash scripts/setup-debian.sh` (Debian 12) or `sudo apt-get install dataset-fashion-mnist`, ' +
      'or put the four files in a folder and set WGSLNET_DATA to it.',
  );
}

/** Largest IDX file read, and what a gzipped one may decompress to (Fashion-MNIST's training images are 47 MB). */
export const MAX_IDX_BYTES = 512 * 2 ** 20;

/**
 * An IDX file's bytes: a regular file of at most MAX_IDX_BYTES, gunzipped when gzipped with the
 * output capped too, so a truncated or damaged .gz is named as such (not "invalid IDX") and a
 * decompression bomb stops at the cap. Errors start with `name`.
 */
export async function readIdxBytes(path: string, name = path): Promise<Uint8Array> {
  const bytes = await readRegularFile(path, path, 'data file', MAX_IDX_BYTES, (size) => new Error(`${name}: ${size} bytes, more than an IDX file wgslnet reads (${MAX_IDX_BYTES})`));
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_IDX_BYTES });
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    if (code === 'Z_BUF_ERROR') throw new Error(`${name}: truncated gzip file (it ends before its compressed data does)`);
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`${name}: decompresses to more than ${MAX_IDX_BYTES} bytes`);
    throw new Error(`${name}: damaged gzip file (${message})`);
  }
}

/** Fashion-MNIST, whole, from fashionMnistFolder(). Pixels stay uint8 (see toFloat). */
async function loadFashionMnist(): Promise<FashionMnist> {
  const folder = fashionMnistFolder();
  return assembleFashionMnist(async (f) => ({ bytes: await readIdxBytes(join(folder, f)), name: join(folder, f) }));
}

/**
 * Fashion-MNIST read from disk in chunks as batches of uint8 images (targets = inputs), the
 * labels alongside (data/stream.ts): no file is ever held whole, and each pass reopens the files.
 * For model.fitDataset().
 */
function streamFashionMnist(options: IdxStreamOptions & { split?: 'train' | 'test' }): AsyncIterable<Batch> {
  const folder = fashionMnistFolder();
  const [x, y] = options.split === 'test' ? [FASHION_MNIST_FILES.xTest, FASHION_MNIST_FILES.yTest] : [FASHION_MNIST_FILES.xTrain, FASHION_MNIST_FILES.yTrain];
  const [images, labels] = [join(folder, x), join(folder, y)];
  return idxDataset({ images: () => createReadStream(images), labels: () => createReadStream(labels), names: [images, labels] }, options);
}

/** Every file under `dir`, as sorted relative paths; dot-files and dot-folders are ignored. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

export interface ImageFolder {
  /** N×H×W×3 float32 RGB in [0, 1], in the order of `files`. */
  images: HostTensor;
  /** The decoded files, relative to the folder, sorted (so a seed reproduces a split). */
  files: string[];
  /** Files that could not be decoded, and why. */
  skipped: { file: string; reason: string }[];
}

/** Largest image file read (a photo is a few MB; anything near this is not one). */
const MAX_IMAGE_FILE_BYTES = 256 * 2 ** 20;

/**
 * A file's bytes if it starts like a PNG or JPEG: the first bytes are read and checked before the
 * rest, so a folder holding a large video or a FIFO costs one small read each, and only regular
 * files up to MAX_IMAGE_FILE_BYTES are read at all.
 */
async function readImageFile(path: string): Promise<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    const head = new Uint8Array(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (!imageFormat(head.subarray(0, bytesRead))) {
      const hex = Array.from(head.subarray(0, Math.min(4, bytesRead)), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new Error(`not a PNG or JPEG file (starts with ${hex || 'nothing'})`);
    }
    if (info.size > MAX_IMAGE_FILE_BYTES) throw new Error(`${info.size} bytes, more than an image file wgslnet reads (${MAX_IMAGE_FILE_BYTES})`);
    const bytes = new Uint8Array(info.size);
    let offset = 0;
    while (offset < bytes.length) {
      const r = await handle.read(bytes, offset, bytes.length - offset, offset);
      if (r.bytesRead === 0) break;
      offset += r.bytesRead;
    }
    return bytes.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

/**
 * Loads every PNG and JPEG under `dir` (subfolders included, e.g. one per class) as RGB resized
 * to `size` = [height, width]: area averaging when shrinking, bilinear when enlarging, the aspect
 * ratio not kept (as Keras's load_img(target_size)). Undecodable files (not an image, truncated,
 * over `maxPixels`) are skipped and listed. With `limit`, stops once that many are decoded.
 */
async function imageFolder(dir: string, { size, limit, maxPixels }: { size: readonly [number, number]; limit?: number; maxPixels?: number }): Promise<ImageFolder> {
  const [h, w] = size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new Error(`imageFolder: size must be [height, width] in positive integers, got [${size.join(',')}]`);
  if (h * w > (maxPixels ?? MAX_IMAGE_PIXELS)) throw new Error(`imageFolder: size [${h},${w}] is over the limit of ${(maxPixels ?? MAX_IMAGE_PIXELS).toLocaleString('en-US')} pixels per image`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new Error(`imageFolder: limit must be a positive integer, got ${limit}`);
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new Error(`imageFolder: ${dir} is not a folder`);
  const all = await listFiles(dir);
  if (all.length === 0) throw new Error(`imageFolder: ${dir} holds no files`);
  const per = h * w * 3;
  // Grown as images decode (doubling), not sized by the file count: a folder of a million
  // non-images must not allocate a million images' worth up front.
  let pixels = new Float32Array(Math.min(all.length, limit ?? Infinity, 64) * per);
  const files: string[] = [];
  const skipped: ImageFolder['skipped'] = [];
  for (const file of all) {
    if (files.length === limit) break;
    let image: HostTensor;
    try {
      image = decodeImage(await readImageFile(join(dir, file)), file, { maxPixels });
    } catch (e) {
      // decodeImage's messages start with the file name; a read error's does not.
      const message = (e as Error).message;
      skipped.push({ file, reason: message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message });
      continue;
    }
    const resized = resizeImage(image, [h, w]).data;
    const offset = files.length * per;
    if (offset + per > pixels.length) {
      const grown = new Float32Array(Math.min(2 * pixels.length, Math.min(all.length, limit ?? Infinity) * per));
      grown.set(pixels);
      pixels = grown;
    }
    for (let i = 0; i < per; i++) pixels[offset + i] = resized[i] / 255;
    files.push(file);
  }
  if (files.length === 0) {
    const some = skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`).join('; ');
    throw new Error(`imageFolder: none of the ${all.length} files in ${dir} is a decodable PNG or JPEG: ${some}${skipped.length > 3 ? '; …' : ''}`);
  }
  if (skipped.length > 0) console.warn(`imageFolder: skipped ${skipped.length} of ${files.length + skipped.length} files read in ${dir}: ${skipped.map((s) => `${s.file} (${s.reason})`).join(', ')}`);
  return { images: { data: pixels.subarray(0, files.length * per), shape: [files.length, h, w, 3] }, files, skipped };
}

// The colour photographs among skimage's sample data (not the synthetic or grey ones; one of the
// two near-identical motorcycle stereo views, so patches of one scene do not land on both sides of a split).
const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'hubble_deep_field.jpg', 'ihc.png', 'motorcycle_left.png', 'retina.jpg', 'rocket.jpg'];
const SKIMAGE_DATA = 'usr/lib/python3/dist-packages/skimage/data';
const PATCH = 64;

/** $WGSLNET_DATA/photos, else ~/.cache/wgslnet/photos. */
export function photosFolder(): string {
  return process.env.WGSLNET_DATA ? join(process.env.WGSLNET_DATA, 'photos') : join(cacheDir(), 'photos');
}

/**
 * Where skimage's sample photographs may be: the installed python3-skimage's data folder, or the
 * copy scripts/setup-debian.sh unpacks from that package into the cache (without installing it).
 */
export function skimageDataFolders(): string[] {
  return [join('/', SKIMAGE_DATA), join(cacheDir(), 'skimage-data')];
}

/**
 * The first folder holding the photographs. The library installs nothing: when they are missing it
 * says where it looked and how to get them.
 */
function skimageData(): string {
  const folders = skimageDataFolders();
  const found = folders.find((f) => PHOTOS.every((p) => existsSync(join(f, p))));
  if (found) return found;
  throw new Error(
    `photos: the sample photographs the patches are cut from (${PHOTOS.join(', ')}, from Debian's python3-skimage) are missing; ` +
      `looked in ${folders.join(' and ')}. Get them with \`bash scripts/setup-debian.sh\` (unpacks python3-skimage's photos into ` +
      `${folders[1]} without installing it; npm start and npm test run it when needed) or \`sudo apt-get install python3-skimage\`, ` +
      'or use datasets.imageFolder(dir) on a folder of your own photos.',
  );
}

/** The standard deviation of a patch's grey level: near 0 for black sky or a flat border. */
function contrast(patch: Float32Array): number {
  let s = 0;
  let s2 = 0;
  const n = patch.length / 3;
  for (let p = 0; p < n; p++) {
    const g = (patch[3 * p] + patch[3 * p + 1] + patch[3 * p + 2]) / 3;
    s += g;
    s2 += g * g;
  }
  return Math.sqrt(Math.max(s2 / n - (s / n) ** 2, 0));
}

/**
 * Makes the photo-patch folder unless it exists: each photograph is shrunk so its short side is
 * at most 512 px, then by 2^⅓ at a time down to 64 px, and cut at every scale into a centred grid of
 * non-overlapping 64×64 patches; near-flat patches (grey-level std < 8/255) are left out.
 * Written into a temporary folder renamed into place, so an interrupted run leaves nothing half made.
 * Returns the folder; does nothing if it exists (unless `force`).
 */
export async function makePhotos({ folder = photosFolder(), force = false, log = (line: string) => console.log(`[photos] ${line}`) } = {}): Promise<string> {
  if (existsSync(folder) && !force) return folder;
  const source = skimageData();
  const partial = `${folder}.partial-${process.pid}`;
  try {
    await mkdir(partial, { recursive: true });
    let total = 0;
    for (const photo of PHOTOS) {
      const image = decodeImage(await readFile(join(source, photo)), join(source, photo));
      const [h, w] = image.shape;
      const stem = basename(photo, extname(photo));
      let written = 0;
      for (let k = 0, f = Math.min(1, 512 / Math.min(h, w)); Math.min(h, w) * f >= PATCH - 0.5; k++, f /= Math.cbrt(2)) {
        const [sh, sw] = [Math.round(h * f), Math.round(w * f)];
        const scaled = resizeImage(image, [sh, sw]).data;
        const [rows, cols] = [Math.floor(sh / PATCH), Math.floor(sw / PATCH)];
        const [y0, x0] = [Math.floor((sh - rows * PATCH) / 2), Math.floor((sw - cols * PATCH) / 2)];
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const patch = new Float32Array(PATCH * PATCH * 3);
            for (let y = 0; y < PATCH; y++) {
              const from = ((y0 + r * PATCH + y) * sw + x0 + c * PATCH) * 3;
              patch.set(scaled.subarray(from, from + PATCH * 3), y * PATCH * 3);
            }
            if (contrast(patch) < 8) continue;
            const name = `${stem}-s${k}-r${String(r).padStart(2, '0')}-c${String(c).padStart(2, '0')}.png`;
            await writePng(join(partial, name), Uint8Array.from(patch, Math.round), PATCH, PATCH);
            written++;
          }
        }
      }
      log(`${photo} (${w}×${h}): ${written} patches`);
      total += written;
    }
    await rm(folder, { recursive: true, force: true });
    await rename(partial, folder);
    log(`${total} patches of ${PATCH}×${PATCH} in ${folder}`);
    return folder;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** The photo patches (made first if missing), loaded exactly as a folder of one's own photos. */
async function loadPhotos({ size = [64, 64] }: { size?: readonly [number, number] } = {}): Promise<ImageFolder> {
  return imageFolder(await makePhotos(), { size });
}

export const datasets = {
  fashionMnist: { load: loadFashionMnist, stream: streamFashionMnist },
  imageFolder,
  photos: { load: loadPhotos },
};
