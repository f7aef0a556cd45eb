// `wgslnet train anomaly` end to end on a slice of the real Fashion-MNIST: the autoencoder learns
// the normal classes, scores every test image on the GPU, and the held-out classes score higher
// (ROC AUC well above chance); the histogram and the top-anomaly grid are written as PNGs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { trainAnomaly, NORMAL_CLASSES } from '../src/node/anomaly.js';
import { setup } from './helpers.js';

let out: string;

beforeAll(async () => {
  await setup();
  out = await mkdtemp(join(tmpdir(), 'wgslnet-anomaly-'));
});

afterAll(() => rm(out, { recursive: true, force: true }));

describe('train anomaly', () => {
  it('2 epochs on 2000 normal images: AUC > 0.8, per-class scores higher for the held-out classes, pictures written', async () => {
    const { auc } = await trainAnomaly({ epochs: 2, batchSize: 64, samples: 2000, out, seed: 1, verbose: 0 });
    expect(auc).toBeGreaterThan(0.8);
    const record = JSON.parse(await readFile(join(out, 'anomaly.json'), 'utf8'));
    expect(record.rocAuc).toBe(auc);
    const mean = (normal: boolean) => {
      const rows = record.perClass.filter((c: { normal: boolean }) => c.normal === normal);
      return rows.reduce((a: number, c: { meanScore: number }) => a + c.meanScore, 0) / rows.length;
    };
    expect(record.perClass.filter((c: { normal: boolean }) => c.normal).length).toBe(NORMAL_CLASSES.length);
    expect(mean(false)).toBeGreaterThan(mean(true));
    // Most of the 20 top-scored images are anomalies.
    expect(record.top.filter((t: { class: string }) => !record.normalClasses.includes(t.class)).length).toBeGreaterThanOrEqual(15);
    const hist = PNG.sync.read(await readFile(join(out, 'histogram.png')));
    expect([hist.width, hist.height]).toEqual([640, 400]);
    const grid = PNG.sync.read(await readFile(join(out, 'top-anomalies.png')));
    expect(grid.height).toBeGreaterThan(100);
  });
});
