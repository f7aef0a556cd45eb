// Random ops on a counter-based generator (Philox4x32-10, shaders/lib/random.wgsl): the numbers for
// element i follow from (seed, step, i) alone, so a training step is reproducible and dropout's
// backward pass regenerates its forward mask instead of storing it.
import { defineKernel, grid1d } from '../runner.js';
import { dropout_forward } from '../generated/dropout_forward.js';
import { gaussian_noise_forward } from '../generated/gaussian_noise_forward.js';
import { random_forward } from '../generated/random_forward.js';
import { empty, formatShape, type Shape, type Tensor } from '../tensor.js';

/** Which draw: seed identifies the layer/run, step the training step. Non-negative integers below 2^53. */
export interface RandomKey {
  seed: number;
  step: number;
}

export interface GaussianNoiseOptions extends RandomKey {
  stddev: number;
  /** Clip the result to [lo, hi] (the denoising autoencoder keeps noisy pixels in [0, 1]). */
  clip?: [number, number];
  /** Where to write the result (same shape as x, not x itself). */
  out?: Tensor;
}

export interface DropoutOptions extends RandomKey {
  /** Fraction of elements zeroed, in [0, 1). */
  rate: number;
}

/** The Philox key and the step half of its counter, as the kernels' uniform fields. */
interface KeyWords {
  seed_lo: number;
  seed_hi: number;
  step_lo: number;
  step_hi: number;
}

interface NoiseParams {
  n: number;
  key: KeyWords;
  stddev: number;
  clip?: [number, number];
}

interface DropoutParams {
  n: number;
  key: KeyWords;
  threshold: number;
  scale: number;
}

// Each thread writes 4 elements, one per Philox output word.
const noiseKernel = /* @__PURE__ */ defineKernel({
  shader: gaussian_noise_forward,
  workgroups: (p: NoiseParams) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: (p) => ({ n: p.n, ...p.key, stddev: p.stddev, lo: p.clip?.[0] ?? 0, hi: p.clip?.[1] ?? 0 }),
  constants: (p) => ({ CLIP: Number(p.clip !== undefined) }),
});

const dropoutKernel = /* @__PURE__ */ defineKernel({
  shader: dropout_forward,
  workgroups: (p: DropoutParams) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: (p) => ({ n: p.n, ...p.key, threshold: p.threshold, scale: p.scale }),
});

interface DrawParams {
  n: number;
  key: KeyWords;
  normal: boolean;
  a: number;
  b: number;
}

const drawKernel = /* @__PURE__ */ defineKernel({
  shader: random_forward,
  workgroups: (p: DrawParams) => grid1d(Math.ceil(p.n / 4), 64),
  uniforms: (p) => ({ n: Math.ceil(p.n / 4), ...p.key, a: p.a, b: p.b }),
  constants: (p) => ({ DIST: p.normal ? 0 : 1 }),
});

function keyWords(op: string, { seed, step }: RandomKey): KeyWords {
  for (const [name, v] of [['seed', seed], ['step', step]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${op}: ${name} must be a non-negative integer below 2^53, got ${v}`);
  }
  return { seed_lo: seed % 2 ** 32, seed_hi: Math.floor(seed / 2 ** 32), step_lo: step % 2 ** 32, step_hi: Math.floor(step / 2 ** 32) };
}

/** x + N(0, stddev²) per element, optionally clipped to [lo, hi]; a NaN in x stays NaN. */
export function gaussianNoise(x: Tensor, options: GaussianNoiseOptions): Tensor {
  const { stddev, clip, out = empty(x.shape) } = options;
  const key = keyWords('gaussianNoise', options);
  if (!(stddev >= 0 && Number.isFinite(stddev))) throw new Error(`gaussianNoise: stddev must be finite and ≥ 0, got ${stddev}`);
  if (clip && !(clip[0] <= clip[1])) throw new Error(`gaussianNoise: clip must be [lo, hi] with lo ≤ hi, got ${JSON.stringify(clip)}`);
  if (formatShape(out.shape) !== formatShape(x.shape)) throw new Error(`gaussianNoise: out ${formatShape(out.shape)} must have x's shape ${formatShape(x.shape)}`);
  // WebGPU forbids one buffer bound as both read-only and writable storage in a dispatch.
  if (out.buffer === x.buffer) throw new Error('gaussianNoise: out must not share x\'s buffer (no in-place noise)');
  noiseKernel.run([x.buffer, out.buffer], { n: x.size, key, stddev, clip });
  return out;
}

function applyDropout(op: string, x: Tensor, options: DropoutOptions): Tensor {
  const { rate } = options;
  const key = keyWords(op, options);
  if (!(rate >= 0 && rate < 1)) throw new Error(`${op}: rate must be in [0, 1), got ${rate}`);
  // Keep where the element's u32 ≥ rate·2³², i.e. with probability 1 - rate (to 2⁻³²).
  const threshold = Math.min(Math.round(rate * 2 ** 32), 2 ** 32 - 1);
  const y = empty(x.shape);
  dropoutKernel.run([x.buffer, y.buffer], { n: x.size, key, threshold, scale: 1 / (1 - rate) });
  return y;
}

/** Inverted dropout: each element zeroed with probability rate, the kept ones scaled by 1/(1-rate). */
export function dropout(x: Tensor, options: DropoutOptions): Tensor {
  return applyDropout('dropout', x, options);
}

/** dx = dy masked and scaled exactly as dropout(x, options) was: the mask is regenerated from (seed, step). */
export function dropoutBackward(dy: Tensor, options: DropoutOptions): Tensor {
  return applyDropout('dropoutBackward', dy, options);
}

/** A new tensor of N(mean, stddev²) samples; (seed, step) reproduces it exactly. */
export function randomNormalTensor(shape: Shape, { mean = 0, stddev = 1, ...key }: RandomKey & { mean?: number; stddev?: number }): Tensor {
  if (!Number.isFinite(mean) || !(stddev >= 0 && Number.isFinite(stddev))) throw new Error(`randomNormal: mean must be finite and stdDev finite and ≥ 0, got ${mean} and ${stddev}`);
  const y = empty(shape);
  drawKernel.run([y.buffer], { n: y.size, key: keyWords('randomNormal', key), normal: true, a: mean, b: stddev });
  return y;
}

/** A new tensor of U[minval, maxval) samples; (seed, step) reproduces it exactly. */
export function randomUniformTensor(shape: Shape, { minval = 0, maxval = 1, ...key }: RandomKey & { minval?: number; maxval?: number }): Tensor {
  if (!(Number.isFinite(minval) && Number.isFinite(maxval) && minval <= maxval)) throw new Error(`randomUniform: needs finite minval ≤ maxval, got ${minval} and ${maxval}`);
  const y = empty(shape);
  drawKernel.run([y.buffer], { n: y.size, key: keyWords('randomUniform', key), normal: false, a: minval, b: maxval });
  return y;
}
