// The differentiable ops (src/math.ts) against float64 references (test/reference/ops.ts), and every
// gradient, taken through the tape, against central finite differences of that reference, at
// ragged shapes and broadcast cases.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  abs, add, clipByValue, concat, div, exp, log, matMul, max, maximum, mean, memory, min, minimum, mul, neg, pow, randomNormal,
  randomUniform, reciprocal, relu, reshape, sigmoid, slice, split, sqrt, square, squaredDifference, sub, sum, tanh, tensor,
  valueAndGrads, type Tensor,
} from '../src/index.js';
import { expectClose, setup, uniform } from './helpers.js';
import * as ref from './reference/ops.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const FWD = { atol: 1e-6, rtol: 1e-5 };
const GRAD = { atol: 1e-4, rtol: 1e-3 };

/**
 * Runs f on tensors of the given data and shapes under the tape with L = Σ w·f(...), and checks
 * f's value against `reference` and every input's gradient against finite differences of Σ w·reference.
 */
async function checkOp(
  f: (...xs: Tensor[]) => Tensor,
  inputs: { data: Float32Array; shape: number[] }[],
  reference: (xs: Float64Array[]) => Float64Array,
  outShape: number[],
  what: string,
  tol = { fwd: FWD, grad: GRAD },
): Promise<void> {
  const xs = inputs.map((x) => tensor(x.data, x.shape));
  const w = uniform(size(outShape), 99);
  const wt = tensor(w, outShape);
  let y: Tensor | undefined;
  const { value, grads } = valueAndGrads((...args: Tensor[]) => {
    y = f(...args);
    return sum(mul(y, wt));
  })(xs);
  expect(y!.isDisposed, `${what}: intermediates are freed when the gradients are taken`).toBe(true);
  const x64 = inputs.map((x) => Float64Array.from(x.data));
  const expected = reference(x64);
  // The value is Σ w·y: checks the forward pass (and sum) at once.
  expectClose(await value.data(), [ref.dot(w, expected)], { atol: tol.fwd.atol * expected.length, rtol: tol.fwd.rtol * 10 }, `${what}: Σ w·y`);
  expect([...value.shape]).toEqual([]);
  for (const [i, g] of grads.entries()) {
    expect([...g.shape], `${what}: gradient ${i} shape`).toEqual(inputs[i].shape);
    const fd = ref.finiteDifference((v) => ref.dot(w, reference(v)), x64, i);
    expectClose(await g.data(), fd, tol.grad, `${what}: d/dx${i}`);
    g.dispose();
  }
  value.dispose();
  [...xs, wt].forEach((t) => t.dispose());
}

/** f's output alone, against the float64 reference. */
async function checkForward(y: Tensor, expected: ArrayLike<number>, shape: number[], what: string): Promise<void> {
  expect([...y.shape], `${what}: shape`).toEqual(shape);
  expectClose(await y.data(), expected, FWD, what);
  y.dispose();
}

const BROADCASTS: [number[], number[]][] = [
  [[3, 5], [3, 5]],
  [[2, 3, 4], [4]],
  [[2, 1, 5], [3, 1]],
  [[7], []],
  [[4, 1], [1, 6]],
  [[1, 3, 1, 2], [5, 1]],
  [[2, 8], [2, 1]],
];

const BINARY = { add, sub, mul, div, pow, maximum, minimum, squaredDifference } as const;

