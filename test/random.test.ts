// Gaussian noise and dropout on the Philox generator: the generator is checked bit for bit against a
// JS Philox4x32-10 (itself checked on Random123's known answers), the distributions statistically
// over ~10^5 samples, plus reproducibility, clipping, NaN, and dropout's backward mask.
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { dropout, dropoutBackward, gaussianNoise } from '../src/ops/random.js';
import { expectClose, setup, uniform } from './helpers.js';

/** Philox4x32-10 in plain JS (BigInt for the 64-bit products). */
function philox([c0, c1, c2, c3]: number[], [k0, k1]: number[]): number[] {
  const wide = (a: number, b: number) => {
    const p = BigInt(a) * BigInt(b);
    return [Number(p >> 32n), Number(p & 0xffffffffn)];
  };
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = wide(0xd2511f53, c0);
    const [hi1, lo1] = wide(0xcd9e8d57, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** The u32 that decides element i (seed and step below 2^32): word i % 4 of block i / 4. */
const word = (i: number, seed: number, step: number, stream: number) => philox([Math.floor(i / 4), step, 0, stream], [seed, 0])[i % 4];

const stats = (v: ArrayLike<number>) => {
  const n = v.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i] / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n) };
};

/** The float32 values' bit patterns (NaN-free data), for "identical bits" comparisons. */
const bits = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer));

