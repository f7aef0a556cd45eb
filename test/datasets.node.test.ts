// Node-only data: the real Fashion-MNIST files, the WGSLNET_DATA override and its errors, image
// folders (PNG, JPEG, grey+alpha, garbage), resizing against a float64 reference, PNG writing,
// and the figures (image grid, loss plot) checked pixel by pixel.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { datasets } from '../src/node/datasets.js';
import { decodeImage, encodePng, resizeImage, writePng } from '../src/node/image.js';
import { imageGrid, lossPlot } from '../src/node/plot.js';
import { FASHION_MNIST_FILES } from '../src/data/fashion-mnist.js';
import { expectClose, uniform } from './helpers.js';
import { resizeRef } from './reference/resize.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wgslnet-datasets-test-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** An IDX file (ubyte), as in the Fashion-MNIST .gz files once decompressed. */
function idx(shape: number[], fill = (i: number) => i % 251): Buffer {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = Buffer.alloc(4 + 4 * shape.length + n);
  out.writeUInt32BE(0x800 | shape.length, 0);
  shape.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  for (let i = 0; i < n; i++) out[4 + 4 * shape.length + i] = fill(i);
  return out;
}

/** A folder with a tiny stand-in Fashion-MNIST: 4 train and 2 test images of 28×28. */
async function tinyFashion(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const f = FASHION_MNIST_FILES;
  await writeFile(join(dir, f.xTrain), gzipSync(idx([4, 28, 28])));
  await writeFile(join(dir, f.yTrain), gzipSync(idx([4], (i) => 9 - i)));
  await writeFile(join(dir, f.xTest), gzipSync(idx([2, 28, 28])));
  await writeFile(join(dir, f.yTest), gzipSync(idx([2], (i) => i)));
}

function noUserFolders(data: string): void {
  vi.stubEnv('WGSLNET_DATA', data);
  vi.stubEnv('XDG_CACHE_HOME', join(tmp, 'no-cache'));
}

