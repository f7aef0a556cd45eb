// Max and average pooling against float64 references, at ragged shapes with both paddings and
// overlapping windows; backward passes also checked by finite differences of the reference forward.
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../src/index.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, pool2dOutputShape } from '../src/ops/pooling.js';
import { expectClose, setup, uniform } from './helpers.js';
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward, poolOutShape, type PoolCase } from './reference/pooling.js';

const cases: PoolCase[] = [
  { shape: [1, 1, 1, 1], pool: [1, 1], strides: [1, 1], padding: 'valid' },
  { shape: [1, 1, 1, 3], pool: [2, 2], strides: [2, 2], padding: 'same' },
  { shape: [3, 7, 5, 5], pool: [1, 1], strides: [1, 1], padding: 'valid' },
  { shape: [3, 7, 5, 5], pool: [2, 2], strides: [2, 2], padding: 'valid' },
  { shape: [3, 7, 5, 5], pool: [2, 2], strides: [2, 2], padding: 'same' },
  { shape: [1, 7, 5, 3], pool: [3, 3], strides: [2, 2], padding: 'valid' },
  { shape: [3, 7, 5, 3], pool: [3, 3], strides: [2, 2], padding: 'same' },
  { shape: [1, 7, 5, 1], pool: [3, 3], strides: [1, 1], padding: 'same' },
  { shape: [3, 7, 5, 1], pool: [2, 2], strides: [1, 1], padding: 'same' },
  { shape: [1, 7, 5, 5], pool: [3, 2], strides: [1, 2], padding: 'valid' },
  { shape: [1, 7, 5, 3], pool: [1, 1], strides: [2, 2], padding: 'valid' },
  { shape: [1, 5, 7, 3], pool: [3, 3], strides: [3, 3], padding: 'same' },
  // Channels in fours: the max-pooling kernels take four channels per thread with vec4 reads.
  { shape: [2, 7, 5, 4], pool: [2, 2], strides: [2, 2], padding: 'same' },
  { shape: [1, 6, 7, 8], pool: [3, 3], strides: [2, 1], padding: 'valid' },
];

const name = (p: PoolCase) => `${p.shape.join('×')} pool ${p.pool.join('×')} stride ${p.strides.join('×')} ${p.padding}`;
const options = (p: PoolCase) => ({ poolSize: p.pool, strides: p.strides, padding: p.padding });
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** d/dx[k] of Σ dy·f(x), by central differences in float64 (pooling is piecewise linear, so eps can be tiny). */
function finiteDifference(f: (x: Float64Array) => number[], x: ArrayLike<number>, dy: ArrayLike<number>, k: number): number {
  const eps = 1e-6;
  const loss = (d: number) => {
    const xs = Float64Array.from(x);
    xs[k] += d;
    return f(xs).reduce((s, v, i) => s + v * dy[i], 0);
  };
  return (loss(eps) - loss(-eps)) / (2 * eps);
}

/** A few coordinates spread over the input, including its first and last. */
const probes = (n: number) => [...new Set([0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1])];

