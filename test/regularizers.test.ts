// L1L2 and contractive penalties: values and in-place gradients against float64 references,
// finite differences, the contractive penalty against its definition ‖∂h/∂x‖²_F, NaN and bad shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import { contractiveBackward, contractivePenalty, l1l2Backward, l1l2Penalty } from '../src/ops/regularizers.js';
import { tensor } from '../src/tensor.js';
import { expectClose, setup, uniform } from './helpers.js';
import { activate, type Act } from './reference/activation.js';
import { contractiveGradRef, contractiveRef, l1l2GradRef, l1l2Ref } from './reference/regularizers.js';

/** Central differences of a float64 function of one array. */
function numericGrad(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  const at = Float64Array.from(x);
  return at.map((v, i) => {
    at[i] = v + h;
    const plus = f(at);
    at[i] = v - h;
    const minus = f(at);
    at[i] = v;
    return (plus - minus) / (2 * h);
  });
}

describe('l1l2', () => {
  beforeAll(setup);

  const regs = [{ l1: 0.01 }, { l2: 0.02 }, { l1: 0.03, l2: 0.005 }];
  it.each(regs)('%o: penalty and in-place gradient match float64 at sizes 1, 7, 1031', async (reg) => {
    const { l1 = 0, l2 = 0 } = reg;
    for (const n of [1, 7, 1031]) {
      const values = uniform(n, n, -3, 3);
      const x = tensor(values);
      const out = tensor([7, 7]);
      l1l2Penalty(x, reg, { out, outIndex: 1, scale: 0.5 });
      // The exact sum leaves per-element float32 rounding only: rtol 3e-6.
      expectClose(await out.data(), [7, l1l2Ref(values, l1, l2, 0.5)], { atol: 1e-7, rtol: 3e-6 }, `penalty n=${n}`);
      const before = uniform(n, n + 1);
      const dx = tensor(before);
      l1l2Backward(x, reg, dx, 0.5);
      const grad = l1l2GradRef(values, l1, l2, 0.5);
      expectClose(await dx.data(), grad.map((g, i) => g + before[i]), { atol: 1e-7, rtol: 1e-6 }, `gradient n=${n}`);
      // The reference gradient is the derivative of the reference penalty (away from x = 0).
      expectClose(grad, numericGrad((v) => l1l2Ref(v, l1, l2, 0.5), values), { atol: 1e-7, rtol: 1e-6 }, 'reference vs finite differences');
    }
  });

  it('accumulates into the loss slot; sign(0) = 0; an infinite weight with l1 = 0 stays infinite, NaN stays NaN', async () => {
    const out = tensor([1, 2]);
    l1l2Penalty(tensor([0, 1, -2]), { l1: 0.5, l2: 0.25 }, { out, outIndex: 1, accumulate: true });
    expect(Array.from(await out.data())).toEqual([1, 2 + 0.5 * 3 + 0.25 * 5]);
    const dx = tensor([0, 0, 0]);
    l1l2Backward(tensor([0, 1, -2]), { l1: 0.5 }, dx);
    expect(Array.from(await dx.data())).toEqual([0, 0.5, -0.5]);
    l1l2Penalty(tensor([Infinity, 1]), { l2: 0.1 }, { out, outIndex: 0 });
    expect((await out.data())[0]).toBe(Infinity);
    l1l2Penalty(tensor([NaN, 1]), { l1: 0.1, l2: 0.1 }, { out, outIndex: 0 });
    expect((await out.data())[0]).toBeNaN();
    const dNaN = tensor([0, 0]);
    l1l2Backward(tensor([NaN, 1]), { l1: 0.1 }, dNaN);
    expect(Array.from(await dNaN.data())).toEqual([NaN, Math.fround(0.1)]);
  });

  it('rejects a gradient of another size', () => {
    expect(() => l1l2Backward(tensor([1, 2, 3]), { l1: 1 }, tensor([1, 2]))).toThrow(/l1l2Backward: dx \[2\] does not match x \[3\]/);
  });
});

