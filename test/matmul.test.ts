// matmul and biasGrad against a float64 reference: every transpose combination at ragged shapes,
// the fused bias + activation epilogue, accumulation, NaN propagation, and bad shapes.
// Tolerance: |gpu - ref| ≤ 1e-4 + 1e-4·|ref| (float32 sums of up to 785 products of values in [-1, 1]).
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { matmul, biasGrad } from '../src/ops/matmul.js';
import { forceMatmulKernel, matmulKernels, type MatmulKernel } from '../src/tuning.js';
import type { ActivationName } from '../src/ops/activation.js';
import { setup, uniform, expectClose } from './helpers.js';
import { matmul as matmulRef, columnSums } from './reference/matmul.js';
import { activate } from './reference/activation.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };

beforeAll(setup);

/**
 * Runs the check once with each matmul kernel this adapter has (each used wherever it fits the
 * shape), or with those listed. Every variant of a kernel is a pipeline compiled on first use,
 * seconds each on lavapipe for the unrolled subgroup kernel and for the tiled one (its barriers
 * make it a coroutine there), so the tests pick their variants. `skipSlowTiled` leaves the tiled
 * kernel out on lavapipe (where it is never picked) for checks of what it shares with the portable
 * kernel (the epilogue); Chromium runs them on it in full.
 */