describe('Fashion-MNIST from disk', () => {
  it('loads the real data set from /usr/share/datasets/fashion-mnist: shapes, labels, pixel sums', async () => {
    vi.stubEnv('WGSLNET_DATA', '');
    noUserFolders(join(tmp, 'nothing-here'));
    const d = await datasets.fashionMnist.load();
    expect(d.xTrain.shape).toEqual([60000, 28, 28]);
    expect(d.yTrain.shape).toEqual([60000]);
    expect(d.xTest.shape).toEqual([10000, 28, 28]);
    expect(d.yTest.shape).toEqual([10000]);
    expect(d.xTrain.data).toBeInstanceOf(Uint8Array);
    const counts = (y: Uint8Array | Float32Array) => {
      const c = new Array<number>(10).fill(0);
      for (const v of y) c[v]++;
      return c;
    };
    expect(counts(d.yTrain.data)).toEqual(new Array(10).fill(6000));
    expect(counts(d.yTest.data)).toEqual(new Array(10).fill(1000));
    expect(Array.from(d.yTrain.data.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    // Pixel sums of the published files (means 0.286041 and 0.286849 of 255).
    const mean = (x: Uint8Array | Float32Array) => {
      let sum = 0;
      for (const v of x) sum += v;
      return sum / x.length / 255;
    };
    expect(mean(d.xTrain.data)).toBeCloseTo(3431114169 / 47040000 / 255, 9);
    expect(mean(d.xTest.data)).toBeCloseTo(573469082 / 7840000 / 255, 9);
  });

  it('prefers $WGSLNET_DATA/fashion-mnist, then $WGSLNET_DATA itself', async () => {
    const root = join(tmp, 'override');
    await tinyFashion(join(root, 'fashion-mnist'));
    noUserFolders(root);
    const d = await datasets.fashionMnist.load();
    expect(d.xTrain.shape).toEqual([4, 28, 28]);
    expect(Array.from(d.yTrain.data)).toEqual([9, 8, 7, 6]);
    expect(d.xTest.data[300]).toBe(300 % 251);
    const flat = join(tmp, 'flat');
    await tinyFashion(flat);
    noUserFolders(flat);
    expect((await datasets.fashionMnist.load()).xTest.shape).toEqual([2, 28, 28]);
  });

  it('names the corrupt or truncated file, and the folders searched when one is incomplete', async () => {
    const dir = join(tmp, 'corrupt');
    await tinyFashion(dir);
    noUserFolders(dir);
    const labels = join(dir, FASHION_MNIST_FILES.yTrain);
    await writeFile(labels, Buffer.from('this is not gzip'));
    await expect(datasets.fashionMnist.load()).rejects.toThrow(`${labels}: not an unsigned-byte IDX file of images or labels: magic 0x74686973`);
    const gz = gzipSync(idx([4]));
    await writeFile(labels, gz.subarray(0, gz.length - 5));
    await expect(datasets.fashionMnist.load()).rejects.toThrow(`${labels}: truncated gzip file (it ends before its compressed data does)`);
    await writeFile(labels, gzipSync(idx([4]).subarray(0, 10)));
    await expect(datasets.fashionMnist.load()).rejects.toThrow(`${labels}: expected 12 bytes for labels 4, got 10 (truncated?)`);
    await rm(labels);
    const error = await datasets.fashionMnist.load().catch((e: Error) => e.message);
    expect(error).toContain(`Searched:\n  ${join(dir, 'fashion-mnist')}: none of them\n  ${dir}: missing ${FASHION_MNIST_FILES.yTrain}`);
    expect(error).toContain('bash scripts/setup-debian.sh');
    expect(error).toContain('apt-get install dataset-fashion-mnist');
    expect(error).toContain('WGSLNET_DATA');
  });
});

/** h×w×3 RGB test pixels, distinct per position and channel. */
const rgbPixels = (h: number, w: number) => Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 29 + 7) % 256);

function readPng(bytes: Uint8Array) {
  return PNG.sync.read(Buffer.from(bytes));
}

