// Metrics beyond the losses (Keras's binaryAccuracy; tf.image's psnr and ssim for images) and
// per-sample scores, all on the GPU. A metric's batch value goes to a slot of the same buffer as
// the loss (read once per epoch). mse/mae/binaryCrossentropy as metrics are the losses themselves
// (src/ops/loss.ts); binaryAccuracy, psnr and ssim are per-sample values averaged over the batch,
// which equals Keras's mean over all elements for binaryAccuracy and tf.image's per-image values
// averaged for psnr and ssim (images scaled to [0, 1]: maxVal 1).
import { defineKernel, grid1d } from '../runner.js';
import { sample_metric_forward } from '../generated/sample_metric_forward.js';
import { empty, formatShape, sizeOf, type Shape, type Tensor } from '../tensor.js';
import { lossForward, type LossName } from './loss.js';
import { sum } from './reduce.js';

export type MetricName = LossName | 'binaryAccuracy' | 'psnr' | 'ssim';

/** The LOSS override of shaders/sample_metric_forward.wgsl (lib/loss.wgsl's kinds; ssim has its own path). */
const KIND: Record<MetricName, number> = { meanSquaredError: 0, mse: 0, meanAbsoluteError: 1, mae: 1, binaryCrossentropy: 2, binaryAccuracy: 3, psnr: 0, ssim: 0 };
const LOSSES = new Set<string>(['meanSquaredError', 'mse', 'meanAbsoluteError', 'mae', 'binaryCrossentropy']);
export const METRIC_NAMES = Object.keys(KIND) as readonly MetricName[];

/** tf.image.ssim's window: images need at least this many rows and columns. */
const SSIM_WINDOW = 11;
const MAX_VAL = 1;

const sampleKernel = /* @__PURE__ */ defineKernel({
  shader: sample_metric_forward,
  workgroups: (p: { rows: number; offset: number; rowLength: number; kind: number; psnr: boolean; ssim: boolean; image: readonly number[] }) => grid1d(p.rows, 1),
  uniforms: ({ rowLength, rows, offset, image: [height, width, channels] }) => ({ rowLength, rows, offset, maxVal: MAX_VAL, height, width, channels, zero: 0 }),
  constants: (p) => ({ LOSS: p.kind, PSNR: Number(p.psnr), SSIM: Number(p.ssim) }),
});

/** Throws unless `name` is a metric that applies to samples of this shape (checked at compile()). */
export function checkMetric(name: unknown, sampleShape: Shape, what = 'metric'): asserts name is MetricName {
  if (typeof name !== 'string' || !(METRIC_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown ${what} '${String(name)}'; expected one of ${METRIC_NAMES.join(', ')}`);
  }
  if (name === 'ssim' && !(sampleShape.length === 3 && sampleShape[0] >= SSIM_WINDOW && sampleShape[1] >= SSIM_WINDOW)) {
    throw new Error(`${what} 'ssim' needs image outputs [height, width, channels] of at least ${SSIM_WINDOW}×${SSIM_WINDOW}, but the model's output is ${formatShape(sampleShape)}`);
  }
}

function checkPair(op: string, yPred: Tensor, yTrue: Tensor): void {
  if (formatShape(yPred.shape) !== formatShape(yTrue.shape)) throw new Error(`${op}: yPred ${formatShape(yPred.shape)} and yTrue ${formatShape(yTrue.shape)} must have the same shape`);
  if (yPred.dtype !== 'float32' || yTrue.dtype !== 'float32') throw new Error(`${op}: yPred (${yPred.dtype}) and yTrue (${yTrue.dtype}) must be float32`);
}

/** One score per sample of the batch (the first axis) into out[offset … offset + batch). */
export function sampleScores(yPred: Tensor, yTrue: Tensor, name: MetricName, out: Tensor, offset = 0): Tensor {
  checkPair('sampleScores', yPred, yTrue);
  const [rows, ...sample] = yPred.shape;
  checkMetric(name, sample);
  if (offset + rows > out.size) throw new Error(`sampleScores: ${rows} scores from ${offset} do not fit out (${out.size} elements)`);
  // ssim reads the image's [height, width, channels]; the other kinds only rowLength.
  const image = name === 'ssim' ? sample : [0, 0, 0];
  sampleKernel.run([yPred.buffer, yTrue.buffer, out.buffer], { rows, offset, rowLength: sizeOf(sample), kind: KIND[name], psnr: name === 'psnr', ssim: name === 'ssim', image });
  return out;
}

/** A metric's batch mean into out[outIndex] (or a new 1-element tensor). */
export function metricForward(yPred: Tensor, yTrue: Tensor, name: MetricName, options: { out?: Tensor; outIndex?: number } = {}): Tensor {
  if (LOSSES.has(name)) return lossForward(yPred, yTrue, name as LossName, options);
  const rows = yPred.shape[0];
  const scores = sampleScores(yPred, yTrue, name, empty([rows]));
  const out = sum(scores, { scale: 1 / rows, out: options.out, outIndex: options.outIndex });
  // Back to the pool: a later kernel that reuses it is encoded after the sum.
  scores.dispose();
  return out;
}
