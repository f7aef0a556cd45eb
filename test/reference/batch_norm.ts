// float64 reference of Keras's BatchNormalization on a row-major tensor: y = (x − μ)/sqrt(σ² + ε)·γ + β
// per index of `axis`, with μ, σ² the batch's mean and biased variance (training) or the given
// moving averages (inference).

export interface BatchNormRefParams {
  shape: number[];
  /** Non-negative axis of `shape` (batch included). */
  axis: number;
  epsilon: number;
  gamma?: ArrayLike<number>;
  beta?: ArrayLike<number>;
  /** Inference: the moving averages. Training: omitted, the batch's statistics are used. */
  movingMean?: ArrayLike<number>;
  movingVariance?: ArrayLike<number>;
}

/** Channel of each flat element, and the channel count. */
function channels(shape: number[], axis: number): { c: number; channelOf: (i: number) => number } {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const c = shape[axis];
  return { c, channelOf: (i) => Math.floor(i / inner) % c };
}

/** The batch's per-channel mean and biased variance (two passes). */
export function batchMoments(x: ArrayLike<number>, shape: number[], axis: number): { mean: Float64Array; variance: Float64Array } {
  const { c, channelOf } = channels(shape, axis);
  const count = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[channelOf(i)] += x[i] / count;
  for (let i = 0; i < x.length; i++) variance[channelOf(i)] += (x[i] - mean[channelOf(i)]) ** 2 / count;
  return { mean, variance };
}

export function batchNormRef(x: ArrayLike<number>, p: BatchNormRefParams): Float64Array {
  const { channelOf } = channels(p.shape, p.axis);
  const stats = p.movingMean && p.movingVariance ? { mean: p.movingMean, variance: p.movingVariance } : batchMoments(x, p.shape, p.axis);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = channelOf(i);
    const v = (x[i] - stats.mean[k]) / Math.sqrt(stats.variance[k] + p.epsilon);
    y[i] = v * (p.gamma ? p.gamma[k] : 1) + (p.beta ? p.beta[k] : 0);
  }
  return y;
}

/** Keras's moving-average update: moving − (moving − stat)·(1 − momentum). */
export function movingAverage(moving: ArrayLike<number>, stat: ArrayLike<number>, momentum: number): Float64Array {
  return Float64Array.from(moving, (m, i) => m - (m - stat[i]) * (1 - momentum));
}
