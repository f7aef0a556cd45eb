// The ground layer: device, tensors, the kernel runner, an elementwise kernel and a reduction.
import { describe, expect, it, beforeAll } from 'vitest';
import { sum, mean } from '../src/ops/reduce.js';
import { init, context, tensor, empty, memory, sync, activationForward, activationBackward, zeros, fill } from '../src/index.js';
import { defineKernel, grid1d, type Shader } from '../src/runner.js';
import { setup, uniform, expectClose } from './helpers.js';
import { activate, activateGrad, type Act } from './reference/activation.js';

describe('device', () => {
  it('explains a missing adapter before any device exists, in words for a browser user', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const error = await init({ gpu: noAdapter }).then(() => null, (e: Error) => e.message);
    expect(error).toMatch(/No WebGPU adapter found.*Chrome/s);
    // The browser entry's reader is a web page's visitor: no drivers, package managers or scripts.
    expect(error).not.toMatch(/Debian|apt-get|lavapipe|setup-debian|npm /);
  });

  it('initialises and reports the adapter', async () => {
    await setup();
    const ctx = context();
    expect(ctx.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(typeof ctx.adapter.description).toBe('string');
  });
});

describe('tensors', () => {
  beforeAll(setup);

  it('round-trips float32 and uint8 data of odd sizes', async () => {
    for (const n of [1, 3, 7, 33, 785, 65_537]) {
      const f = uniform(n, n);
      expect(Array.from(await tensor(f, [n]).data())).toEqual(Array.from(f));
      const u = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
      const t = tensor(u, [n]);
      expect(t.dtype).toBe('uint8');
      expect(Array.from(await t.data())).toEqual(Array.from(u));
      t.dispose();
    }
  });

  it('reuses pooled buffers: a dispose/allocate loop does not grow memory', async () => {
    const before = memory();
    for (let i = 0; i < 50; i++) {
      const t = tensor(uniform(1000, i), [10, 100]);
      t.dispose();
    }
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    // one 4000-byte buffer serves all 50 tensors
    expect(after.pooledBytes - before.pooledBytes).toBeLessThanOrEqual(4000);
    const a = tensor([1, 2, 3, 4]);
    const buffer = a.buffer;
    a.dispose();
    const b = empty([4]);
    expect(b.buffer).toBe(buffer);
    b.dispose();
  });

  it('rejects bad shapes and disposed tensors with a clear message', async () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2,2\]/);
    const t = tensor([1, 2], [2]);
    t.dispose();
    await expect(t.data()).rejects.toThrow(/tensor \[2\] \(float32\) was disposed/);
    expect(() => t.reshape([1, 2])).toThrow(/disposed/);
  });

  it('rejects a tensor over the device binding limit, naming the limit', () => {
    const limit = context().limits.maxStorageBufferBindingSize;
    expect(() => empty([limit / 4 + 1])).toThrow(/maxStorageBufferBindingSize of \d+ bytes/);
  });
});

