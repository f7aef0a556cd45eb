// Resource limits: sizes are checked before reading or allocating. A model.json or topology that
// declares more weights than maxWeightBytes, a shard larger than its manifest, one file listed 300
// times, a FIFO or a device in place of a file, an image header claiming 20000×20000 pixels — each
// is an error naming the file and the limit, quickly and without the memory, and the library still
// trains a small model correctly afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { dense } from '../src/layers/dense.js';
import { loadModel, type ModelJSON } from '../src/io/index.js';
import { registerFileHandler } from '../src/node/io.js';
import { decodeImage } from '../src/node/image.js';
import { datasets } from '../src/node/datasets.js';
import { memory } from '../src/tensor.js';
import { setup } from './helpers.js';
import { expectTrainsCorrectly } from './trains.js';

let root: string;
let json: ModelJSON;
let bin: Buffer;

/** A folder with the small model's files, model.json edited by `edit`. */
async function folder(name: string, edit: (j: ModelJSON) => void = () => {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const j = structuredClone(json);
  edit(j);
  await writeFile(join(dir, 'model.json'), JSON.stringify(j));
  await writeFile(join(dir, 'weights.bin'), bin);
  return dir;
}

type Topology = { config: { layers: { config: Record<string, unknown> }[] } };

beforeAll(async () => {
  await setup();
  registerFileHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-limits-'));
  const x = input({ shape: [4] });
  const m = new Model({ inputs: x, outputs: dense({ units: 4 }).apply(dense({ units: 3 }).apply(x)) });
  await m.save(join(root, 'good'));
  json = JSON.parse(await readFile(join(root, 'good', 'model.json'), 'utf8'));
  bin = await readFile(join(root, 'good', 'weights.bin'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('model files', () => {
  it('a manifest declaring more than maxWeightBytes is refused before any file is read', async () => {
    const dir = await folder('huge-manifest', (j) => void (j.weightsManifest[0].weights[0].shape = [100_000, 100_000]));
    await expect(loadModel(dir)).rejects.toThrow(
      `'${join(dir, 'model.json')}' declares weights of at least 40000000076 bytes, over the limit of 1073741824 bytes (loadModel(source, { maxWeightBytes }) raises it)`,
    );
    await expect(loadModel(join(root, 'good'), { maxWeightBytes: 64 })).rejects.toThrow(`declares weights of at least ${bin.byteLength} bytes, over the limit of 64 bytes`);
    await expect(loadModel(join(root, 'good'), { maxWeightBytes: -1 })).rejects.toThrow('loadModel: maxWeightBytes must be a positive number, got -1');
  });

  it('a topology whose layers would need gigabytes allocates nothing: refused at the first weight over the budget', async () => {
    const before = memory().numTensors;
    // Units 30,000,000 on the second layer: 3 × 30M floats = 360 MB for one kernel, against 60 bytes on file.
    const dir = await folder('huge-layers', (j) => void ((j.modelTopology as unknown as Topology).config.layers[2].config.units = 30_000_000));
    const rss = process.memoryUsage().rss;
    await expect(loadModel(dir)).rejects.toThrow(`the model's layers need at least 360000060 bytes of weights but its saved weights are ${bin.byteLength} bytes`);
    // A topology alone (an IOHandler without weights): the limit applies.
    const topology = structuredClone(json.modelTopology) as unknown as Topology;
    topology.config.layers[2].config.units = 300_000_000;
    const alone = { load: async () => ({ modelTopology: topology as unknown as Record<string, unknown> }) };
    await expect(loadModel(alone, { maxWeightBytes: 2 ** 20 })).rejects.toThrow(
      "the model's layers need at least 3600000060 bytes, over the limit of 1048576 bytes (loadModel(source, { maxWeightBytes }) raises it)",
    );
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
    // The first layer's weights, made before the refusal, are freed.
    expect(memory().numTensors).toBe(before);
    await expectTrainsCorrectly();
  });

  it('a shard larger than its manifest, or one file listed 300 times, is refused at the declared bytes', async () => {
    const big = await folder('big-shard');
    await writeFile(join(big, 'weights.bin'), Buffer.concat([bin, Buffer.alloc(1 << 20)]));
    await expect(loadModel(big)).rejects.toThrow(
      `weight file '${join(big, 'weights.bin')}' has ${bin.byteLength + (1 << 20)} bytes, more than the ${bin.byteLength} bytes the manifest leaves for it`,
    );
    // 300 × weights.bin for the weights of one: the second read already has no bytes left.
    const many = await folder('listed-300-times', (j) => void (j.weightsManifest[0].paths = Array(300).fill('weights.bin')));
    await expect(loadModel(many)).rejects.toThrow(`weight file '${join(many, 'weights.bin')}' has ${bin.byteLength} bytes, more than the 0 bytes the manifest leaves for it`);
    await expectTrainsCorrectly();
  });

  it('a FIFO or a device in place of model.json or weights.bin is refused without blocking', async () => {
    const fifo = await folder('fifo-weights');
    await rm(join(fifo, 'weights.bin'));
    execFileSync('mkfifo', [join(fifo, 'weights.bin')]);
    await expect(loadModel(fifo)).rejects.toThrow(`weight file '${join(fifo, 'weights.bin')}' is not a regular file`);
    const fifoJson = join(root, 'fifo-json');
    await mkdir(fifoJson);
    execFileSync('mkfifo', [join(fifoJson, 'model.json')]);
    await expect(loadModel(fifoJson)).rejects.toThrow(`model file '${join(fifoJson, 'model.json')}' is not a regular file`);
    const zero = join(root, 'dev-zero');
    await mkdir(zero);
    await symlink('/dev/zero', join(zero, 'model.json'));
    await expect(loadModel(zero)).rejects.toThrow(`model file '${join(zero, 'model.json')}' is not a regular file`);
    await expectTrainsCorrectly();
  });

  it('a model.json over maxModelJsonBytes is refused before it is read', async () => {
    const dir = await folder('long-json', (j) => void (j.userDefinedMetadata = { padding: 'x'.repeat(4096) }));
    await expect(loadModel(dir, { maxModelJsonBytes: 1000 })).rejects.toThrow(
      new RegExp(`^model file '${join(dir, 'model.json')}' has \\d+ bytes, over the limit of 1000 bytes \\(loadModel\\(source, \\{ maxModelJsonBytes \\}\\) raises it\\)$`),
    );
  });
});

/** A PNG whose IHDR claims width × height, with a few bytes of (valid, tiny) data. */
function pngClaiming(width: number, height: number): Uint8Array {
  const real = PNG.sync.write(new PNG({ width: 1, height: 1 }));
  const bytes = new Uint8Array(real);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

describe('images', () => {
  it('a tiny PNG claiming 20000×20000 is refused before allocating', () => {
    const bytes = pngClaiming(20000, 20000);
    expect(bytes.length).toBeLessThan(100);
    const rss = process.memoryUsage().rss;
    expect(() => decodeImage(bytes, 'bomb.png')).toThrow('bomb.png: the PNG header declares 20000×20000 pixels, over the limit of 50,000,000 pixels');
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
    expect(() => decodeImage(PNG.sync.write(new PNG({ width: 100, height: 100 })), 'small.png', { maxPixels: 9999 })).toThrow(
      'small.png: the PNG header declares 100×100 pixels, over the limit of 9,999 pixels',
    );
  });

  it('a JPEG claiming 60000×60000 and truncated files are named as such', () => {
    const jpg = new Uint8Array(jpeg.encode({ data: new Uint8Array(16 * 16 * 4).fill(100), width: 16, height: 16 }, 80).data);
    const claims = jpg.slice();
    // Find the start-of-frame segment and rewrite its height and width.
    for (let i = 2; i < claims.length; i++) {
      if (claims[i] === 0xff && claims[i + 1] === 0xc0) {
        new DataView(claims.buffer).setUint16(i + 5, 60000);
        new DataView(claims.buffer).setUint16(i + 7, 60000);
        break;
      }
    }
    expect(() => decodeImage(claims, 'bomb.jpg')).toThrow('bomb.jpg: the JPEG header declares 60000×60000 pixels, over the limit of 50,000,000 pixels');
    expect(() => decodeImage(jpg.subarray(0, jpg.length - 40), 'cut.jpg')).toThrow('cut.jpg: truncated JPEG: the file ends before its image data does');
    expect(() => decodeImage(jpg.subarray(0, 20), 'head.jpg')).toThrow('head.jpg: truncated JPEG: the file ends before its frame header (no image size)');
    const png = PNG.sync.write(new PNG({ width: 8, height: 8 }));
    expect(() => decodeImage(png.subarray(0, png.length - 20), 'cut.png')).toThrow('cut.png: truncated PNG: the file ends before its image data does');
    expect(() => decodeImage(png.subarray(0, 20), 'head.png')).toThrow('head.png: truncated PNG: the file ends inside its header');
    // A whole file whose compressed data stops early (IEND present): pngjs's words are translated.
    const ihdr = png.subarray(0, 33);
    const idat = deflateSync(Buffer.alloc(8 * (1 + 8 * 4), 0)).subarray(0, 10);
    const chunk = (type: string, data: Uint8Array) => {
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      out.write(type, 4, 'latin1');
      out.set(data, 8);
      return out;
    };
    const shortData = Buffer.concat([ihdr, chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
    expect(() => decodeImage(shortData, 'short.png')).toThrow(/^short\.png: /);
  });

  it('an image folder reads only files that start like images, skips bombs, stops at limit', async () => {
    const dir = join(root, 'images');
    await mkdir(dir);
    const good = PNG.sync.write(new PNG({ width: 4, height: 4 }));
    for (const n of ['a', 'b', 'c', 'd']) await writeFile(join(dir, `${n}.png`), good);
    await writeFile(join(dir, '0-bomb.png'), pngClaiming(20000, 20000));
    await writeFile(join(dir, '1-movie.mp4'), Buffer.alloc(1 << 20, 7));
    execFileSync('mkfifo', [join(dir, '2-fifo.png')]);
    const warn = console.warn;
    console.warn = () => {};
    try {
      const { files, skipped } = await datasets.imageFolder(dir, { size: [4, 4], limit: 2 });
      expect(files).toEqual(['a.png', 'b.png']);
      expect(skipped).toEqual([
        { file: '0-bomb.png', reason: 'the PNG header declares 20000×20000 pixels, over the limit of 50,000,000 pixels' },
        { file: '1-movie.mp4', reason: 'not a PNG or JPEG file (starts with 07 07 07 07)' },
      ]);
    } finally {
      console.warn = warn;
    }
    await expect(datasets.imageFolder(dir, { size: [100_000, 100_000] })).rejects.toThrow('imageFolder: size [100000,100000] is over the limit of 50,000,000 pixels per image');
    await expectTrainsCorrectly();
  });
});
