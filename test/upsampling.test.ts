// Nearest-neighbour upsampling against a float64 reference at ragged shapes and sizes 1, 2, 3, (2, 3).
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { upSampling2d, upSampling2dBackward } from '../src/ops/upsampling.js';
import { expectClose, setup, uniform } from './helpers.js';
import { upsample, upsampleBackward, type Shape4 } from './reference/upsampling.js';

const cases: [Shape4, [number, number]][] = [
  [[1, 1, 1, 1], [1, 1]],
  [[1, 1, 1, 3], [2, 2]],
  [[3, 7, 5, 5], [1, 1]],
  [[3, 7, 5, 5], [2, 2]],
  [[1, 7, 5, 3], [3, 3]],
  [[3, 7, 5, 1], [2, 3]],
  [[1, 5, 7, 3], [3, 2]],
];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe('upSampling2d', () => {
  beforeAll(setup);

  it.each(cases)('%j by %j: forward copies exactly, backward sums blocks (atol 1e-6, rtol 1e-6)', async (shape, s) => {
    const x = uniform(size(shape), 31);
    const y = upSampling2d(tensor(x, shape), s);
    expect(y.shape).toEqual([shape[0], shape[1] * s[0], shape[2] * s[1], shape[3]]);
    expect(Array.from(await y.data())).toEqual(upsample(x, shape, s));
    const dy = uniform(y.size, 32);
    const dx = upSampling2dBackward(tensor(dy, y.shape), s);
    expect(dx.shape).toEqual(shape);
    const got = await dx.data();
    const ref = upsampleBackward(dy, shape, s);
    expectClose(got, ref, { atol: 1e-6, rtol: 1e-6 }, 'dx');
    // Finite differences of the float64 forward at a few coordinates (exact: the map is linear).
    for (const k of new Set([0, Math.floor(x.length / 2), x.length - 1])) {
      const loss = (d: number) => upsample(Float64Array.from(x, (v, i) => (i === k ? v + d : v)), shape, s).reduce((a, v, i) => a + v * dy[i], 0);
      expectClose([got[k]], [(loss(1e-6) - loss(-1e-6)) / 2e-6], { atol: 1e-5, rtol: 1e-5 }, `finite difference at ${k}`);
    }
  });

  it('accepts a number for a square size', async () => {
    const y = upSampling2d(tensor([1, 2], [1, 1, 2, 1]), 2);
    expect(Array.from(await y.data())).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });

  it('rejects bad shapes and sizes before dispatch, naming the op', () => {
    const x = tensor(new Float32Array(6), [1, 2, 3, 1]);
    expect(() => upSampling2d(x.reshape([2, 3]), 2)).toThrow(/upSampling2d: expected a non-empty NHWC input .* got \[2,3\]/);
    expect(() => upSampling2d(x, 0)).toThrow(/upSampling2d: size must be a positive integer/);
    expect(() => upSampling2d(x, [2, 1.5] as [number, number])).toThrow(/upSampling2d: size/);
    expect(() => upSampling2dBackward(x, 2)).toThrow(/upSampling2dBackward: dy \[1,2,3,1\] is not an upsampling by size \[2,2\]/);
  });
});
