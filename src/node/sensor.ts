// `wgslnet train sensor`: anomaly detection on a 1-D signal. A Conv1D autoencoder learns windows of
// a normal, seeded sensor-like signal (src/sensor.ts); a second stretch of the signal, with spikes,
// level shifts, frequency changes and flatlines injected, is cut into windows that are each scored
// by their reconstruction error (model.evaluate with reduction 'none', on the GPU). A window is
// flagged when its error passes a high quantile of the training windows' errors. Prints ROC AUC,
// precision and recall on the labelled test windows; writes sensor.png (signal, reconstruction and
// error over time, with the threshold, the flagged windows and the true anomalies), loss.png and
// sensor.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setRandomSeed, type HostTensor } from '../index.js';
import { take } from '../data/transforms.js';
import { precisionRecall, quantile, rocAuc } from '../anomaly.js';
import { SENSOR_WINDOW, meanStd, sensorAutoencoder, sensorSignal, signalWindows, windowLabels, type SensorAnomalyKind } from '../sensor.js';
import type { AnomalyOptions } from './anomaly.js';
import { composeImages, lossPlot, timeSeriesPlot } from './plot.js';
import { writePng } from './image.js';

/** Normal training signal, labelled test signal (steps), and the anomalies injected into it. */
export const SENSOR_TRAIN_STEPS = 16384;
export const SENSOR_TEST_STEPS = 6144;
export const SENSOR_TEST_ANOMALIES = 12;
/** Training windows overlap (a new one every 8 steps); test windows tile the signal, so each step is scored once. */
const TRAIN_STRIDE = 8;
/** The threshold: the training windows' error quantile that normal windows should stay under. */
export const SENSOR_THRESHOLD_QUANTILE = 0.99;

const SHORT: Record<SensorAnomalyKind, string> = { spike: 'spike', 'level shift': 'shift', 'frequency change': 'freq', flatline: 'flat' };

export interface SensorResult {
  auc: number;
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Each injected anomaly and whether a window overlapping it was flagged. */
  detected: { kind: SensorAnomalyKind; start: number; end: number; flagged: boolean }[];
}

async function windowErrors(m: ReturnType<typeof sensorAutoencoder>, x: HostTensor): Promise<Float32Array> {
  const t = await m.evaluate(x, x, { reduction: 'none', batchSize: 256 });
  const scores = (await t.data()) as Float32Array;
  t.dispose();
  return scores;
}