describe('image folders', () => {
  it('decodes PNG (RGB, grey+alpha) and JPEG, sorted and resized, and skips undecodable files', async () => {
    const dir = join(tmp, 'images');
    await mkdir(join(dir, 'c'), { recursive: true });
    await writeFile(join(dir, 'a.png'), encodePng(rgbPixels(5, 7), 7, 5));
    const jpg = jpeg.encode({ data: Buffer.from(new Uint8Array(8 * 8 * 4).fill(200)), width: 8, height: 8 }, 95).data;
    await writeFile(join(dir, 'b.jpg'), jpg);
    // Grey + alpha: pngjs writes colour type 4 from RGBA input; alpha 0 must not change the colour.
    const greyAlpha = new PNG({ width: 2, height: 2 });
    greyAlpha.data = Buffer.from([10, 10, 10, 255, 60, 60, 60, 0, 110, 110, 110, 128, 250, 250, 250, 255]);
    await writeFile(join(dir, 'c', 'grey.png'), PNG.sync.write(greyAlpha, { colorType: 4 }));
    await writeFile(join(dir, 'garbage.png'), Buffer.from('GIF89a, or anything else'));
    await writeFile(join(dir, 'cut.jpg'), jpg.subarray(0, jpg.length >> 1));
    await writeFile(join(dir, '.DS_Store'), Buffer.from('hidden, ignored'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

    const { images, files, skipped } = await datasets.imageFolder(dir, { size: [4, 6] });
    expect(files).toEqual(['a.png', 'b.jpg', 'c/grey.png']);
    expect(skipped.map((s) => s.file)).toEqual(['cut.jpg', 'garbage.png']);
    expect(skipped[1].reason).toBe('not a PNG or JPEG file (starts with 47 49 46 38)');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipped 2 of 5 files'));
    expect(images.shape).toEqual([3, 4, 6, 3]);
    expect(images.data).toBeInstanceOf(Float32Array);
    const per = 4 * 6 * 3;
    // a.png: the resize of its pixels, over 255 (area down 5→4 rows and 7→6 columns).
    const a = resizeRef(rgbPixels(5, 7), [5, 7, 3], [4, 6]).map((v) => v / 255);
    expectClose(images.data.subarray(0, per), a, { atol: 1e-6, rtol: 1e-6 }, 'a.png');
    // b.jpg: a flat 200 survives JPEG within a couple of levels.
    expectClose(images.data.subarray(per, 2 * per), new Float32Array(per).fill(200 / 255), { atol: 3 / 255, rtol: 0 }, 'b.jpg');
    // grey.png enlarged 2×2 → 4×6: grey stays grey (three equal channels), alpha ignored.
    const grey = images.data.subarray(2 * per, 3 * per);
    for (let p = 0; p < 24; p++) expect([grey[3 * p + 1], grey[3 * p + 2]]).toEqual([grey[3 * p], grey[3 * p]]);
    const g = resizeRef([10, 60, 110, 250], [2, 2, 1], [4, 6]).map((v) => v / 255);
    expectClose(grey.filter((_, i) => i % 3 === 0), g, { atol: 1e-6, rtol: 1e-6 }, 'grey.png');
  });

  it('rejects an empty folder, a folder of undecodable files, a missing folder and a bad size', async () => {
    const empty = join(tmp, 'empty');
    await mkdir(join(empty, 'sub'), { recursive: true });
    await expect(datasets.imageFolder(empty, { size: [64, 64] })).rejects.toThrow(`imageFolder: ${empty} holds no files`);
    const junk = join(tmp, 'junk');
    await mkdir(junk);
    await writeFile(join(junk, 'notes.txt'), 'hello');
    await expect(datasets.imageFolder(junk, { size: [64, 64] })).rejects.toThrow(
      `imageFolder: none of the 1 files in ${junk} is a decodable PNG or JPEG: notes.txt (not a PNG or JPEG file (starts with 68 65 6c 6c))`,
    );
    await expect(datasets.imageFolder(join(tmp, 'nope'), { size: [64, 64] })).rejects.toThrow('is not a folder');
    await expect(datasets.imageFolder(junk, { size: [0, 64] })).rejects.toThrow('imageFolder: size must be [height, width] in positive integers, got [0,64]');
  });
});

describe('resizeImage', () => {
  // Float32 output of float64 sums of a few terms: atol 2e-5 on values in [0, 1).
  it.each([
    ['shrink', [7, 5, 3], [3, 2]],
    ['shrink by a whole factor', [8, 6, 1], [4, 3]],
    ['enlarge', [3, 4, 3], [8, 9]],
    ['from one pixel', [1, 1, 3], [4, 3]],
    ['to one pixel', [5, 7, 2], [1, 1]],
    ['one axis down, the other up', [5, 9, 3], [8, 4]],
    ['same size', [6, 6, 3], [6, 6]],
    ['row to column', [1, 33, 1], [7, 1]],
  ])('%s: %j → %j matches the float64 reference', (_, inShape, size) => {
    const [h, w, c] = inShape;
    const data = uniform(h * w * c, h * 100 + w, 0, 1);
    const out = resizeImage({ data, shape: inShape }, size as [number, number]);
    expect(out.shape).toEqual([...size, c]);
    expectClose(out.data, resizeRef(data, inShape, size), { atol: 2e-5, rtol: 0 }, `resize ${inShape} → ${size}`);
  });

  it('averages whole blocks when shrinking by 2 and interpolates between centres when enlarging by 2', () => {
    const x = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), shape: [4, 4, 1] };
    expect(Array.from(resizeImage(x, [2, 2]).data)).toEqual([3.5, 5.5, 11.5, 13.5]);
    const row = { data: Float32Array.from([0, 1]), shape: [1, 2, 1] };
    expect(Array.from(resizeImage(row, [1, 4]).data)).toEqual([0, 0.25, 0.75, 1]);
    expect(() => resizeImage(x, [0, 2])).toThrow('resizeImage: size must be two positive integers, got [0,2]');
    expect(() => resizeImage({ data: new Float32Array(4), shape: [4] }, [2, 2])).toThrow('resizeImage: expected a non-empty H×W×C image, got shape [4]');
  });
});