describe('binary ops', () => {
  beforeAll(setup);

  for (const [name, op] of Object.entries(BINARY)) {
    it.each(BROADCASTS.map(([a, b]) => ({ a, b })))(`${name} $a, $b: value and both gradients`, async ({ a, b }) => {
      // Positive, separated operands where the op needs them (pow's base, div's divisor).
      const positive = name === 'pow' || name === 'div';
      const da = uniform(size(a), 1, positive ? 0.5 : -2, 2);
      const db = uniform(size(b), 2, name === 'div' ? 0.5 : -2, 2);
      const f = ref.BINARY[name];
      await checkOp(op, [{ data: da, shape: a }, { data: db, shape: b }], ([x, y]) => ref.binary(f, x, a, y, b), ref.broadcastShape(a, b), `${name}`);
    });
  }

  it('a number on either side is a constant', async () => {
    const x = uniform(10, 3);
    await checkOp((t) => sub(mul(-0.5, t), 2), [{ data: x, shape: [2, 5] }], ([v]) => v.map((e) => -0.5 * e - 2), [2, 5], '-0.5·x - 2');
    await checkOp((t) => pow(t, 3), [{ data: x, shape: [10] }], ([v]) => v.map((e) => e ** 3), [10], 'x³ (negative bases)');
    await checkOp((t) => div(1, add(1, square(t))), [{ data: x, shape: [10] }], ([v]) => v.map((e) => 1 / (1 + e * e)), [10], '1/(1+x²)');
  });

  it('pow keeps a negative base\'s sign for odd integer exponents and is NaN for others', async () => {
    const got = await pow(tensor([-2, -2, -2, 0, 3]), tensor([3, 2, 0.5, 0, -1])).data();
    expectClose(got, [-8, 4, NaN, 1, 1 / 3], FWD, 'pow');
  });

  it('maximum and minimum propagate NaN', async () => {
    expectClose(await maximum(tensor([NaN, 1]), tensor([0, NaN])).data(), [NaN, NaN], FWD, 'maximum');
    expectClose(await minimum(tensor([NaN, 1]), 0).data(), [NaN, 0], FWD, 'minimum');
  });

  it('incompatible shapes name the op and both shapes, before any GPU work', () => {
    const before = memory().numTensors;
    const a = tensor(new Float32Array(6), [2, 3]);
    const b = tensor(new Float32Array(4), [4]);
    expect(() => add(a, b)).toThrow(/^add: incompatible shapes \[2,3\] and \[4\]/);
    expect(() => mul(a, tensor(new Float32Array(6), [3, 2]))).toThrow(/^mul: incompatible shapes \[2,3\] and \[3,2\]/);
    expect(() => matMul(a, b)).toThrow(/matmul/);
    expect(() => concat([a, b], 0)).toThrow(/^concat: incompatible shapes \[2,3\] and \[4\]/);
    expect(() => sum(a, 2)).toThrow(/^sum: axis 2 is out of range for a rank-2 tensor/);
    expect(memory().numTensors).toBe(before + 3);
  });

  it('an op on a disposed tensor says which op and input', () => {
    const a = tensor([1, 2, 3]);
    a.dispose();
    expect(() => exp(a)).toThrow(/^exp: input 0 \(float32 \[3\]\) was disposed/);
    const b = tensor([1, 2, 3]);
    expect(() =>
      valueAndGrads((x: Tensor) => {
        const y = square(x);
        y.dispose();
        return sum(y);
      })([b]),
    ).toThrow(/^sum: input 0 \(float32 \[3\]\) was disposed inside a gradient tape/);
    b.dispose();
  });
});

const UNARY = { neg, exp, log, sqrt, square, abs, reciprocal, relu, sigmoid, tanh } as const;

describe('unary ops', () => {
  beforeAll(setup);

  for (const [name, op] of Object.entries(UNARY)) {
    it.each([[1], [5], [3, 7], [2, 3, 9]].map((shape) => ({ shape })))(`${name} $shape: value and gradient`, async ({ shape }) => {
      const positive = name === 'log' || name === 'sqrt' || name === 'reciprocal';
      // Away from the kinks of abs and relu, where the finite difference is undefined.
      const data = uniform(size(shape), 5, positive ? 0.3 : -2, 2).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
      await checkOp(op, [{ data, shape }], ([v]) => v.map(ref.UNARY[name]), shape, name);
    });
  }

  it('clipByValue: value, gradient on [lo, hi], NaN kept', async () => {
    const data = Float32Array.from([-3, -0.7, 0.2, 0.9, 2.5, 1.1, -1.4]);
    await checkOp((t) => clipByValue(t, -1, 1), [{ data, shape: [7] }], ([v]) => v.map((e) => Math.min(Math.max(e, -1), 1)), [7], 'clipByValue');
    expectClose(await clipByValue(tensor([NaN, 5]), 0, 1).data(), [NaN, 1], FWD, 'clip NaN');
    expect(() => clipByValue(tensor([1]), 1, 0)).toThrow(/clipByValue: needs clipValueMin ≤ clipValueMax, got 1 and 0/);
  });
});

