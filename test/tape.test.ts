// The gradient tape and tidy(): what they free, what they keep, TF.js's grad/grads/variableGrads
// spellings, and a custom-loss training loop whose memory stays flat over 1,000 steps.
import { beforeAll, describe, expect, it } from 'vitest';
import { add, exp, grad, grads, keep, matMul, mean, memory, mul, reshape, square, sub, sum, sync, tensor, tidy, valueAndGrad, variableGrads, type Tensor } from '../src/index.js';
import { expectClose, setup, uniform } from './helpers.js';
import * as ref from './reference/ops.js';

describe('tidy', () => {
  beforeAll(setup);

  it('frees what fn created except its result; nested scopes hand kept tensors outward', async () => {
    const x = tensor([1, 2, 3]);
    const before = memory().numTensors;
    let inner: Tensor | undefined;
    const out = tidy(() => {
      const kept = tidy(() => {
        inner = exp(x);
        return add(inner, 1);
      });
      expect(inner!.isDisposed).toBe(true);
      return { kept, twice: mul(kept, 2) };
    });
    expect(memory().numTensors).toBe(before + 2);
    expect(out.kept.isDisposed).toBe(false);
    expectClose(await out.twice.data(), [1, 2, 3].map((v) => 2 * (Math.exp(v) + 1)), { atol: 1e-5, rtol: 1e-6 }, 'result');
    out.kept.dispose();
    out.twice.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('a returned reshape view keeps its base alive; keep() escapes; async fns are refused', async () => {
    const x = tensor([1, 2, 3, 4]);
    let escaped: Tensor | undefined;
    const view = tidy(() => {
      escaped = keep(square(x));
      return reshape(add(x, 1), [2, 2]);
    });
    expectClose(await view.data(), [2, 3, 4, 5], { atol: 0, rtol: 0 }, 'view');
    expect(escaped!.isDisposed).toBe(false);
    expect(() => tidy((() => Promise.resolve()) as unknown as () => void)).toThrow(/tidy: fn returned a Promise/);
    [x, view, escaped!].forEach((t) => t.dispose());
  });
});

describe('gradients', () => {
  beforeAll(setup);

  it('grad, grads and valueAndGrad as TF.js spells them', async () => {
    const x = tensor([0.5, -1, 2]);
    const g = grad((t) => sum(mul(square(t), 3)))(x);
    expectClose(await g.data(), [3, -6, 12], { atol: 1e-6, rtol: 1e-6 }, 'd(3x²)');
    const [ga, gb] = grads((a: Tensor, b: Tensor) => sum(mul(a, b)))([x, tensor([1, 2, 3])]);
    expectClose(await ga.data(), [1, 2, 3], { atol: 0, rtol: 0 }, 'da');
    expectClose(await gb.data(), [0.5, -1, 2], { atol: 0, rtol: 0 }, 'db');
    const { value, grad: gx } = valueAndGrad((t) => sum(t))(x);
    expectClose(await value.data(), [1.5], { atol: 1e-7, rtol: 0 }, 'value');
    expectClose(await gx.data(), [1, 1, 1], { atol: 0, rtol: 0 }, 'd sum');
    // An upstream dy scales the gradient of a non-scalar f.
    const gdy = grad((t) => mul(t, t))(x, tensor([1, 10, 100]));
    expectClose(await gdy.data(), [1, -20, 400], { atol: 1e-5, rtol: 1e-6 }, 'dy');
    // The result of the identity is a copy, not the argument itself.
    const same = grad((t) => t)(x);
    expect(same).not.toBe(x);
    expectClose(await same.data(), [1, 1, 1], { atol: 0, rtol: 0 }, 'identity');
    [x, g, ga, gb, value, gx, gdy, same].forEach((t) => t.dispose());
  });

  it('variableGrads: named gradients of a scalar; errors for non-scalars, unconnected variables, missing varList', async () => {
    const w = { name: 'w', value: tensor([1, 2, 3, 4], [2, 2]) };
    const unused = { name: 'unused', value: tensor([1]) };
    const x = tensor([1, 0, 0, 1, 2, 1], [3, 2]);
    const { value, grads: g } = variableGrads(() => mean(matMul(x, w.value)), [w, unused]);
    expect(Object.keys(g)).toEqual(['w']);
    // d mean(x·w)/dw[k][j] = Σ_i x[i][k] / (3·2).
    expectClose(await g.w.data(), [3 / 6, 3 / 6, 2 / 6, 2 / 6], { atol: 1e-6, rtol: 1e-6 }, 'dw');
    expectClose(await value.data(), [ref.matmul([1, 0, 0, 1, 2, 1], [1, 2, 3, 4], 3, 2, 2).reduce((a, b) => a + b, 0) / 6], { atol: 1e-6, rtol: 1e-6 }, 'value');
    const before = memory().numTensors;
    expect(() => variableGrads(() => matMul(x, w.value), [w])).toThrow(/variableGrads: f must return a scalar, got shape \[3,2\]/);
    expect(() => variableGrads(() => sum(x), [w])).toThrow(/variableGrads: f does not depend on any variable of varList/);
    expect(() => variableGrads(() => sum(x), [])).toThrow(/variableGrads: varList must list the variables/);
    expect(() => grad(() => sum(x))(w.value)).toThrow(/grad: cannot compute the gradient of y = f\(x\) with respect to argument 0/);
    expect(memory().numTensors, 'failed calls leave nothing behind').toBe(before);
    [w.value, unused.value, x, value, g.w].forEach((t) => t.dispose());
  });

  it('1,000 steps of a custom loss (a linear regression by SGD): memory() flat, the loss falls to the optimum', async () => {
    const [n, d] = [32, 5];
    const xHost = uniform(n * d, 21);
    const trueW = uniform(d, 22);
    const yHost = Float32Array.from({ length: n }, (_, i) => trueW.reduce((s, wv, k) => s + wv * xHost[i * d + k], 0));
    const x = tensor(xHost, [n, d]);
    const y = tensor(yHost, [n, 1]);
    const w = { name: 'kernel', value: tensor(new Float32Array(d), [d, 1]) };
    const lossOf = () => mean(square(sub(matMul(x, w.value), y)));
    let first = NaN;
    let snapshot: ReturnType<typeof memory> | undefined;
    for (let step = 0; step < 1000; step++) {
      const { value, grads: g } = variableGrads(lossOf, [w]);
      const next = tidy(() => sub(w.value, mul(g.kernel, 0.1)));
      w.value.dispose();
      w.value = next;
      g.kernel.dispose();
      if (step === 0) first = (await value.data())[0];
      value.dispose();
      if (step === 10) snapshot = memory();
      if (step % 100 === 99) await sync();
    }
    const after = memory();
    expect(after.numTensors).toBe(snapshot!.numTensors);
    expect(after.numBytes).toBe(snapshot!.numBytes);
    const final = tidy(lossOf);
    expect(first).toBeGreaterThan(0.05);
    expect((await final.data())[0]).toBeLessThan(1e-8);
    expectClose(await w.value.data(), trueW, { atol: 1e-4, rtol: 1e-4 }, 'fitted weights');
    [x, y, w.value, final].forEach((t) => t.dispose());
  });
});

describe('a layer call under the tape (src/layers/tape_call.ts)', () => {
  beforeAll(setup);

  it('backward replays the call: input and weight gradients match finite differences; added losses add theirs', async () => {
    const { runTapeCall, runTapeBackward, addCallLoss, addTapeCallLosses } = await import('../src/layers/tape_call.js');
    const [n, k, m] = [3, 4, 2];
    const xHost = uniform(n * k, 31);
    const wHost = uniform(k * m, 32);
    const bHost = uniform(m, 33);
    const dyHost = uniform(n * m, 34);
    const x = tensor(xHost, [n, k]);
    const w = { name: 'w', value: tensor(wHost, [k, m]), trainable: true, grad: null as Tensor | null };
    const b = { name: 'b', value: tensor(bHost, [m]), trainable: true, grad: null as Tensor | null };
    const state = { training: true, seed: 1, step: 0, saved: [] as Tensor[] };
    const before = memory().numTensors;
    // y = tanh(x·w + b); an added loss 0.5·Σ w² inside the call.
    const [y] = runTapeCall('test layer', () => {
      addCallLoss('test layer', mul(0.5, sum(square(w.value))));
      return reshape(add(matMul(x, w.value), b.value), [n, m]);
    }, [x], [w as never, b as never], state);
    const slot = tensor([0]);
    addTapeCallLosses(state, slot, 0);
    const [dx] = runTapeBackward('test layer', state, [tensor(dyHost, [n, m])], [true]);
    // L = Σ dy·(x·w + b) + 0.5·Σ w².
    const lossOf = (xs: Float64Array, ws: Float64Array, bs: Float64Array) => {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
        let v = bs[j];
        for (let p = 0; p < k; p++) v += xs[i * k + p] * ws[p * m + j];
        s += dyHost[i * m + j] * v;
      }
      return s + 0.5 * ws.reduce((a, v) => a + v * v, 0);
    };
    const x64 = Float64Array.from(xHost);
    const w64 = Float64Array.from(wHost);
    const b64 = Float64Array.from(bHost);
    expectClose(await dx!.data(), ref.finiteDifference(([a]) => lossOf(a, w64, b64), [x64], 0), { atol: 1e-4, rtol: 1e-3 }, 'dx');
    expectClose(await w.grad!.data(), ref.finiteDifference(([a]) => lossOf(x64, a, b64), [w64], 0), { atol: 1e-4, rtol: 1e-3 }, 'dw');
    expectClose(await b.grad!.data(), ref.finiteDifference(([a]) => lossOf(x64, w64, a), [b64], 0), { atol: 1e-4, rtol: 1e-3 }, 'db');
    expectClose(await slot.data(), [0.5 * wHost.reduce((a, v) => a + v * v, 0)], { atol: 1e-6, rtol: 1e-5 }, 'added loss');
    expect(y.isView).toBe(false);
    // What the step frees (state.saved, the output) leaves only what the test holds.
    [...state.saved, y, dx!, w.grad!, b.grad!, slot].forEach((t) => t.dispose());
    expect(memory().numTensors).toBe(before - 0 + 1 /* dy */);
    [x, w.value, b.value].forEach((t) => t.dispose());
  });
});