describe('PNG output', () => {
  it('round-trips grey, RGB and RGBA pixels through writePng and a PNG decoder', async () => {
    for (const channels of [1, 3, 4]) {
      const [w, h] = [7, 3];
      const pixels = Uint8Array.from({ length: w * h * channels }, (_, i) => (i * 53 + channels) % 256);
      const path = join(tmp, 'png', `c${channels}.png`);
      await writePng(path, pixels, w, h);
      const back = readPng(await readFile(path));
      expect([back.width, back.height]).toEqual([w, h]);
      for (let p = 0; p < w * h; p++) {
        const expected = channels === 1 ? [pixels[p], pixels[p], pixels[p], 255] : [...pixels.subarray(p * channels, p * channels + 3), channels === 4 ? pixels[p * channels + 3] : 255];
        expect(Array.from(back.data.subarray(4 * p, 4 * p + 4)), `pixel ${p} of ${channels}-channel PNG`).toEqual(expected);
      }
      const rgb = decodeImage(await readFile(path), path);
      expect(rgb.shape).toEqual([h, w, 3]);
    }
  });

  it('leaves an existing file whole and no temporary file behind when a write fails', async () => {
    const dir = join(tmp, 'atomic');
    const path = join(dir, 'plot.png');
    await writePng(path, new Uint8Array(4).fill(9), 2, 2);
    const before = await readFile(path);
    expect(() => encodePng(new Uint8Array(5), 2, 2)).toThrow('encodePng: 5 bytes is not 2×2 pixels of 1, 3 or 4 channels');
    await expect(writePng(path, new Uint8Array(5), 2, 2)).rejects.toThrow('encodePng');
    // The rename fails when the target is a folder: the temporary file must be cleaned up.
    await mkdir(join(dir, 'taken.png'));
    await expect(writePng(join(dir, 'taken.png'), new Uint8Array(4), 2, 2)).rejects.toThrow();
    expect(await readFile(path)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(['plot.png', 'taken.png']);
  });
});

/** The RGB of pixel (x, y) of an RGBA image. */
const at = (img: { data: Uint8Array; width: number }, x: number, y: number) => Array.from(img.data.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 3));