describe('contractive penalty', () => {
  beforeAll(setup);

  const ALPHA: Partial<Record<Act, number>> = { leakyRelu: 0.3, elu: 1 };
  /** An encoder output h = act(z) as float32 and a kernel W, for rows × inputs → units. */
  function encoder(act: Act, rows: number, inputs: number, units: number, seed: number) {
    const alpha = ALPHA[act] ?? 0;
    const h = Float32Array.from(uniform(rows * units, seed, -2, 2), (z) => activate(act, z, alpha));
    const w = uniform(inputs * units, seed + 1, -0.5, 0.5);
    return { h, w, alpha };
  }

  const acts: Act[] = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'softplus'];
  // Shapes (rows, inputs, units): single elements, ragged, more rows and inputs than a workgroup's 64 threads.
  const shapes = [[1, 1, 1], [3, 7, 5], [70, 1031, 3]];
  it.each(acts)('%s: penalty and gradients match float64', async (act) => {
    for (const [rows, inputs, units] of shapes) {
      const { h, w, alpha } = encoder(act, rows, inputs, units, rows + inputs);
      const ht = tensor(h, [rows, units]);
      const wt = tensor(w, [inputs, units]);
      const out = tensor([0.25, 0]);
      contractivePenalty(ht, wt, act, 0.3, { out, outIndex: 1 });
      contractivePenalty(ht, wt, act, 0.3, { out, outIndex: 0, accumulate: true });
      const expected = contractiveRef(h, w, units, act, alpha, 0.3);
      // Column sums in float32 (≤ 1031 terms, plain accumulation): rtol 1e-5.
      expectClose(await out.data(), [0.25 + expected, expected], { atol: 1e-7, rtol: 1e-5 }, `${act} ${rows}x${inputs}x${units} penalty`);
      const dhBefore = uniform(h.length, 5);
      const dwBefore = uniform(w.length, 6);
      const dh = tensor(dhBefore, [rows, units]);
      const dw = tensor(dwBefore, [inputs, units]);
      contractiveBackward(ht, wt, act, 0.3, dh, dw);
      const grad = contractiveGradRef(h, w, units, act, alpha, 0.3);
      expectClose(await dh.data(), grad.dh.map((g, i) => g + dhBefore[i]), { atol: 1e-6, rtol: 1e-5 }, `${act} dh`);
      expectClose(await dw.data(), grad.dw.map((g, i) => g + dwBefore[i]), { atol: 1e-6, rtol: 1e-5 }, `${act} dKernel`);
    }
  });

  it.each(acts)('%s: the GPU gradients match finite differences of the float64 penalty', async (act) => {
    const [rows, inputs, units] = [4, 3, 5];
    const { h, w, alpha } = encoder(act, rows, inputs, units, 21);
    const dh = tensor(new Float32Array(h.length), [rows, units]);
    const dw = tensor(new Float32Array(w.length), [inputs, units]);
    contractiveBackward(tensor(h, [rows, units]), tensor(w, [inputs, units]), act, 0.7, dh, dw);
    const fdH = numericGrad((v) => contractiveRef(v, w, units, act, alpha, 0.7), h);
    const fdW = numericGrad((v) => contractiveRef(h, v, units, act, alpha, 0.7), w);
    // relu's h = 0 sits on the kink of act' (no derivative): compare where h > 0 only.
    const smooth = (_: number, i: number) => act !== 'relu' || h[i] > 0;
    expectClose((await dh.data()).filter(smooth), fdH.filter(smooth), { atol: 1e-6, rtol: 1e-4 }, `${act} dh vs finite differences`);
    expectClose(await dw.data(), fdW, { atol: 1e-6, rtol: 1e-4 }, `${act} dKernel vs finite differences`);
  });

  it.each(['sigmoid', 'tanh', 'linear'] as Act[])('%s: equals λ·mean over the batch of ‖∂h/∂x‖²_F, the Jacobian taken numerically', async (act) => {
    const [rows, inputs, units] = [3, 4, 6];
    const x = uniform(rows * inputs, 31);
    const w = uniform(inputs * units, 32);
    const bias = uniform(units, 33, -0.2, 0.2);
    const encode = (xb: ArrayLike<number>, j: number) => activate(act, bias[j] + Array.from(xb).reduce((s, v, i) => s + v * w[i * units + j], 0), 0);
    const h = new Float32Array(rows * units);
    let frobenius = 0;
    for (let b = 0; b < rows; b++) {
      const xb = x.slice(b * inputs, (b + 1) * inputs);
      for (let j = 0; j < units; j++) {
        h[b * units + j] = encode(xb, j);
        for (const d of numericGrad((v) => encode(v, j), xb)) frobenius += d * d;
      }
    }
    const out = tensor([0]);
    contractivePenalty(tensor(h, [rows, units]), tensor(w, [inputs, units]), act, 0.1, { out });
    expectClose(await out.data(), [(0.1 * frobenius) / rows], { atol: 1e-7, rtol: 1e-4 }, `${act} penalty vs Jacobian`);
  });

  it('NaN in h or the kernel propagates', async () => {
    const h = tensor([0.5, NaN, 0.2, 0.3], [2, 2]);
    const w = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const out = tensor([0]);
    contractivePenalty(h, w, 'sigmoid', 1, { out });
    expect((await out.data())[0]).toBeNaN();
    const dh = tensor([0, 0, 0, 0], [2, 2]);
    const dw = tensor([0, 0, 0, 0, 0, 0], [3, 2]);
    contractiveBackward(h, w, 'sigmoid', 1, dh, dw);
    const [dhv, dwv] = [await dh.data(), await dw.data()];
    expect(Number.isNaN(dhv[1]) && Number.isFinite(dhv[0])).toBe(true);
    // Column 1's s_j is NaN, so its kernel gradients are; column 0's are finite.
    expect([dwv[1], dwv[3], dwv[5]].every(Number.isNaN) && [dwv[0], dwv[2], dwv[4]].every(Number.isFinite)).toBe(true);
  });

  it('rejects shapes that do not fit, naming them', () => {
    const h = tensor(new Float32Array(6), [2, 3]);
    const out = tensor([0]);
    expect(() => contractivePenalty(h, tensor(new Float32Array(8), [4, 2]), 'relu', 1, { out })).toThrow(/contractivePenalty: expected h \[batch, units\].*h \[2,3\] and kernel \[4,2\]/);
    const w = tensor(new Float32Array(12), [4, 3]);
    expect(() => contractiveBackward(h, w, 'relu', 1, tensor(new Float32Array(6), [3, 2]), w)).toThrow(/contractiveBackward: dh \[3,2\] and dKernel \[4,3\] must match h \[2,3\] and kernel \[4,3\]/);
  });
});