describe('random', () => {
  beforeAll(setup);

  it('the JS Philox4x32-10 reproduces Random123\'s known answers', () => {
    expect(philox([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect(philox([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect(philox([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('dropout\'s mask is Philox\'s, bit for bit, and kept values are x / (1 - rate) exactly', async () => {
    const n = 1031;
    const rate = 0.3;
    const x = uniform(n, 51, 0.5, 1.5);
    const y = await dropout(tensor(x), { rate, seed: 123_456_789, step: 7 }).data();
    const threshold = Math.round(rate * 2 ** 32);
    const scale = Math.fround(1 / (1 - rate));
    const expected = Array.from(x, (v, i) => (word(i, 123_456_789, 7, 2) >= threshold ? Math.fround(v * scale) : 0));
    expect(Array.from(y)).toEqual(expected);
  });

  it('Gaussian noise is Box–Muller on Philox\'s words (atol 5e-3, rtol 1e-3: WGSL\'s log/cos accuracy)', async () => {
    const n = 1031;
    const x = uniform(n, 52);
    const y = await gaussianNoise(tensor(x), { stddev: 1, seed: 99, step: 3 }).data();
    const expected = Array.from(x, (v, i) => {
      const [a, b] = i % 2 === 0 ? [word(i, 99, 3, 1), word(i + 1, 99, 3, 1)] : [word(i - 1, 99, 3, 1), word(i, 99, 3, 1)];
      const radius = Math.sqrt(-2 * Math.log(((a >>> 8) + 1) * 2 ** -24));
      const angle = ((b >>> 8) * 2 ** -23 - 1) * Math.PI;
      return v + radius * (i % 2 === 0 ? Math.cos(angle) : Math.sin(angle));
    });
    expectClose(y, expected, { atol: 5e-3, rtol: 1e-3 }, 'noisy x');
  });

  it('Gaussian noise has mean 0 and the asked stddev over 10^5 samples (5σ tolerances)', async () => {
    const n = 100_003;
    const stddev = 0.35;
    const z = await gaussianNoise(tensor(new Float32Array(n)), { stddev, seed: 2024, step: 11 }).data();
    const { mean, std } = stats(z);
    // standard errors: stddev/√n = 0.0011 for the mean, stddev/√(2n) = 0.00078 for the std
    expect(Math.abs(mean)).toBeLessThan(0.0056);
    expect(Math.abs(std - stddev)).toBeLessThan(0.004);
    // the shape: P(|z| < σ) = 0.6827, P(|z| < 2σ) = 0.9545 (standard errors 0.0015, 0.00066)
    const within = (k: number) => Array.prototype.filter.call(z, (v: number) => Math.abs(v) < k * stddev).length / n;
    expect(Math.abs(within(1) - 0.6827)).toBeLessThan(0.0075);
    expect(Math.abs(within(2) - 0.9545)).toBeLessThan(0.0033);
    // neighbours (and the two halves of each Box–Muller pair) are uncorrelated: |r| < 5/√n
    let lag = 0;
    for (let i = 1; i < n; i++) lag += z[i] * z[i - 1];
    expect(Math.abs(lag / (n - 1) / std ** 2)).toBeLessThan(0.016);
  });

  it('dropout keeps a fraction 1 - rate over 10^5 samples (5σ) and scales kept values', async () => {
    const n = 100_003;
    const rate = 0.25;
    const x = uniform(n, 53, 1, 2);
    const y = await dropout(tensor(x), { rate, seed: 5, step: 0 }).data();
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (y[i] !== 0) {
        kept++;
        if (y[i] !== Math.fround(x[i] * Math.fround(1 / (1 - rate)))) expect.fail(`y[${i}] = ${y[i]}, x[${i}] = ${x[i]}`);
      }
    }
    // standard error √(p(1-p)/n) = 0.00137
    expect(Math.abs(kept / n - (1 - rate))).toBeLessThan(0.0069);
  });

  it('the same (seed, step) reproduces identical bits; another step or seed gives other numbers', async () => {
    const n = 4099;
    const x = tensor(uniform(n, 54));
    const noise = async (seed: number, step: number) => bits(await gaussianNoise(x, { stddev: 0.5, seed, step }).data());
    const drop = async (seed: number, step: number) => bits(await dropout(x, { rate: 0.5, seed, step }).data());
    const same = (a: number[], b: number[]) => a.filter((v, i) => v === b[i]).length / a.length;
    for (const draw of [noise, drop]) {
      const base = await draw(77, 1000);
      expect(await draw(77, 1000)).toEqual(base);
      // dropout at rate 0.5 agrees by chance on about half of the elements
      const chance = draw === noise ? 0.01 : 0.56;
      expect(same(await draw(77, 1001), base)).toBeLessThan(chance);
      expect(same(await draw(78, 1000), base)).toBeLessThan(chance);
      // seeds and steps past 2^32 use their high words
      expect(same(await draw(77 + 2 ** 32, 1000), base)).toBeLessThan(chance);
      expect(same(await draw(77, 1000 + 2 ** 32), base)).toBeLessThan(chance);
    }
    // noise and dropout draw different streams from one (seed, step)
    const kept = (await dropout(x, { rate: 0.5, seed: 1, step: 1 }).data()).map((v) => Number(v !== 0));
    const positive = (await gaussianNoise(tensor(new Float32Array(n)), { stddev: 1, seed: 1, step: 1 }).data()).map((v) => Number(v > 0));
    expect(Math.abs(same(Array.from(kept), Array.from(positive)) - 0.5)).toBeLessThan(0.04);
  });

  it('clip bounds the noisy values and changes nothing else; out receives the result', async () => {
    const n = 10_007;
    const x = tensor(uniform(n, 55, 0, 1));
    const options = { stddev: 0.35, seed: 8, step: 2 };
    const free = await gaussianNoise(x, options).data();
    const out = tensor(new Float32Array(n));
    const clipped = gaussianNoise(x, { ...options, clip: [0, 1], out });
    expect(clipped).toBe(out);
    const got = await clipped.data();
    expect(Array.from(got)).toEqual(Array.from(free, (v) => Math.min(Math.max(v, 0), 1)));
    expect(got.includes(0) && got.includes(1)).toBe(true);
  });

  it('dropoutBackward applies the forward mask and scale to dy', async () => {
    const n = 3001;
    const options = { rate: 0.4, seed: 31, step: 9 };
    const y = await dropout(tensor(uniform(n, 56, 1, 2)), options).data();
    const dy = uniform(n, 57, 1, 2);
    const dx = await dropoutBackward(tensor(dy), options).data();
    expect(Array.from(dx)).toEqual(Array.from(dy, (v, i) => (y[i] === 0 ? 0 : Math.fround(v * Math.fround(1 / 0.6)))));
  });

  it('NaN stays NaN through noise (clipped or not) and through a kept dropout element', async () => {
    const x = tensor([NaN, 0.5, NaN, Infinity]);
    for (const clip of [undefined, [0, 1] as [number, number]]) {
      const y = await gaussianNoise(x, { stddev: 0.1, seed: 1, step: 1, clip }).data();
      expect(Number.isNaN(y[0]) && Number.isNaN(y[2])).toBe(true);
      expect(y[3]).toBe(clip ? 1 : Infinity);
    }
    const d = await dropout(x, { rate: 0, seed: 1, step: 1 }).data();
    expect(Number.isNaN(d[0]) && d[1] === 0.5 && d[3] === Infinity).toBe(true);
  });

  it('rejects bad options before dispatch, naming the op', () => {
    const x = tensor([1, 2, 3]);
    const key = { seed: 1, step: 1 };
    expect(() => dropout(x, { ...key, rate: 1 })).toThrow(/dropout: rate must be in \[0, 1\), got 1/);
    expect(() => dropoutBackward(x, { ...key, rate: -0.1 })).toThrow(/dropoutBackward: rate must be in \[0, 1\)/);
    expect(() => dropout(x, { rate: 0.5, seed: -1, step: 1 })).toThrow(/dropout: seed must be a non-negative integer/);
    expect(() => gaussianNoise(x, { stddev: 1, seed: 1, step: 1.5 })).toThrow(/gaussianNoise: step must be a non-negative integer/);
    expect(() => gaussianNoise(x, { ...key, stddev: -1 })).toThrow(/gaussianNoise: stddev must be finite and ≥ 0, got -1/);
    expect(() => gaussianNoise(x, { ...key, stddev: 1, clip: [1, 0] })).toThrow(/gaussianNoise: clip must be \[lo, hi\] with lo ≤ hi/);
    expect(() => gaussianNoise(x, { ...key, stddev: 1, out: tensor([1, 2]) })).toThrow(/gaussianNoise: out \[2\] must have x's shape \[3\]/);
    expect(() => gaussianNoise(x, { ...key, stddev: 1, out: x })).toThrow(/gaussianNoise: out must not share x's buffer/);
  });
});
