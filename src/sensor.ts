// The 1-D anomaly example (`wgslnet train sensor`): a seeded, sensor-like signal, its windows, and a
// Conv1D autoencoder that learns the normal signal so that windows it reconstructs badly are
// flagged. Browser-safe; the CLI's training run and picture live in src/node/sensor.ts.
import { input } from './graph.js';
import * as layers from './layers/index.js';
import { model, type Model } from './model.js';
import { optimizers } from './optimizers.js';
import { normal, seededRandom } from './initializers.js';
import type { HostTensor } from './tensor.js';

export type SensorAnomalyKind = 'spike' | 'level shift' | 'frequency change' | 'flatline';
export const SENSOR_ANOMALY_KINDS: readonly SensorAnomalyKind[] = ['spike', 'level shift', 'frequency change', 'flatline'];

export interface SensorAnomaly {
  kind: SensorAnomalyKind;
  /** Time steps start … end − 1 are anomalous. */
  start: number;
  end: number;
}

export interface SensorSignal {
  values: Float32Array;
  anomalies: SensorAnomaly[];
}

export interface SensorSignalOptions {
  /** Time steps. */
  length: number;
  seed: number;
  /** Anomalies injected, their kinds in turn (spike, level shift, frequency change, flatline). Default 0. */
  anomalies?: number;
  /** Standard deviation of the measurement noise (the signal's amplitude is about 1.5). Default 0.1. */
  noise?: number;
}

/** The normal signal's periods in time steps: a main cycle and a faster one that does not divide it. */
const MAIN_PERIOD = 40;
const FAST_PERIOD = 11;
/** A slow swell of the amplitude (±25 %), so that no two windows repeat exactly. */
const SWELL_PERIOD = 1000;

/**
 * A machine's vibration as a sensor might record it: sin(main cycle) + 0.4·sin(fast cycle), its
 * amplitude swelling slowly, plus Gaussian noise; seeded, so the same options give the same signal.
 * Anomalies go at random places, one in each of `anomalies` equal slots (at least 100 steps apart):
 * a spike (1–3 steps of ±2.5…4), a level shift (+/−0.8…1.2 for 30–60 steps), a frequency change
 * (the main cycle at 2.5× its rate for 40–80 steps) and a flatline (the sensor stuck at its last
 * value for 30–60 steps).
 */
export function sensorSignal({ length, seed, anomalies = 0, noise = 0.1 }: SensorSignalOptions): SensorSignal {
  if (!(Number.isInteger(length) && length > 0)) throw new Error(`sensorSignal: length must be a positive integer, got ${length}`);
  if (!(Number.isInteger(anomalies) && anomalies >= 0)) throw new Error(`sensorSignal: anomalies must be a whole number, got ${anomalies}`);
  if (!(noise >= 0 && Number.isFinite(noise))) throw new Error(`sensorSignal: noise must be a finite number ≥ 0, got ${noise}`);
  const random = seededRandom(seed);
  const spacing = 200;
  if (anomalies > 0 && (anomalies + 1) * spacing > length) throw new Error(`sensorSignal: ${anomalies} anomalies need at least ${(anomalies + 1) * spacing} steps, got ${length}`);
  // Places: `anomalies` slots spread over the signal, each anomaly at a random point of its slot.
  const slot = anomalies ? Math.floor(length / anomalies) : length;
  const placed: SensorAnomaly[] = [];
  for (let k = 0; k < anomalies; k++) {
    const kind = SENSOR_ANOMALY_KINDS[k % SENSOR_ANOMALY_KINDS.length];
    const duration = kind === 'spike' ? 1 + Math.floor(random() * 3) : kind === 'frequency change' ? 40 + Math.floor(random() * 41) : 30 + Math.floor(random() * 31);
    const start = k * slot + 50 + Math.floor(random() * Math.max(1, slot - duration - 100));
    placed.push({ kind, start, end: Math.min(length, start + duration) });
  }
  const at = (t: number) => placed.find((a) => t >= a.start && t < a.end);

  const values = new Float32Array(length);
  const [phase0, phase1, phase2] = [random(), random(), random()].map((u) => 2 * Math.PI * u);
  const sign = () => (random() < 0.5 ? -1 : 1);
  const shifts = new Map(placed.map((a) => [a, sign() * (0.8 + 0.4 * random())]));
  const spikes = new Map(placed.map((a) => [a, sign() * (2.5 + 1.5 * random())]));
  // The main cycle's phase is accumulated, so a change of rate bends it without a jump.
  let main = phase0;
  for (let t = 0; t < length; t++) {
    const a = at(t);
    main += (2 * Math.PI) / (a?.kind === 'frequency change' ? MAIN_PERIOD / 2.5 : MAIN_PERIOD);
    const swell = 1 + 0.25 * Math.sin((2 * Math.PI * t) / SWELL_PERIOD + phase2);
    let v = swell * (Math.sin(main) + 0.4 * Math.sin((2 * Math.PI * t) / FAST_PERIOD + phase1)) + noise * normal(random);
    if (a?.kind === 'level shift') v += shifts.get(a)!;
    if (a?.kind === 'spike') v += spikes.get(a)!;
    // Stuck: the reading just before the anomaly, exactly (a real stuck sensor has no noise).
    if (a?.kind === 'flatline' && a.start > 0) v = values[a.start - 1];
    values[t] = v;
  }
  return { values, anomalies: placed };
}

