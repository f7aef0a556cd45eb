// Data plumbing without the GPU: the IDX parser on crafted files, gzip through the Web Streams,
// the browser Fashion-MNIST loader against a stubbed fetch, and the host-array transforms.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gunzip, parseIdx } from '../src/data/idx.js';
import { FASHION_MNIST_FILES, loadFashionMnist } from '../src/data/fashion-mnist.js';
import { addGaussianNoise, flatten, take, toFloat, trainTestSplit } from '../src/data/transforms.js';
import { rng } from './helpers.js';

/** An IDX file: magic 0x0000 08 <ndims>, big-endian dims, then the bytes. */
function idx(shape: number[], values?: Uint8Array, { type = 0x08, ndims = shape.length } = {}): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * shape.length + n);
  const view = new DataView(out.buffer);
  view.setUint32(0, (type << 8) | ndims);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values ?? Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255), 4 + 4 * shape.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('IDX parser', () => {
  it('reads images N×H×W and labels N, with the pixels in order', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 5 }, (_, i) => 255 - i);
    const images = parseIdx(idx([3, 2, 5], pixels), 'images');
    expect(images.shape).toEqual([3, 2, 5]);
    expect(Array.from(images.data)).toEqual(Array.from(pixels));
    const labels = parseIdx(idx([7], Uint8Array.of(0, 9, 1, 8, 2, 7, 3)), 'labels');
    expect(labels.shape).toEqual([7]);
    expect(Array.from(labels.data)).toEqual([0, 9, 1, 8, 2, 7, 3]);
    expect(parseIdx(idx([0, 28, 28]), 'empty').shape).toEqual([0, 28, 28]);
  });

  it('reads a big-endian count over 255 (60000) correctly', () => {
    expect(parseIdx(idx([60000]), 'l').shape).toEqual([60000]);
  });

  it('rejects a wrong magic, type or dimension count, naming the file', () => {
    expect(() => parseIdx(idx([2, 2, 2], undefined, { type: 0x0d }), 'f.idx')).toThrow(/^f\.idx: not an unsigned-byte IDX.*0x00000d03/);
    expect(() => parseIdx(idx([2, 2]), 'two-d.idx')).toThrow(/^two-d\.idx: .*magic 0x00000802/);
    const bad = idx([4]);
    bad[0] = 0x12;
    expect(() => parseIdx(bad, 'bad')).toThrow(/^bad: not an unsigned-byte IDX file/);
    expect(() => parseIdx(Uint8Array.of(0, 0), 'tiny')).toThrow(/^tiny: 2 bytes is too short/);
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1), 'hdr')).toThrow(/^hdr: 8 bytes is too short for an IDX header of 3 dimensions/);
    expect(() => parseIdx(Uint8Array.of(0x1f, 0x8b, 8, 0), 'x.gz')).toThrow(/^x\.gz: gzip-compressed/);
  });

  it('rejects truncated or overlong data with the expected and actual sizes', () => {
    const full = idx([5, 3, 4]);
    expect(() => parseIdx(full.subarray(0, full.length - 1), 'train-images-idx3-ubyte.gz')).toThrow(
      'train-images-idx3-ubyte.gz: expected 76 bytes for images 5×3×4, got 75 (truncated?)',
    );
    const long = new Uint8Array(full.length + 2);
    long.set(full);
    expect(() => parseIdx(long, 'l')).toThrow('l: expected 76 bytes for images 5×3×4, got 78 (trailing data?)');
    // A header that promises 60000 labels but carries 3.
    const lying = idx([3]);
    new DataView(lying.buffer).setUint32(4, 60000);
    expect(() => parseIdx(lying, 'labels')).toThrow('labels: expected 60008 bytes for labels 60000, got 11 (truncated?)');
  });
});

