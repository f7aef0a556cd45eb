// Streamed IDX batches: an in-memory IDX pair (gzipped and not) cut into chunks of random sizes
// gives exactly the batches of the whole arrays (class filter, flatten, limit, a short last
// batch); truncated and mismatched files fail naming the file; in a browser, streamFashionMnist
// reads through fetch.
import { describe, expect, it } from 'vitest';
import { idxBatches, idxDataset, streamFashionMnist, type Batch } from '../src/data/stream.js';
import { rng } from './helpers.js';

const [N, H, W] = [37, 4, 3];

function idx(shape: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  header.set([0, 0, 8, shape.length]);
  const view = new DataView(header.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

const r = rng(3);
const pixels = Uint8Array.from({ length: N * H * W }, () => Math.floor(r() * 256));
const classes = Uint8Array.from({ length: N }, () => Math.floor(r() * 10));
const imagesFile = idx([N, H, W], pixels);
const labelsFile = idx([N], classes);

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The bytes in chunks of 1…max bytes. */
async function* chunked(bytes: Uint8Array, seed: number, max = 7): AsyncGenerator<Uint8Array> {
  const g = rng(seed);
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(g() * max);
    yield bytes.slice(i, i + n);
    i += n;
  }
}

async function collect(batches: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

/** What the batches must be: rows of the whole arrays passing the filter, in order, batchSize at a time. */
function expected(batchSize: number, keep: (c: number) => boolean = () => true, limit = Infinity): { xs: number[][]; labels: number[][] } {
  const rows = Array.from({ length: N }, (_, i) => i).filter((i) => keep(classes[i])).slice(0, limit);
  const xs: number[][] = [];
  const labels: number[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) {
    const part = rows.slice(i, i + batchSize);
    xs.push(part.flatMap((k) => Array.from(pixels.subarray(k * H * W, (k + 1) * H * W))));
    labels.push(part.map((k) => classes[k]));
  }
  return { xs, labels };
}

describe('idxBatches', () => {
  it.each([
    ['plain, batch 8', false, { batchSize: 8 }, undefined, Infinity],
    ['gzipped, batch 5, classes 1 3 7, flattened', true, { batchSize: 5, classes: [1, 3, 7], flatten: true }, (c: number) => [1, 3, 7].includes(c), Infinity],
    ['gzipped, batch 6, limit 20', true, { batchSize: 6, limit: 20 }, undefined, 20],
  ] as const)('%s: chunk sizes do not matter', async (_, zipped, options, keep, limit) => {
    const [img, lab] = zipped ? [await gzip(imagesFile), await gzip(labelsFile)] : [imagesFile, labelsFile];
    for (const seed of [1, 2]) {
      const got = await collect(idxBatches({ chunks: chunked(img, seed), name: 'images' }, { chunks: chunked(lab, seed + 10, 3), name: 'labels' }, options));
      const want = expected(options.batchSize, keep, limit);
      expect(got.map((b) => Array.from(b.xs.data))).toEqual(want.xs);
      expect(got.map((b) => Array.from(b.labels!))).toEqual(want.labels);
      for (const b of got) {
        expect(b.ys).toBe(b.xs);
        expect(b.xs.shape).toEqual('flatten' in options ? [b.labels!.length, H * W] : [b.labels!.length, H, W]);
      }
    }
  });

  it('a data set is re-iterable: each pass reopens its sources', async () => {
    let opened = 0;
    const ds = idxDataset({ images: () => (opened++, chunked(imagesFile, 4)), names: ['images'] }, { batchSize: 10 });
    const first = await collect(ds);
    const second = await collect(ds);
    expect(opened).toBe(2);
    expect(second.map((b) => Array.from(b.xs.data))).toEqual(first.map((b) => Array.from(b.xs.data)));
    expect(first.map((b) => b.xs.shape[0])).toEqual([10, 10, 10, 7]);
  });

  it('truncated or mismatched files and bad options fail naming the file or option', async () => {
    const cut = imagesFile.subarray(0, imagesFile.length - 5);
    await expect(collect(idxBatches({ chunks: chunked(cut, 1), name: 'cut.idx' }, null, { batchSize: 8 }))).rejects.toThrow('cut.idx: ends after 36 of 37 images (truncated?)');
    const fewer = idx([N - 1], classes.subarray(1));
    await expect(collect(idxBatches({ chunks: chunked(imagesFile, 1), name: 'x.idx' }, { chunks: chunked(fewer, 2), name: 'y.idx' }, { batchSize: 8 }))).rejects.toThrow('x.idx has 37 images but y.idx has 36 labels');
    await expect(collect(idxBatches({ chunks: chunked(labelsFile, 1), name: 'labels.idx' }, null, { batchSize: 8 }))).rejects.toThrow('labels.idx: not an unsigned-byte IDX file of images (magic 00000801)');
    expect(() => idxDataset({ images: () => chunked(imagesFile, 1), names: ['x'] }, { batchSize: 0 })).toThrow('idx stream: batchSize must be a positive integer, got 0');
    expect(() => idxDataset({ images: () => chunked(imagesFile, 1), names: ['x'] }, { batchSize: 4, classes: [1] })).toThrow('idx stream: classes needs a labels file');
  });

  it.skipIf(typeof window === 'undefined')('streamFashionMnist reads gzipped files through fetch (browser)', async () => {
    // The two files served from blob: URLs under the names the data set expects is not possible,
    // so fetch is pointed at them through a stand-in base URL.
    const files: Record<string, Uint8Array> = { 'train-images-idx3-ubyte.gz': await gzip(imagesFile), 'train-labels-idx1-ubyte.gz': await gzip(labelsFile) };
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string) => {
      const name = String(url).split('/').pop()!;
      return new Response(new Blob([files[name] as Uint8Array<ArrayBuffer>]).stream());
    }) as typeof fetch;
    try {
      const got = await collect(streamFashionMnist('https://example.invalid/fashion/', { batchSize: 16, classes: [2, 4] }));
      const want = expected(16, (c) => c === 2 || c === 4);
      expect(got.map((b) => Array.from(b.xs.data))).toEqual(want.xs);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