describe('figures', () => {
  it('imageGrid puts sample c of row r in cell (r, c), scaled, with grey separators', () => {
    // Two rows of 3 grey 2×3 images (N×H×W) and one row of colour ones (N×H×W×3).
    const grey = (offset: number) => ({ data: Float32Array.from({ length: 3 * 2 * 3 }, (_, i) => (i + offset) / 40), shape: [3, 2, 3] });
    const colour = { data: Float32Array.from({ length: 3 * 2 * 3 * 3 }, (_, i) => (i % 7) / 6), shape: [3, 2, 3, 3] };
    colour.data[0] = NaN;
    colour.data[4] = 1.7;
    const img = imageGrid([grey(0), grey(18), colour], { cols: 3, scale: 4 });
    const gap = 2;
    expect([img.width, img.height]).toEqual([gap + 3 * (3 * 4 + gap), gap + 3 * (2 * 4 + gap)]);
    expect(img.data.length).toBe(img.width * img.height * 4);
    expect(at(img, 0, 0)).toEqual([128, 128, 128]);
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < 2; y++) {
          for (let x = 0; x < 3; x++) {
            const v = Math.round(255 * Math.fround(((c * 2 + y) * 3 + x + 18 * r) / 40));
            // Every one of the scale×scale screen pixels of the image pixel.
            for (const [dx, dy] of [[0, 0], [3, 3]]) expect(at(img, gap + c * 14 + x * 4 + dx, gap + r * 10 + y * 4 + dy), `row ${r} sample ${c} (${x},${y})`).toEqual([v, v, v]);
          }
        }
      }
    }
    const third = gap + 2 * 10;
    expect(at(img, gap, third), 'NaN shows magenta').toEqual([255, 0, 255]);
    expect(at(img, gap + 4, third), 'clipped to 1 and in order').toEqual([3 / 6, 1.7, 5 / 6].map((v) => Math.round(255 * Math.min(Math.fround(v), 1))));
    expect(at(img, gap + 14 + 4 * 3, third), 'separator').toEqual([128, 128, 128]);
    expect(() => imageGrid([grey(0), { data: new Float32Array(8), shape: [2, 2, 2] }])).toThrow('imageGrid: every row must be N×H×W or N×H×W×(1|3) with one H×W, got [3,2,3], [2,2,2]');
  });

  it('imageGrid writes row labels to the left', () => {
    const x = { data: new Float32Array(2 * 28 * 28).fill(1), shape: [2, 28, 28] };
    const plain = imageGrid([x, x]);
    const labelled = imageGrid([x, x], { labels: ['original', 'decoded'] });
    expect(labelled.height).toBe(plain.height);
    expect(labelled.width).toBeGreaterThan(plain.width + 8 * 6);
    const inkLeft = Array.from({ length: labelled.height }, (_, y) => Array.from({ length: labelled.width - plain.width }, (_, x) => at(labelled, x, y)[0] < 100)).flat();
    expect(inkLeft.filter(Boolean).length).toBeGreaterThan(50);
  });

  it('lossPlot draws axes, both series in their colours and text, at the requested size', () => {
    const loss = Array.from({ length: 12 }, (_, i) => 0.3 * Math.exp(-i / 3) + 0.05);
    const img = lossPlot([{ name: 'loss', values: loss }, { name: 'val_loss', values: loss.map((v) => v * 1.1) }], { title: 'Autoencoder', width: 500, height: 300 });
    expect([img.width, img.height]).toEqual([500, 300]);
    const colours = new Map<string, number>();
    for (let p = 0; p < 500 * 300; p++) {
      const key = Array.from(img.data.subarray(4 * p, 4 * p + 3)).join(',');
      colours.set(key, (colours.get(key) ?? 0) + 1);
    }
    expect(colours.get('255,255,255')! / (500 * 300), 'mostly white background').toBeGreaterThan(0.7);
    expect(colours.get('31,119,180'), 'first series (blue) drawn').toBeGreaterThan(100);
    expect(colours.get('255,127,14'), 'second series (orange) drawn').toBeGreaterThan(100);
    expect(colours.get('34,34,34'), 'axes and text').toBeGreaterThan(500);
    // The first series falls from left to right: its highest blue pixel lies left of its lowest.
    const blue: [number, number][] = [];
    for (let y = 0; y < 300; y++) for (let x = 0; x < 300; x++) if (at(img, x, y).join(',') === '31,119,180') blue.push([x, y]);
    const top = blue.reduce((a, b) => (b[1] < a[1] ? b : a));
    const bottom = blue.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(top[0]).toBeLessThan(bottom[0]);
    // A single epoch, NaN, and no finite value at all still give a picture.
    expect(lossPlot([{ name: 'loss', values: [0.5] }]).width).toBe(640);
    expect(lossPlot([{ name: 'loss', values: [NaN, Infinity] }], { width: 200, height: 150 }).height).toBe(150);
    expect(() => lossPlot([], { width: 10, height: 10 })).toThrow('lossPlot: size 10×10 must be integers of at least 160×120');
  });
});