describe('reductions, concat, slice, reshape, matMul', () => {
  beforeAll(setup);

  const CASES: { shape: number[]; axis?: number | number[]; keepDims?: boolean }[] = [
    { shape: [5] },
    { shape: [3, 7], axis: 1 },
    { shape: [3, 7], axis: 0, keepDims: true },
    { shape: [3, 7], axis: -1, keepDims: true },
    { shape: [2, 3, 5], axis: [0, 2] },
    { shape: [2, 3, 5], axis: 1 },
    { shape: [4, 1, 6], axis: [1, 2], keepDims: true },
    { shape: [2, 3, 4, 5] },
    { shape: [3, 1], axis: 1 },
  ];
  const REDUCE = { sum, mean, max, min } as const;
  for (const [name, op] of Object.entries(REDUCE)) {
    it.each(CASES)(`${name} $shape axis $axis keepDims $keepDims`, async ({ shape, axis, keepDims }) => {
      const rank = shape.length;
      const axes = axis === undefined ? [...Array(rank).keys()] : (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + rank : a)).sort();
      const outShape = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
      const data = uniform(size(shape), 7, -3, 3);
      await checkOp((t) => op(t, axis, keepDims), [{ data, shape }], ([v]) => ref.reduce(name as 'sum', v, shape, axes), outShape, `${name}`);
    });
  }

  it('sum of a long tensor is the float64 sum to one rounding; max of many rows', async () => {
    const n = 100_003;
    const data = uniform(n, 8, 0, 1);
    const exact = data.reduce((a, v) => a + v, 0);
    expectClose(await sum(tensor(data)).data(), [exact], { atol: 0, rtol: 1e-7 }, 'sum');
    await checkForward(sum(tensor(data, [1, n]), 1, true), [exact], [1, 1], 'sum over a long last axis');
    const rows = data.subarray(0, 7 * 14_285);
    await checkForward(max(tensor(rows, [7, 14_285]), 1), ref.reduce('max', rows, [7, 14_285], [1]), [7], 'max of long rows');
  });

  it.each([
    { shapes: [[2, 3], [2, 5]], axis: 1 },
    { shapes: [[1, 4], [3, 4], [2, 4]], axis: 0 },
    { shapes: [[2, 3, 2], [2, 1, 2]], axis: -2 },
    { shapes: [[3, 1, 4], [3, 1, 4]], axis: 2 },
    // Channels in fours, as U-Net's skip connections: four elements per thread (vec4), both ways.
    { shapes: [[2, 3, 4], [2, 3, 8]], axis: -1 },
  ])('concat $shapes along $axis: value and gradients', async ({ shapes, axis }) => {
    const inputs = shapes.map((shape, k) => ({ data: uniform(size(shape), 10 + k), shape }));
    const rank = shapes[0].length;
    const ax = axis < 0 ? axis + rank : axis;
    const outShape = [...shapes[0]];
    outShape[ax] = shapes.reduce((n, s) => n + s[ax], 0);
    await checkOp((...ts) => concat(ts, axis), inputs, (vs) => ref.concat(vs.map((data, k) => ({ data, shape: shapes[k] })), ax), outShape, 'concat');
  });

  it('slice and split: values and gradients (concat\'s backward)', async () => {
    const shape = [3, 4, 5];
    const data = uniform(60, 12);
    const at = (i: number, j: number, k: number, v: ArrayLike<number>) => v[i * 20 + j * 5 + k];
    const sliceRef = (v: ArrayLike<number>) => {
      const out: number[] = [];
      for (let i = 1; i < 3; i++) for (let j = 0; j < 4; j++) for (let k = 2; k < 5; k++) out.push(at(i, j, k, v));
      return Float64Array.from(out);
    };
    await checkOp((t) => slice(t, [1, 0, 2], [-1, 4, 3]), [{ data, shape }], ([v]) => sliceRef(v), [2, 4, 3], 'slice');
    await checkOp((t) => {
      const [a, b] = split(t, [1, 3], 1);
      return concat([mul(a, 2), b], 1);
    }, [{ data, shape }], ([v]) => v.map((e, i) => (Math.floor(i / 5) % 4 === 0 ? 2 * e : e)), shape, 'split');
    // Rows of 8: four elements per thread (vec4).
    const wide = uniform(96, 13);
    await checkOp((t) => {
      const [a, b] = split(t, [1, 3], 1);
      return concat([mul(a, 2), b], 1);
    }, [{ data: wide, shape: [3, 4, 8] }], ([v]) => v.map((e, i) => (Math.floor(i / 8) % 4 === 0 ? 2 * e : e)), [3, 4, 8], 'split of rows of 8');
    expect(() => split(tensor(data, shape), 3, 1)).toThrow(/split: axis 1 of \[3,4,5\] \(length 4\) does not divide into 3 equal parts/);
    expect(() => slice(tensor(data, shape), [0, 3, 0], [1, 2, 1])).toThrow(/slice: \[3, 5\) is outside axis 1 of \[3,4,5\]/);
  });

  it('reshape is a view with a gradient; -1 infers a dimension', async () => {
    const data = uniform(24, 13);
    await checkOp((t) => square(reshape(t, [4, -1])), [{ data, shape: [2, 3, 4] }], ([v]) => v.map((e) => e * e), [4, 6], 'reshape');
    expect(() => reshape(tensor(data), [5, -1])).toThrow(/reshape: cannot view \[24\] \(24 elements\) as \[5,-1\]/);
  });

  it.each([
    { m: 3, k: 5, n: 4, tA: false, tB: false },
    { m: 6, k: 2, n: 7, tA: true, tB: false },
    { m: 4, k: 9, n: 3, tA: false, tB: true },
    { m: 5, k: 4, n: 5, tA: true, tB: true },
  ])('matMul $m×$k·$k×$n (transposeA $tA, transposeB $tB): value and gradients', async ({ m, k, n, tA, tB }) => {
    const aShape = tA ? [k, m] : [m, k];
    const bShape = tB ? [n, k] : [k, n];
    const inputs = [{ data: uniform(m * k, 14), shape: aShape }, { data: uniform(k * n, 15), shape: bShape }];
    await checkOp((a, b) => matMul(a, b, tA, tB), inputs, ([a, b]) => ref.matmul(tA ? ref.transpose(a, k, m) : a, tB ? ref.transpose(b, n, k) : b, m, k, n), [m, n], 'matMul');
  });

  it('a tensor used twice gets the sum of both gradients; a chain of ops composes', async () => {
    const data = uniform(12, 16);
    await checkOp((t) => add(mul(t, t), exp(neg(abs(t)))), [{ data, shape: [3, 4] }], ([v]) => v.map((e) => e * e + Math.exp(-Math.abs(e))), [3, 4], 'x·x + exp(-|x|)');
    // The VAE's KL term, on [batch 3, latent 2].
    const zm = uniform(6, 17);
    const lv = uniform(6, 18);
    const kl = (m: Tensor, v: Tensor) => mul(-0.5, mean(sum(sub(add(1, v), add(square(m), exp(v))), -1)));
    await checkOp(kl, [{ data: zm, shape: [3, 2] }, { data: lv, shape: [3, 2] }], ([m, v]) => {
      let s = 0;
      for (let i = 0; i < 6; i++) s += 1 + v[i] - m[i] * m[i] - Math.exp(v[i]);
      return Float64Array.of((-0.5 * s) / 3);
    }, [], 'KL');
  });
});

describe('random tensors', () => {
  beforeAll(setup);

  it('randomNormal / randomUniform: moments, range, and a seed reproduces the draw', async () => {
    const n = 65_536;
    const z = Float32Array.from(await randomNormal([256, 256], 2, 3, 'float32', 7).data());
    const m = z.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(z.reduce((a, v) => a + (v - m) ** 2, 0) / n);
    expect(Math.abs(m - 2)).toBeLessThan(0.05);
    expect(Math.abs(sd - 3)).toBeLessThan(0.05);
    expect(Array.from(await randomNormal([256, 256], 2, 3, 'float32', 7).data())).toEqual(Array.from(z));
    expect(Array.from((await randomNormal([5], 0, 1, 'float32', 8).data()))).not.toEqual(Array.from(z.subarray(0, 5)));
    const u = Float32Array.from(await randomUniform([1001], -1, 3, 'float32', 9).data());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(Math.abs(u.reduce((a, v) => a + v, 0) / u.length - 1)).toBeLessThan(0.1);
    expect(() => randomNormal([2], 0, -1)).toThrow(/randomNormal: mean must be finite and stdDev finite and ≥ 0/);
  });
});
