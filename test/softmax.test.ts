// Softmax over the last axis against a float64 reference (backward through the full Jacobian),
// with finite differences of the float64 forward at a few coordinates.
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { softmax, softmaxBackward } from '../src/ops/softmax.js';
import { expectClose, setup, uniform } from './helpers.js';
import * as ref from './reference/softmax.js';

const shapes = [[1], [1, 1], [3, 5], [1, 10], [2, 3, 7], [65, 3], [4, 33]].map((shape) => ({ shape }));

describe('softmax', () => {
  beforeAll(setup);

  it.each(shapes)('$shape: forward (atol 1e-7, rtol 1e-5) and backward (atol 1e-6, rtol 1e-4) match float64', async ({ shape }) => {
    const len = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b, 1);
    // Logits near 200: without the max subtraction exp would overflow f32 (to Inf / Inf = NaN).
    const x = uniform(n, 41, 197, 203);
    const dy = uniform(n, 42);
    const y = softmax(tensor(x, shape));
    const dx = softmaxBackward(y, tensor(dy, shape));
    expect(dx.shape).toEqual(shape);
    expectClose(await y.data(), ref.softmax(x, len), { atol: 1e-7, rtol: 1e-5 }, 'y');
    const got = await dx.data();
    expectClose(got, ref.softmaxBackward(x, dy, len), { atol: 1e-6, rtol: 1e-4 }, 'dx');
    for (const k of new Set([0, Math.floor(n / 2), n - 1])) {
      const loss = (d: number) => ref.softmax(Float64Array.from(x, (v, i) => (i === k ? v + d : v)), len).reduce((a, v, i) => a + v * dy[i], 0);
      expectClose([got[k]], [(loss(1e-6) - loss(-1e-6)) / 2e-6], { atol: 1e-5, rtol: 1e-3 }, `finite difference at ${k}`);
    }
  });

  it('a NaN makes its row NaN and leaves other rows alone', async () => {
    const y = await softmax(tensor([0, NaN, 1, 0, 0, 0, 5, 1, NaN], [3, 3])).data();
    expect(Array.from(y.slice(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.slice(6)).every(Number.isNaN)).toBe(true);
    expectClose(y.slice(3, 6), [1 / 3, 1 / 3, 1 / 3], { atol: 1e-7, rtol: 1e-6 }, 'second row');
  });

  it('rejects empty tensors and mismatched shapes before dispatch', () => {
    expect(() => softmax(tensor([], [2, 0]))).toThrow(/softmax: expected a non-empty tensor with a last axis, got \[2,0\]/);
    expect(() => softmaxBackward(tensor([1, 2], [1, 2]), tensor([1, 2], [2, 1]))).toThrow(/softmaxBackward: y \[1,2\] and dy \[2,1\] differ in shape/);
  });
});
