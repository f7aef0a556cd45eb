// Host-side array helpers for preparing data sets before they go to fit(): split, noise, scaling.
// They run once per data set on the CPU, seeded so that a seed reproduces a run.
import type { HostTensor } from '../tensor.js';
import { normal, seededRandom } from '../initializers.js';

function samples(x: HostTensor, what: string): number {
  if (x.shape.length === 0) throw new Error(`${what}: needs a leading sample axis, got a scalar shape []`);
  return x.shape[0];
}

/** Splits along the first axis after a seeded shuffle: [train, test] with round(n·testSize) test samples. */
export function trainTestSplit(x: HostTensor, { testSize = 0.2, seed = 0 }: { testSize?: number; seed?: number } = {}): [HostTensor, HostTensor] {
  const n = samples(x, 'trainTestSplit');
  if (!(testSize >= 0 && testSize <= 1)) throw new Error(`trainTestSplit: testSize must be in [0, 1], got ${testSize}`);
  const per = x.data.length / Math.max(n, 1);
  // Fisher–Yates on the sample order.
  const order = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.round(n * testSize);
  const gather = (indices: number[]): HostTensor => {
    const data = new (x.data.constructor as Float32ArrayConstructor | Uint8ArrayConstructor)(indices.length * per);
    indices.forEach((src, dst) => data.set(x.data.subarray(src * per, (src + 1) * per), dst * per));
    return { data, shape: [indices.length, ...x.shape.slice(1)] };
  };
  return [gather(order.slice(nTest)), gather(order.slice(0, nTest))];
}

/**
 * x + factor·N(0, 1), clipped to [0, 1], as float32: the noisy inputs of a denoising autoencoder
 * (x is expected in [0, 1] already; see toFloat). NaN stays NaN.
 */
export function addGaussianNoise(x: HostTensor, { factor = 0.35, seed = 0 }: { factor?: number; seed?: number } = {}): HostTensor {
  const random = seededRandom(seed);
  const data = new Float32Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = x.data[i] + factor * normal(random);
    data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return { data, shape: [...x.shape] };
}

/** The values times `scale`, as float32 (default: uint8 pixels 0..255 → [0, 1]). */
export function toFloat(x: HostTensor, scale = 1 / 255): HostTensor {
  const data = new Float32Array(x.data.length);
  for (let i = 0; i < data.length; i++) data[i] = x.data[i] * scale;
  return { data, shape: [...x.shape] };
}

/** N×d1×d2×… → N×(d1·d2·…), sharing the data. */
export function flatten(x: HostTensor): HostTensor {
  const n = samples(x, 'flatten');
  return { data: x.data, shape: [n, x.shape.slice(1).reduce((a, b) => a * b, 1)] };
}

/** The first n samples (all of them if there are fewer), sharing the data. */
export function take(x: HostTensor, n: number): HostTensor {
  const total = samples(x, 'take');
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`take: n must be a non-negative integer, got ${n}`);
  const k = Math.min(n, total);
  const per = total === 0 ? 0 : x.data.length / total;
  return { data: x.data.subarray(0, k * per), shape: [k, ...x.shape.slice(1)] };
}