/** The mean and standard deviation of `values`, to standardize a signal with the training part's. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / values.length) || 1 };
}

/**
 * Windows of `size` steps every `stride` steps, standardized by `scale` ((v − mean)/std), as a
 * [n, size, 1] tensor for Conv1D; `starts` holds each window's first step.
 */
export function signalWindows(values: ArrayLike<number>, size: number, stride: number, scale: { mean: number; std: number } = { mean: 0, std: 1 }): { x: HostTensor; starts: number[] } {
  if (!(Number.isInteger(size) && size > 0 && Number.isInteger(stride) && stride > 0)) throw new Error(`signalWindows: size and stride must be positive integers, got ${size} and ${stride}`);
  if (values.length < size) throw new Error(`signalWindows: a signal of ${values.length} steps is shorter than one window of ${size}`);
  const starts: number[] = [];
  for (let s = 0; s + size <= values.length; s += stride) starts.push(s);
  const data = new Float32Array(starts.length * size);
  starts.forEach((s, k) => {
    for (let i = 0; i < size; i++) data[k * size + i] = (values[s + i] - scale.mean) / scale.std;
  });
  return { x: { data, shape: [starts.length, size, 1] }, starts };
}

/** Whether each window (first steps `starts`, `size` long) overlaps an anomaly. */
export function windowLabels(starts: readonly number[], size: number, anomalies: readonly SensorAnomaly[]): boolean[] {
  return starts.map((s) => anomalies.some((a) => a.start < s + size && a.end > s));
}

/** Window length of the sensor example: a little over one and a half main cycles. */
export const SENSOR_WINDOW = 64;

/**
 * The Conv1D autoencoder for [window, 1] (window divisible by 4): Conv1D(16, 7) → MaxPooling1D(2)
 * → Conv1D(8, 5) → MaxPooling1D(2) → Conv1D(4, 3) (the code: window/4 steps × 4) → UpSampling1D(2)
 * → Conv1D(8, 5) → UpSampling1D(2) → Conv1D(16, 7) → Conv1D(1, 7, linear); relu, `same`, adam (3e-3), mse.
 * The code holds as many numbers as the window, but the pooling and small kernels let it keep only
 * smooth, periodic structure: noise, spikes and steps come back blurred, and that is the score.
 */
export function sensorAutoencoder(window = SENSOR_WINDOW, name = 'sensor_ae'): Model {
  if (!(Number.isInteger(window) && window >= 4 && window % 4 === 0)) throw new Error(`sensorAutoencoder: window must be a multiple of 4, got ${window}`);
  const conv = (filters: number, kernelSize: number, activation: 'relu' | 'linear' = 'relu') => layers.conv1d({ filters, kernelSize, activation, padding: 'same' });
  const x = input({ shape: [window, 1] });
  const y = [
    conv(16, 7), layers.maxPooling1d({ poolSize: 2 }), conv(8, 5), layers.maxPooling1d({ poolSize: 2 }), conv(4, 3),
    layers.upSampling1d({ size: 2 }), conv(8, 5), layers.upSampling1d({ size: 2 }), conv(16, 7), conv(1, 7, 'linear'),
  ].reduce((t, l) => l.apply(t), x);
  const m = model({ inputs: x, outputs: y, name });
  // A rate 3× Adam's default: the model is small and the signal clean, so it converges in tens of
  // epochs instead of a hundred.
  m.compile({ optimizer: optimizers.adam({ learningRate: 3e-3 }), loss: 'meanSquaredError' });
  return m;
}