describe('gunzip', () => {
  it('round-trips through CompressionStream (empty, small, 300 kB)', async () => {
    const r = rng(3);
    for (const n of [0, 1, 7, 300_001]) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(r() * 4) * 60);
      const back = await gunzip(await gzip(bytes), 'x');
      expect(back.length).toBe(n);
      expect(back.every((v, i) => v === bytes[i]), `round trip of ${n} bytes`).toBe(true);
    }
  });

  it('names the file when the data is not gzip or is cut short', async () => {
    await expect(gunzip(new TextEncoder().encode('definitely not gzip'), 'train-labels-idx1-ubyte.gz')).rejects.toThrow(
      /^train-labels-idx1-ubyte\.gz: not a valid gzip file/,
    );
    const gz = await gzip(idx([50, 20, 20]));
    await expect(gunzip(gz.subarray(0, gz.length - 30), 'cut.gz')).rejects.toThrow(/^cut\.gz: not a valid gzip file/);
  });
});

describe('loadFashionMnist (browser loader)', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** A fetch serving tiny stand-in files: 5 train and 3 test images of 28×28. */
  async function serve(files: Record<string, Uint8Array>): Promise<string[]> {
    const requested: string[] = [];
    const gz = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([k, v]) => [k, await gzip(v)] as const)));
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      const file = gz[url.slice(url.lastIndexOf('/') + 1)];
      return file ? new Response(file as Uint8Array<ArrayBuffer>) : new Response('nope', { status: 404, statusText: 'Not Found' });
    });
    return requested;
  }
  const f = FASHION_MNIST_FILES;
  const good = (): Record<string, Uint8Array> => ({
    [f.xTrain]: idx([5, 28, 28]),
    [f.yTrain]: idx([5], Uint8Array.of(9, 0, 0, 3, 0)),
    [f.xTest]: idx([3, 28, 28]),
    [f.yTest]: idx([3], Uint8Array.of(9, 2, 1)),
  });

  it('fetches the four files under the base URL and returns the tensors', async () => {
    const requested = await serve(good());
    const d = await loadFashionMnist('https://example.test/data/fashion');
    expect(requested.sort()).toEqual(Object.values(f).map((file) => `https://example.test/data/fashion/${file}`).sort());
    expect(d.xTrain.shape).toEqual([5, 28, 28]);
    expect(d.xTest.shape).toEqual([3, 28, 28]);
    expect(Array.from(d.yTrain.data)).toEqual([9, 0, 0, 3, 0]);
    expect(Array.from(d.yTest.data)).toEqual([9, 2, 1]);
    expect(d.xTrain.data[1]).toBe(37);
  });

  it('reports a missing file by URL, and mismatched counts by file', async () => {
    const missing = good();
    delete missing[f.yTest];
    await serve(missing);
    await expect(loadFashionMnist('https://example.test/d/')).rejects.toThrow(`https://example.test/d/${f.yTest}: HTTP 404 Not Found`);
    await serve({ ...good(), [f.yTrain]: idx([4]) });
    await expect(loadFashionMnist('https://example.test/d')).rejects.toThrow(`https://example.test/d/${f.xTrain} has 5 images but https://example.test/d/${f.yTrain} has 4 labels`);
  });
});