describe('kernels', () => {
  beforeAll(setup);

  it('fill and zeros write every element', async () => {
    const z = zeros([3, 5]);
    expect(Array.from(await z.data())).toEqual(new Array(15).fill(0));
    expect(Array.from(await fill(z, 2.5).data())).toEqual(new Array(15).fill(2.5));
  });

  const acts: Act[] = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'softplus'];
  it.each(acts)('activation %s: forward and backward match float64 (atol 1e-6, rtol 1e-5)', async (name) => {
    const n = 1031;
    const x = uniform(n, 7, -6, 6);
    const dy = uniform(n, 8);
    const alpha = name === 'elu' ? 1 : 0.3;
    const y = activationForward(tensor(x), name);
    const dx = activationBackward(y, tensor(dy), name);
    const tol = { atol: 1e-6, rtol: 1e-5 };
    expectClose(await y.data(), Array.from(x, (v) => activate(name, v, alpha)), tol, `${name}(x)`);
    expectClose(await dx.data(), Array.from(x, (v, i) => dy[i] * activateGrad(name, v, alpha)), { atol: 1e-5, rtol: 1e-4 }, `${name}'(x)`);
  });

  it('activations propagate NaN and Inf as IEEE arithmetic does', async () => {
    const y = await activationForward(tensor([NaN, Infinity, -Infinity]), 'relu').data();
    expect(Number.isNaN(y[0])).toBe(true);
    expect(y[1]).toBe(Infinity);
    expect(y[2]).toBe(0);
    const s = await sum(tensor([1, NaN, 2])).data();
    expect(Number.isNaN(s[0])).toBe(true);
    expect((await sum(tensor([1, Infinity, 2])).data())[0]).toBe(Infinity);
  });

  it('sums 1…N exactly to float32 rounding, for N up to 10^7', async () => {
    for (const n of [1, 2, 63, 64, 65, 4095, 4097, 100_003, 10_000_000]) {
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = i + 1;
      const t = tensor(x);
      const got = (await sum(t).data())[0];
      expect(got, `sum 1..${n}`).toBe(Math.fround((n * (n + 1)) / 2));
      t.dispose();
    }
  });

  it('mean of random values matches float64 (rtol 1e-6)', async () => {
    const x = uniform(12_345, 3);
    const expected = x.reduce((a, b) => a + b, 0) / x.length;
    expectClose(await mean(tensor(x)).data(), [expected], { atol: 1e-7, rtol: 1e-6 }, 'mean');
  });

  it('folds 1-D grids past the per-dimension workgroup limit', () => {
    const max = context().limits.maxComputeWorkgroupsPerDimension;
    const [x, y] = grid1d(64 * max * 3 + 5, 64);
    expect(x).toBeLessThanOrEqual(max);
    expect(x * y * 64).toBeGreaterThanOrEqual(64 * max * 3 + 5);
  });

  it('reports a shader that does not compile with its name and line', async () => {
    // A hand-written Shader (what src/generated/<kernel>.ts holds for shaders/*.wgsl): without a
    // line map, errors name the kernel and the line of its code.
    const shader: Shader<{ n: number }, readonly ['y']> = {
      name: 'broken_test',
      code: 'struct P { n: u32 }\n@group(0) @binding(0) var<storage, read_write> y: array<f32>;\n@group(0) @binding(1) var<uniform> p: P;\n@compute @workgroup_size(64) fn main() {\n  y[0] = undefined_thing;\n}\n',
      bindings: ['write', 'uniform'],
      storage: ['y'],
      uniforms: { size: 4, fields: [['n', 'u32', 0, 1]] },
    };
    const broken = defineKernel({ shader, workgroups: (_: { n: number }) => [1], uniforms: (p) => ({ n: p.n }) });
    broken.run([empty([4]).buffer], { n: 4 });
    await expect(sync()).rejects.toThrow(/kernel 'broken_test' failed to build:\nbroken_test:5:\d+: .*undefined_thing/);
  });
});

describe('sum into a slot', () => {
  beforeAll(setup);

  it('writes (or adds) scale·Σx into out[outIndex], leaving other slots alone', async () => {
    const slots = zeros([3]);
    sum(tensor([1, 2, 3]), { scale: 0.5, out: slots, outIndex: 1 });
    sum(tensor([4, 5]), { out: slots, outIndex: 2 });
    sum(tensor([10, 20]), { out: slots, outIndex: 2, accumulate: true });
    expect(Array.from(await slots.data())).toEqual([0, 3, 39]);
    expect(() => sum(tensor([1]), { out: slots, outIndex: 3 })).toThrow(/outIndex 3 is outside out \(3 elements\)/);
  });

  it('round-trips int32 tensors', async () => {
    const i = Int32Array.from([-5, 0, 7, 2 ** 30]);
    expect(Array.from(await tensor(i).data())).toEqual(Array.from(i));
  });
});
