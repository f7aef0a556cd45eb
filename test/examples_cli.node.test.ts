// `wgslnet train unet --batch-norm` and `wgslnet train sensor` as a user runs them (node
// dist/node/cli.js, tiny sizes): the printed results, the files each writes (valid PNGs of the
// expected sizes, the JSON records), the saved BatchNormalization model, and the usage errors.
// Also the time-series plot sensor.png is drawn with, on fixed data.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { timeSeriesPlot } from '../src/node/plot.js';
import { SENSOR_TEST_ANOMALIES } from '../src/node/sensor.js';
import { requireCli, runCli } from './cli_helper.js';

let dir: string;
const run = runCli;

async function png(path: string): Promise<PNG> {
  return PNG.sync.read(await readFile(path));
}

beforeAll(async () => {
  requireCli();
  dir = await mkdtemp(join(tmpdir(), 'wgslnet-examples-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('wgslnet train unet --batch-norm', () => {
  it('trains the plain and the BatchNormalization U-Net on the same data and prints both test losses', async () => {
    const out = join(dir, 'unet');
    const r = await run(['train', 'unet', '--batch-norm', '--epochs', '1', '--samples', '128', '--batch-size', '64', '--out', out, '--verbose', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plainLoss = Number(/unet \(plain\):\s+test loss ([\d.]+), 7,113 params/.exec(r.stdout)?.[1]);
    const bnLoss = Number(/unet \(batch-norm\):\s+test loss ([\d.]+), 7,281 params/.exec(r.stdout)?.[1]);
    expect(plainLoss).toBeGreaterThan(0);
    expect(bnLoss).toBeGreaterThan(0);
    const change = Number(/changes the test loss by ([+-]?[\d.]+) %/.exec(r.stdout)?.[1]);
    expect(change).toBeCloseTo(((bnLoss - plainLoss) / plainLoss) * 100, 0);
    const records = await Promise.all(['plain', 'batch-norm'].map(async (v) => JSON.parse(await readFile(join(out, v, 'history.json'), 'utf8'))));
    expect(records.map((h) => [h.batchNorm, h.params, h.trainSamples, h.testSamples])).toEqual([[false, 7113, 128, 100], [true, 7281, 128, 100]]);
    expect(records[0].testLoss).toBeCloseTo(plainLoss, 5);
    expect(records[1].testLoss).toBeCloseTo(bnLoss, 5);
    for (const v of ['plain', 'batch-norm']) {
      const grid = await png(join(out, v, 'reconstructions.png'));
      expect(grid.width).toBeGreaterThan(2 * grid.height);
      expect([(await png(join(out, v, 'loss.png'))).width, (await png(join(out, v, 'loss.png'))).height]).toEqual([640, 400]);
    }
    expect((await png(join(out, 'compare.png'))).width).toBe(640);
    const saved = JSON.parse(await readFile(join(out, 'batch-norm', 'model', 'model.json'), 'utf8'));
    const classes = saved.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name);
    expect(classes.filter((c: string) => c === 'BatchNormalization')).toHaveLength(5);
  });

  it('refuses --batch-norm for an example without a variant (an unknown name as unknown), and on another command', async () => {
    const r = await run(['train', 'shallow', '--batch-norm', '--out', join(dir, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('wgslnet: --batch-norm applies to conv, denoising, unet, not shallow');
    const sensor = await run(['train', 'sensor', '--batch-norm', '--out', join(dir, 'nope')]);
    expect(sensor.stderr).toBe('wgslnet: --batch-norm applies to conv, denoising, unet, not sensor');
    const unknown = await run(['train', 'nope', '--batch-norm']);
    expect(unknown.stderr).toBe("wgslnet: unknown example 'nope'; choose one of: shallow, sparse, deep, deep-fashion, conv, denoising, unet, contractive, compare, anomaly, vae, sensor");
    const p = await run(['predict', '--batch-norm']);
    expect(p.stderr).toBe('wgslnet: --batch-norm is not an option of predict; see wgslnet --help');
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });
});

describe('wgslnet train sensor', () => {
  it('trains on normal windows, prints AUC/precision/recall and writes sensor.png, loss.png and sensor.json', async () => {
    const out = join(dir, 'sensor');
    const r = await run(['train', 'sensor', '--epochs', '1', '--samples', '256', '--out', out, '--verbose', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`sensor: 256 normal training windows of 64 steps; 96 test windows, \\d+ of them with one of ${SENSOR_TEST_ANOMALIES} injected anomalies`));
    const auc = Number(/ROC AUC ([\d.]+), precision ([\d.]+), recall ([\d.]+)/.exec(r.stdout)?.[1]);
    const record = JSON.parse(await readFile(join(out, 'sensor.json'), 'utf8'));
    expect(record.rocAuc).toBeCloseTo(auc, 4);
    expect(record.trainWindows).toBe(256);
    expect(record.detected).toHaveLength(SENSOR_TEST_ANOMALIES);
    expect(record.threshold).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/anomalies found: spike \d\/3, level shift \d\/3, frequency change \d\/3, flatline \d\/3/);
    // Two 1600-wide panels (420 + 320) over a row of four 400-wide close-ups (300).
    const picture = await png(join(out, 'sensor.png'));
    expect([picture.width, picture.height]).toEqual([1600, 1040]);
    expect((await png(join(out, 'loss.png'))).width).toBe(640);
  });

  it('refuses --samples beyond the training windows', async () => {
    const r = await run(['train', 'sensor', '--samples', '99999', '--out', join(dir, 'too-many')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('wgslnet: --samples 99999 is larger than the 2041 training windows');
  });
});

describe('timeSeriesPlot', () => {
  const pixel = (img: { data: Uint8Array; width: number }, x: number, y: number) => Array.from(img.data.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 3));

  it('tints the shaded spans, draws the series over them, and stacks the panels', () => {
    const values = Array.from({ length: 100 }, (_, t) => Math.sin(t / 5));
    const img = timeSeriesPlot(
      [{ title: 'a', series: [{ name: 'sine', values }] }, { title: 'b', series: [{ name: 'flat', values: values.map(() => 0) }], levels: [{ name: 'level', value: 0.5 }], height: 200 }],
      { width: 800, shaded: { name: 'flagged', spans: [[40, 60]] }, marked: { name: 'true', spans: [[45, 50]], labels: ['x'] } },
    );
    expect([img.width, img.height]).toEqual([800, 560]);
    // Somewhere in the shaded span's columns, off the lines, the background is orange-tinted
    // (red stays high, blue drops); outside it, white.
    const row = 200;
    const columns = Array.from({ length: 800 }, (_, x) => pixel(img, x, row));
    const tinted = columns.filter(([r, g, b]) => r > 240 && b < 220 && g > b);
    expect(tinted.length).toBeGreaterThan(10);
    expect(columns.filter(([r, g, b]) => r === 255 && g === 255 && b === 255).length).toBeGreaterThan(300);
  });

  it('refuses no panels, too few steps and mismatched labels', () => {
    expect(() => timeSeriesPlot([])).toThrow('timeSeriesPlot: no panels');
    expect(() => timeSeriesPlot([{ title: '', series: [{ name: 's', values: [1] }] }])).toThrow('timeSeriesPlot: the series need at least 2 time steps, got 1');
    expect(() => timeSeriesPlot([{ title: '', series: [{ name: 's', values: [1, 2] }] }], { marked: { name: 'm', spans: [[0, 1]], labels: [] } })).toThrow('timeSeriesPlot: 0 labels for 1 marked spans');
  });
});