describe('transforms', () => {
  /** Sample i holds the values i·10 + k, so every row names its origin. */
  function numbered(n: number, rest: number[]): { data: Float32Array; shape: number[] } {
    const per = rest.reduce((a, b) => a * b, 1);
    return { data: Float32Array.from({ length: n * per }, (_, j) => Math.floor(j / per) * 10 + (j % per)), shape: [n, ...rest] };
  }
  const origins = (t: { data: Float32Array | Uint8Array; shape: readonly number[] }) => {
    const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[0] }, (_, i) => {
      const row = Array.from(t.data.subarray(i * per, (i + 1) * per));
      const origin = row[0] / 10;
      expect(row, `row ${i} is one whole sample`).toEqual(row.map((_, k) => origin * 10 + k));
      return origin;
    });
  };

  it('trainTestSplit: a seeded shuffle into disjoint, complete parts with whole samples', () => {
    const x = numbered(33, [2, 3]);
    const [train, test] = trainTestSplit(x, { testSize: 0.2, seed: 5 });
    expect(train.shape).toEqual([26, 2, 3]);
    expect(test.shape).toEqual([7, 2, 3]);
    expect(train.data).toBeInstanceOf(Float32Array);
    const all = [...origins(train), ...origins(test)];
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 33 }, (_, i) => i));
    expect(all, 'shuffled').not.toEqual(Array.from({ length: 33 }, (_, i) => i));
    const again = trainTestSplit(x, { testSize: 0.2, seed: 5 });
    expect(Array.from(again[1].data)).toEqual(Array.from(test.data));
    expect(origins(trainTestSplit(x, { testSize: 0.2, seed: 6 })[1])).not.toEqual(origins(test));
    const u8 = trainTestSplit({ data: Uint8Array.of(1, 2, 3), shape: [3] }, { testSize: 1 / 3, seed: 1 });
    expect(u8[0].data).toBeInstanceOf(Uint8Array);
    expect([...u8[0].data, ...u8[1].data].sort()).toEqual([1, 2, 3]);
    expect(trainTestSplit({ data: new Float32Array(1), shape: [1] }, { testSize: 0.2 })[1].shape).toEqual([0]);
    expect(() => trainTestSplit(x, { testSize: 1.5 })).toThrow('trainTestSplit: testSize must be in [0, 1], got 1.5');
  });

  it('addGaussianNoise: mean x, standard deviation factor, clipped to [0, 1], seeded', () => {
    const n = 20_000;
    const x = { data: new Float32Array(n).fill(0.5), shape: [n / 4, 4] };
    const noisy = addGaussianNoise(x, { factor: 0.1, seed: 1 });
    expect(noisy.shape).toEqual([n / 4, 4]);
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    for (const v of noisy.data) {
      s += v - 0.5;
      s2 += (v - 0.5) ** 2;
      s4 += (v - 0.5) ** 4;
    }
    // Standard errors at n = 20000: mean 0.0007, std 0.0005; kurtosis 3 ± 0.04 for a normal.
    expect(Math.abs(s / n)).toBeLessThan(0.003);
    expect(Math.abs(Math.sqrt(s2 / n) - 0.1)).toBeLessThan(0.003);
    expect(Math.abs(s4 / n / (s2 / n) ** 2 - 3)).toBeLessThan(0.2);
    const u8 = { data: Uint8Array.from({ length: 1000 }, (_, i) => i & 1), shape: [1000] };
    const clipped = addGaussianNoise(u8, { seed: 2 });
    expect(clipped.data).toBeInstanceOf(Float32Array);
    expect(clipped.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(clipped.data.filter((v) => v === 0 || v === 1).length).toBeGreaterThan(300);
    expect(Array.from(addGaussianNoise(x, { seed: 9 }).data)).toEqual(Array.from(addGaussianNoise(x, { seed: 9 }).data));
    expect(Number.isNaN(addGaussianNoise({ data: Float32Array.of(NaN), shape: [1] }).data[0])).toBe(true);
    expect(Array.from(addGaussianNoise(x, { factor: 0 }).data.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]);
  });

  it('toFloat scales to float32; flatten and take keep whole samples', () => {
    const px = { data: Uint8Array.of(0, 51, 255, 128, 1, 2), shape: [1, 2, 3] };
    const f = toFloat(px);
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.shape).toEqual([1, 2, 3]);
    expect(Array.from(f.data)).toEqual(Array.from(Float32Array.of(0, 0.2, 1, 128 / 255, 1 / 255, 2 / 255)));
    expect(Array.from(toFloat(px, 2).data)).toEqual([0, 102, 510, 256, 2, 4]);

    const x = numbered(7, [3, 1, 2]);
    expect(flatten(x).shape).toEqual([7, 6]);
    expect(flatten(x).data).toBe(x.data);
    expect(flatten({ data: new Float32Array(3), shape: [3] }).shape).toEqual([3, 1]);
    expect(take(x, 3).shape).toEqual([3, 3, 1, 2]);
    expect(origins(take(x, 3))).toEqual([0, 1, 2]);
    expect(take(x, 100).shape).toEqual([7, 3, 1, 2]);
    expect(take(x, 0).data.length).toBe(0);
    expect(() => take(x, 1.5)).toThrow('take: n must be a non-negative integer, got 1.5');
    expect(() => flatten({ data: new Float32Array(1), shape: [] })).toThrow('flatten: needs a leading sample axis');
  });
});