describe('pooling', () => {
  beforeAll(setup);

  it.each(cases)('maxPool2d %#: forward, argmax and gather backward match float64', async (p) => {
    const x = uniform(size(p.shape), 11);
    const outShape = poolOutShape(p);
    const dy = uniform(size(outShape), 12);
    expect(pool2dOutputShape(p.shape, options(p))).toEqual(outShape);
    const xt = tensor(x, p.shape);
    const { y, argmax } = maxPool2d(xt, options(p));
    const dx = maxPool2dBackward(tensor(dy, outShape), argmax, p.shape, options(p));
    const ref = maxPool(x, p);
    expect(y.shape, name(p)).toEqual(outShape);
    expect(Array.from(await y.data()), `${name(p)}: y`).toEqual(ref.y.map(Math.fround));
    expect(Array.from(await argmax.data()), `${name(p)}: argmax`).toEqual(ref.argmax);
    const got = await dx.data();
    expectClose(got, maxPoolBackward(x, dy, p), { atol: 1e-6, rtol: 1e-6 }, `${name(p)}: dx`);
    for (const k of probes(x.length)) {
      expectClose([got[k]], [finiteDifference((xs) => maxPool(xs, p).y, x, dy, k)], { atol: 1e-5, rtol: 1e-5 }, `${name(p)}: finite difference at ${k}`);
    }
  });

  it.each(cases)('avgPool2d %#: forward and gather backward match float64 (atol 1e-6, rtol 1e-5)', async (p) => {
    const x = uniform(size(p.shape), 21);
    const outShape = poolOutShape(p);
    const dy = uniform(size(outShape), 22);
    const y = avgPool2d(tensor(x, p.shape), options(p));
    const dx = avgPool2dBackward(tensor(dy, outShape), p.shape, options(p));
    const tol = { atol: 1e-6, rtol: 1e-5 };
    expectClose(await y.data(), avgPool(x, p), tol, `${name(p)}: y`);
    const got = await dx.data();
    expectClose(got, avgPoolBackward(dy, p), tol, `${name(p)}: dx`);
    for (const k of probes(x.length)) {
      expectClose([got[k]], [finiteDifference((xs) => avgPool(xs, p), x, dy, k)], { atol: 1e-5, rtol: 1e-5 }, `${name(p)}: finite difference at ${k}`);
    }
  });

  // Two channels (one per thread) and four (a vec4 per thread: channels 2 and 3 repeat 0 and 1).
  it.each([2, 4])('max: ties pick the first maximum in row-major order; NaN propagates; -Infinity windows work (%i channels)', async (c) => {
    // One 4×4 image: channel 0 all equal, channel 1 holds a NaN and an all -Infinity window.
    const x = new Float32Array(16 * c).fill(2);
    for (let k = 1; k < 16 * c; k += 2) x[k] = -Infinity;
    x[c * (0 * 4 + 1) + 1] = NaN; // (0, 1) channel 1: top-left window
    x[c * (1 * 4 + 3) + 1] = 5; //   (1, 3) channel 1: top-right window
    const opts = { poolSize: 2, padding: 'valid' as const };
    const { y, argmax } = maxPool2d(tensor(x, [1, 4, 4, c]), opts);
    const ys = await y.data();
    const am = await argmax.data();
    // channel 0: each window's top-left element
    expect([am[0], am[c], am[2 * c], am[3 * c]]).toEqual([0, c * 2, c * 8, c * 10]);
    expect(Number.isNaN(ys[1])).toBe(true);
    expect(am[1]).toBe(c + 1);
    expect([ys[c + 1], ys[2 * c + 1], ys[3 * c + 1]]).toEqual([5, -Infinity, -Infinity]);
    expect([am[c + 1], am[2 * c + 1], am[3 * c + 1]]).toEqual([c * 7 + 1, c * 8 + 1, c * 10 + 1]);
    const dx = await maxPool2dBackward(tensor(new Float32Array(4 * c).fill(1), [1, 2, 2, c]), argmax, [1, 4, 4, c], opts).data();
    expect(Array.from(dx).reduce((a, b) => a + b, 0)).toBe(4 * c);
    expect([dx[0], dx[c + 1], dx[c * 7 + 1]]).toEqual([1, 1, 1]);
  });

  it('MaxPooling2D(1, 1) and AveragePooling2D(1, 1) are the identity', async () => {
    const x = uniform(3 * 7 * 5 * 5, 5);
    const xt = tensor(x, [3, 7, 5, 5]);
    expect(Array.from(await maxPool2d(xt, { poolSize: 1 }).y.data())).toEqual(Array.from(x));
    expect(Array.from(await avgPool2d(xt, { poolSize: [1, 1], strides: 1 }).data())).toEqual(Array.from(x));
  });

  it('rejects shapes that cannot pool before dispatch, naming the op and shapes', () => {
    const x = tensor(new Float32Array(6), [1, 1, 2, 3]);
    expect(() => maxPool2d(x, { poolSize: 2 })).toThrow(/maxPool2d: pool \[2,2\] is larger than the input \[1,1,2,3\]/);
    expect(() => avgPool2d(x.reshape([2, 3]), { poolSize: 1 })).toThrow(/avgPool2d: expected a non-empty NHWC input .* got \[2,3\]/);
    expect(() => pool2dOutputShape([1, 0, 2, 3], { poolSize: 1 })).toThrow(/pool2d: .* got \[1,0,2,3\]/);
    expect(() => avgPool2d(x, { poolSize: 0 })).toThrow(/avgPool2d: poolSize must be a positive integer/);
    expect(() => avgPool2dBackward(x, [1, 2, 6, 3], { poolSize: 2 })).toThrow(/avgPool2dBackward: dy has shape \[1,1,2,3\], but pooling \[1,2,6,3\] gives \[1,1,3,3\]/);
    const ok: Tensor = tensor(new Float32Array(6), [1, 1, 2, 3]);
    expect(() => maxPool2dBackward(ok, ok as unknown as Tensor<'int32'>, [1, 1, 2, 3], { poolSize: 1 })).toThrow(/maxPool2dBackward: argmax must be int32/);
  });
});