export async function trainSensor(options: AnomalyOptions): Promise<SensorResult> {
  const { epochs, batchSize, seed, verbose, out } = options;
  const train = sensorSignal({ length: SENSOR_TRAIN_STEPS, seed });
  const test = sensorSignal({ length: SENSOR_TEST_STEPS, seed: seed + 1, anomalies: SENSOR_TEST_ANOMALIES });
  // Standardized with the training signal's statistics (the test signal's would include the anomalies).
  const scale = meanStd(train.values);
  let trainX = signalWindows(train.values, SENSOR_WINDOW, TRAIN_STRIDE, scale).x;
  if (options.samples !== undefined) {
    if (options.samples > trainX.shape[0]) throw new RangeError(`--samples ${options.samples} is larger than the ${trainX.shape[0]} training windows`);
    trainX = take(trainX, options.samples);
  }
  const testWindows = signalWindows(test.values, SENSOR_WINDOW, SENSOR_WINDOW, scale);
  const labels = windowLabels(testWindows.starts, SENSOR_WINDOW, test.anomalies);
  console.log(`sensor: ${trainX.shape[0]} normal training windows of ${SENSOR_WINDOW} steps; ${testWindows.starts.length} test windows, ${labels.filter(Boolean).length} of them with one of ${test.anomalies.length} injected anomalies`);

  setRandomSeed(seed);
  const m = sensorAutoencoder();
  if (verbose) m.summary();
  const history = await m.fit(trainX, trainX, { epochs, batchSize, seed, verbose, shuffle: true, validationSplit: 0.1 });

  const threshold = quantile(await windowErrors(m, trainX), SENSOR_THRESHOLD_QUANTILE);
  const scores = await windowErrors(m, testWindows.x);
  const flagged = Array.from(scores, (s) => s > threshold);
  const auc = rocAuc(scores, labels);
  const { precision, recall, f1 } = precisionRecall(flagged, labels);
  const detected = test.anomalies.map((a) => ({ ...a, flagged: testWindows.starts.some((s, k) => flagged[k] && a.start < s + SENSOR_WINDOW && a.end > s) }));

  // The picture, per time step: the test windows tile the signal, so the reconstruction is their
  // predictions end to end (back in the signal's units) and each step carries its window's error.
  const decodedT = await m.predict(testWindows.x);
  const decoded = (await decodedT.data()) as Float32Array;
  decodedT.dispose();
  const covered = testWindows.starts.length * SENSOR_WINDOW;
  const signal = test.values.subarray(0, covered);
  const reconstruction = decoded.map((v) => v * scale.std + scale.mean);
  const error = Float32Array.from({ length: covered }, (_, t) => scores[Math.floor(t / SENSOR_WINDOW)]);
  const spans = {
    shaded: { name: 'flagged windows', spans: testWindows.starts.filter((_, k) => flagged[k]).map((s) => [s, s + SENSOR_WINDOW] as const) },
    marked: { name: 'injected anomalies', spans: test.anomalies.map((a) => [a.start, a.end] as const), labels: test.anomalies.map((a) => SHORT[a.kind]) },
  };
  // A spike's error dwarfs the rest; the error panel stops at 3× the threshold so the threshold and
  // the near misses stay readable.
  const errorTop = 3 * threshold;
  const overview = timeSeriesPlot(
    [
      { title: `test signal and its reconstruction (Conv1D autoencoder, windows of ${SENSOR_WINDOW} steps)`, series: [{ name: 'signal', values: signal }, { name: 'reconstruction', values: reconstruction }], height: 420 },
      {
        title: `error per window: ROC AUC ${auc.toFixed(3)}, precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}`,
        series: [{ name: 'window mse (axis cut at 3x threshold)', values: error }],
        levels: [{ name: `threshold (${SENSOR_THRESHOLD_QUANTILE * 100}th pct of training)`, value: threshold }],
        yRange: [0, errorTop],
        height: 320,
      },
    ],
    spans,
  );
  // Below it, a close-up of the first anomaly of each kind: a window before it to a window after.
  const zooms = test.anomalies.filter((a, k) => test.anomalies.findIndex((b) => b.kind === a.kind) === k).map((a) => {
    const from = Math.max(0, (Math.floor(a.start / SENSOR_WINDOW) - 1) * SENSOR_WINDOW);
    const to = Math.min(covered, (Math.floor((a.end - 1) / SENSOR_WINDOW) + 2) * SENSOR_WINDOW);
    const { shaded, marked } = spans;
    return timeSeriesPlot(
      [{ title: `${a.kind} at step ${a.start}`, series: [{ name: 'signal', values: signal.subarray(from, to) }, { name: 'reconstruction', values: reconstruction.subarray(from, to) }], height: 300, legend: false }],
      { width: 400, start: from, shaded, marked: { name: marked.name, spans: marked.spans } },
    );
  });
  const picture = composeImages([[overview], zooms]);
  await mkdir(out, { recursive: true });
  await writePng(join(out, 'sensor.png'), picture.data, picture.width, picture.height);
  const loss = lossPlot(Object.entries(history.history).map(([name, values]) => ({ name, values })), { title: 'sensor: mse of the normal windows' });
  await writePng(join(out, 'loss.png'), loss.data, loss.width, loss.height);
  const record = {
    rocAuc: auc, precision, recall, f1, threshold, thresholdQuantile: SENSOR_THRESHOLD_QUANTILE,
    window: SENSOR_WINDOW, trainWindows: trainX.shape[0], testWindows: testWindows.starts.length, anomalousTestWindows: labels.filter(Boolean).length,
    flaggedWindows: flagged.filter(Boolean).length, detected, history: history.history,
  };
  await writeFile(join(out, 'sensor.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`threshold ${threshold.toPrecision(3)} (the ${SENSOR_THRESHOLD_QUANTILE * 100}th percentile of the training windows' errors): ${flagged.filter(Boolean).length} test windows flagged`);
  console.log(`ROC AUC ${auc.toFixed(4)}, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, F1 ${f1.toFixed(3)} over ${labels.length} test windows (${labels.filter(Boolean).length} anomalous)`);
  const byKind = [...new Set(detected.map((d) => d.kind))].map((k) => `${k} ${detected.filter((d) => d.kind === k && d.flagged).length}/${detected.filter((d) => d.kind === k).length}`);
  console.log(`anomalies found: ${byKind.join(', ')}`);
  console.log(`sensor.png, loss.png, sensor.json → ${out}`);
  m.dispose();
  return { auc, threshold, precision, recall, f1, detected };
}