async function forEachKernel(check: (kernel: MatmulKernel) => Promise<void>, { only, skipSlowTiled = false }: { only?: MatmulKernel[]; skipSlowTiled?: boolean } = {}): Promise<void> {
  const kernels = matmulKernels();
  const skip = (kernel: MatmulKernel) => (only && !only.includes(kernel)) || (skipSlowTiled && kernel === 'tiled' && kernels.includes('subgroup'));
  try {
    for (const kernel of kernels.filter((k) => !skip(k))) {
      forceMatmulKernel(kernel);
      await check(kernel);
    }
  } finally {
    forceMatmulKernel(undefined);
  }
}

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
  // [m, k, n]: single elements and odd sizes around tile edges, then sizes whose rows are whole
  // vec4s (what the subgroup kernel needs, depending on the transposes) with ragged tiles, taking
  // its 8- and 16-row blocks.
  const shapes: [number, number, number][] = [
    [1, 1, 1], [3, 785, 7], [33, 65, 129], [7, 3, 33], [65, 129, 1], [1, 7, 65], [129, 1, 3],
    [4, 17, 40], [12, 68, 36], [8, 4, 4],
  ];
  for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
    it(`matches float64 with transposeA ${transposeA}, transposeB ${transposeB}`, async () => {
      await forEachKernel(async (kernel) => {
        // [20, 8, 132]: the seed's batch of 20 (24-row blocks), once.
        for (const [m, k, n] of !transposeA && !transposeB ? [...shapes, [20, 8, 132]] : shapes) {
          const { ta, tb, expected } = operands(m, k, n, transposeA, transposeB, m * 1000 + k * 10 + n);
          const c = matmul(ta, tb, { transposeA, transposeB });
          expect(c.shape).toEqual([m, n]);
          expectClose(await c.data(), expected, TOL, `${kernel} [${m}×${k}×${n}]`);
          for (const t of [ta, tb, c]) t.dispose();
        }
      });
    });
  }

  it('folds the portable kernel\'s row blocks past 65535 workgroups (M = 8·65535 + 9)', async () => {
    await forEachKernel(async (kernel) => {
      const [m, k, n] = [8 * 65535 + 9, 2, 3];
      const { ta, tb, expected } = operands(m, k, n, false, false, 11);
      expectClose(await matmul(ta, tb).data(), expected, TOL, `${kernel} [${m}×${k}×${n}]`);
    }, { only: ['register'] });
  });

  it('matches float64 on a dense layer of the seed, 256×784×32, with the kernel the adapter picks', async () => {
    const { ta, tb, expected } = operands(256, 784, 32, false, false, 7);
    expectClose(await matmul(ta, tb).data(), expected, TOL, '[256×784×32]');
  });

  const activations: ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'softplus'];
  // The activations are shared code (shaders/lib/activation.wgsl): every kernel applies one, the
  // portable kernel all of them.
  it.each(activations)('adds the bias and applies %s in the epilogue', async (activation) => {
    const alpha = activation === 'leakyRelu' ? 0.2 : activation === 'elu' ? 0.7 : undefined;
    await forEachKernel(async (kernel) => {
      for (const [m, k, n] of [[5, 33, 7], [9, 12, 36]]) {
        const { ta, tb, expected } = operands(m, k, n, false, false, 3);
        const bias = uniform(n, 4);
        const c = matmul(ta, tb, { bias: tensor(bias), activation, alpha });
        const want = expected.map((v, i) => activate(activation, v + bias[i % n], alpha ?? 0));
        expectClose(await c.data(), want, TOL, `${kernel} ${activation} [${m}×${k}×${n}]`);
      }
    }, activation === 'elu' ? { skipSlowTiled: true } : { only: ['register'] });
  });

  it('accumulates into out, and writes into out without accumulate', async () => {
    await forEachKernel(async (kernel) => {
      for (const [m, k, n] of [[9, 17, 6], [12, 17, 8]]) {
        const { ta, tb, expected } = operands(m, k, n, true, false, 5);
        const old = uniform(m * n, 6);
        const out = tensor(old, [m, n]);
        expect(matmul(ta, tb, { transposeA: true, out, accumulate: true })).toBe(out);
        expectClose(await out.data(), expected.map((v, i) => v + old[i]), TOL, `${kernel} out + a·b [${m}×${k}×${n}]`);
        matmul(ta, tb, { transposeA: true, out });
        expectClose(await out.data(), expected, TOL, `${kernel} a·b into out [${m}×${k}×${n}]`);
      }
    }, { skipSlowTiled: true });
  });

  it('gives the bias alone (after the activation) when K is 0', async () => {
    const c = matmul(tensor([], [2, 0]), tensor([], [0, 3]), { bias: tensor([1, -2, 3]), activation: 'relu' });
    expect(Array.from(await c.data())).toEqual([1, 0, 3, 1, 0, 3]);
  });

  it('propagates NaN and Inf like IEEE arithmetic', async () => {
    await forEachKernel(async (kernel) => {
      for (const [m, k, n] of [[6, 9, 10], [6, 12, 12]]) {
        const { a, b } = operands(m, k, n, false, false, 8);
        a[1 * k + 2] = NaN; // row 1 of C
        b[4 * n + 3] = Infinity; // column 3 of C: ±Inf, NaN where it meets row 1
        const bias = uniform(n, 9);
        bias[5] = NaN; // column 5 of C
        const c = await matmul(tensor(a, [m, k]), tensor(b, [k, n]), { bias: tensor(bias) }).data();
        const expected = matmulRef(a, b, m, k, n).map((v, i) => v + bias[i % n]);
        expect(expected.filter(Number.isNaN).length).toBe(n + m - 1); // row 1 and column 5
        expectClose(c, expected, TOL, `${kernel} with NaN/Inf [${m}×${k}×${n}]`);
      }
    }, { skipSlowTiled: true });
  });

  it('keeps Inf in the last step along K from leaking into other products', async () => {
    // With A transposed, K need not be a multiple of a kernel's step; steps past K must add nothing.
    await forEachKernel(async (kernel) => {
      for (const [m, k, n] of [[5, 7, 6], [12, 17, 8]]) {
        const { a, b } = operands(m, k, n, true, false, 10);
        a[(k - 1) * m + 3] = Infinity; // row 3 of C: ±Inf
        b[(k - 1) * n + 2] = -Infinity; // column 2 of C: ±Inf, NaN where it meets row 3 with the wrong sign
        const c = await matmul(tensor(a, [k, m]), tensor(b, [k, n]), { transposeA: true }).data();
        expectClose(c, matmulRef(a, b, m, k, n, true), TOL, `${kernel} with Inf in the last K row [${m}×${k}×${n}]`);
      }
    });
  });

  it('rejects shapes that cannot multiply, naming matmul and the shapes', () => {
    const a = tensor(uniform(6, 1), [2, 3]);
    expect(() => matmul(a, tensor(uniform(8, 1), [4, 2]))).toThrow(/matmul: inner dimensions differ \(3 vs 4\) in a \[2,3\] × b \[4,2\]/);
    expect(() => matmul(a, tensor(uniform(4, 1), [2, 2]), { transposeB: true })).toThrow(/matmul: inner dimensions differ \(3 vs 2\) in a \[2,3\] × b \[2,2\] \(transposed\)/);
    expect(() => matmul(a, tensor(uniform(6, 1), [6]))).toThrow(/matmul: needs 2-D tensors, got a \[2,3\] × b \[6\]/);
    expect(() => matmul(a, tensor(uniform(6, 1), [3, 2]), { bias: tensor([1, 2, 3]) })).toThrow(/matmul: bias must be float32 \[2\], got float32 \[3\]/);
    expect(() => matmul(a, tensor(uniform(6, 1), [3, 2]), { out: tensor(uniform(4, 1), [2, 2]), accumulate: true, activation: 'relu' })).toThrow(/matmul: accumulate/);
    expect(() => matmul(a, tensor(uniform(6, 1), [3, 2]), { out: tensor(uniform(6, 1), [3, 2]) })).toThrow(/matmul: out must be float32 \[2,2\], got float32 \[3,2\]/);
    const square = tensor(uniform(4, 1), [2, 2]);
    expect(() => matmul(square, square, { out: square })).toThrow(/matmul: out must not share a buffer with an input/);
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
