// Fashion-MNIST streamed from disk in chunks gives the same images and labels as loading the
// files whole; a class filter keeps only those classes.
import { describe, expect, it } from 'vitest';
import { datasets } from '../src/node/datasets.js';

/** Same bytes, whatever the array class (the whole-file loader may hand back a Buffer). */
const same = (a: ArrayLike<number> & ArrayBufferView, b: ArrayLike<number> & ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('datasets.fashionMnist.stream', () => {
  it('first batches equal the whole-file loader, with and without a class filter; the test split ends with a short batch', async () => {
    const fm = await datasets.fashionMnist.load();
    const row = 784;
    let k = 0;
    for await (const b of datasets.fashionMnist.stream({ batchSize: 100, limit: 300 })) {
      expect(b.xs.shape).toEqual([100, 28, 28]);
      expect(same(b.xs.data, fm.xTrain.data.subarray(k * 100 * row, (k + 1) * 100 * row))).toBe(true);
      expect(same(b.labels!, fm.yTrain.data.subarray(k * 100, (k + 1) * 100))).toBe(true);
      k++;
    }
    expect(k).toBe(3);
    const wanted = [5, 7, 9];
    const rows = Array.from({ length: 10000 }, (_, i) => i).filter((i) => wanted.includes(fm.yTest.data[i]));
    let seen = 0;
    let last = 0;
    for await (const b of datasets.fashionMnist.stream({ split: 'test', batchSize: 512, classes: wanted, flatten: true })) {
      expect(b.xs.shape[1]).toBe(row);
      for (let i = 0; i < b.xs.shape[0]; i++) {
        const r = rows[seen + i];
        expect(b.labels![i]).toBe(fm.yTest.data[r]);
        if (i % 97 === 0) expect(same(b.xs.data.subarray(i * row, (i + 1) * row), fm.xTest.data.subarray(r * row, (r + 1) * row))).toBe(true);
      }
      seen += b.xs.shape[0];
      last = b.xs.shape[0];
    }
    expect(seen).toBe(rows.length);
    expect(last).toBe(rows.length % 512);
  });
});
