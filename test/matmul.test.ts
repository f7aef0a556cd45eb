// matmul and biasGrad against a float64 reference: every transpose combination at ragged shapes,
// the fused bias + activation epilogue, accumulation, NaN propagation, and bad shapes.
// Tolerance: |gpu - ref| ≤ 1e-4 + 1e-4·|ref| (float32 sums of up to 785 products of values in [-1, 1]).
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { matmul, biasGrad } from '../src/ops/matmul.js';
import type { ActivationName } from '../src/ops/activation.js';
import { setup, uniform, expectClose } from './helpers.js';
import { matmul as matmulRef, columnSums } from './reference/matmul.js';
import { activate } from './reference/activation.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };

beforeAll(setup);

/** Random operands for C [m, n] = op(A)·op(B) in the layouts the transposes ask for. */
function operands(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, seed: number) {
  const a = uniform(m * k, seed);
  const b = uniform(k * n, seed + 1);
  return {
    a, b,
    ta: tensor(a, transposeA ? [k, m] : [m, k]),
    tb: tensor(b, transposeB ? [n, k] : [k, n]),
    expected: matmulRef(a, b, m, k, n, transposeA, transposeB),
  };
}

describe('matmul', () => {
  // [m, k, n]: single elements, odd sizes around tile edges, and one dense layer of the seed.
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 785, 7], [33, 65, 129], [7, 3, 33], [65, 129, 1], [1, 7, 65], [129, 1, 3]];
  for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
    it(`matches float64 with transposeA ${transposeA}, transposeB ${transposeB}`, async () => {
      for (const [m, k, n] of shapes) {
        const { ta, tb, expected } = operands(m, k, n, transposeA, transposeB, m * 1000 + k * 10 + n);
        const c = matmul(ta, tb, { transposeA, transposeB });
        expect(c.shape).toEqual([m, n]);
        expectClose(await c.data(), expected, TOL, `[${m}×${k}×${n}]`);
        for (const t of [ta, tb, c]) t.dispose();
      }
    });
  }

  it('matches float64 on a dense layer of the seed, 256×784×32', async () => {
    const { ta, tb, expected } = operands(256, 784, 32, false, false, 7);
    expectClose(await matmul(ta, tb).data(), expected, TOL, '[256×784×32]');
  });

  const activations: ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'softplus'];
  it.each(activations)('adds the bias and applies %s in the epilogue', async (activation) => {
    const [m, k, n] = [5, 33, 7];
    const { ta, tb, expected } = operands(m, k, n, false, false, 3);
    const bias = uniform(n, 4);
    const alpha = activation === 'leakyRelu' ? 0.2 : activation === 'elu' ? 0.7 : undefined;
    const c = matmul(ta, tb, { bias: tensor(bias), activation, alpha });
    const want = expected.map((v, i) => activate(activation, v + bias[i % n], alpha ?? 0));
    expectClose(await c.data(), want, TOL, activation);
  });

  it('accumulates into out, and writes into out without accumulate', async () => {
    const [m, k, n] = [9, 17, 6];
    const { ta, tb, expected } = operands(m, k, n, true, false, 5);
    const old = uniform(m * n, 6);
    const out = tensor(old, [m, n]);
    expect(matmul(ta, tb, { transposeA: true, out, accumulate: true })).toBe(out);
    expectClose(await out.data(), expected.map((v, i) => v + old[i]), TOL, 'out + a·b');
    matmul(ta, tb, { transposeA: true, out });
    expectClose(await out.data(), expected, TOL, 'a·b into out');
  });

  it('gives the bias alone (after the activation) when K is 0', async () => {
    const c = matmul(tensor([], [2, 0]), tensor([], [0, 3]), { bias: tensor([1, -2, 3]), activation: 'relu' });
    expect(Array.from(await c.data())).toEqual([1, 0, 3, 1, 0, 3]);
  });

  it('propagates NaN and Inf like IEEE arithmetic', async () => {
    const [m, k, n] = [6, 9, 10];
    const { a, b } = operands(m, k, n, false, false, 8);
    a[1 * k + 2] = NaN; // row 1 of C
    b[4 * n + 3] = Infinity; // column 3 of C: ±Inf, NaN where it meets row 1
    const bias = uniform(n, 9);
    bias[5] = NaN; // column 5 of C
    const c = await matmul(tensor(a, [m, k]), tensor(b, [k, n]), { bias: tensor(bias) }).data();
    const expected = matmulRef(a, b, m, k, n).map((v, i) => v + bias[i % n]);
    expect(expected.filter(Number.isNaN).length).toBe(n + m - 1); // row 1 and column 5
    expectClose(c, expected, TOL, 'with NaN/Inf');
  });

  it('rejects shapes that cannot multiply, naming matmul and the shapes', () => {
    const a = tensor(uniform(6, 1), [2, 3]);
    expect(() => matmul(a, tensor(uniform(8, 1), [4, 2]))).toThrow(/matmul: inner dimensions differ \(3 vs 4\) in a \[2,3\] × b \[4,2\]/);
    expect(() => matmul(a, tensor(uniform(4, 1), [2, 2]), { transposeB: true })).toThrow(/matmul: inner dimensions differ \(3 vs 2\) in a \[2,3\] × b \[2,2\] \(transposed\)/);
    expect(() => matmul(a, tensor(uniform(6, 1), [6]))).toThrow(/matmul: needs 2-D tensors, got a \[2,3\] × b \[6\]/);
    expect(() => matmul(a, tensor(uniform(6, 1), [3, 2]), { bias: tensor([1, 2, 3]) })).toThrow(/matmul: bias must be float32 \[2\], got float32 \[3\]/);
    expect(() => matmul(a, tensor(uniform(6, 1), [3, 2]), { out: tensor(uniform(4, 1), [2, 2]), accumulate: true, activation: 'relu' })).toThrow(/matmul: accumulate/);
    expect(() => matmul(a, tensor(uniform(6, 1), [3, 2]), { out: tensor(uniform(6, 1), [3, 2]) })).toThrow(/matmul: out must be float32 \[2,2\], got float32 \[3,2\]/);
  });
});

describe('biasGrad', () => {
  it.each([[1, 1], [3, 7], [257, 5], [785, 3]])('sums the columns of [%i, %i]', async (m, n) => {
    const dy = uniform(m * n, m + n);
    expectClose(await biasGrad(tensor(dy, [m, n])).data(), columnSums(dy, m, n), { atol: 1e-4, rtol: 1e-5 }, `[${m},${n}]`);
  });

  it('rejects a non-2-D gradient and a wrong out', () => {
    expect(() => biasGrad(tensor([1, 2, 3]))).toThrow(/biasGrad: needs a float32 \[M, N\] tensor, got float32 \[3\]/);
    expect(() => biasGrad(tensor([1, 2, 3, 4], [2, 2]), tensor([0]))).toThrow(/biasGrad: out must be float32 \[2\]/);
  });
});
