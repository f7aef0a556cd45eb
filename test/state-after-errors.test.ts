// State after errors: after release() or a lost device, init() gives a working library (the
// buffer pool is per device, so no dead buffer is handed out; old tensors say what happened);
// a reshape view of a disposed tensor errors like the tensor; bad tensor data and dtypes are
// refused before any GPU work and change nothing. Each case ends with a small model training
// correctly. Runs in Node and in Chromium.
import { describe, expect, it } from 'vitest';
import { context, init, release } from '../src/device.js';
import { empty, memory, tensor, write } from '../src/tensor.js';
import { activationForward, checkActivation } from '../src/ops/activation.js';
import { setup } from './helpers.js';
import { expectTrainsCorrectly } from './trains.js';

describe('a new device after release() or a lost device', () => {
  it('release(): the pool of the old device is not handed out; its tensors say so; training works', async () => {
    await setup();
    // Fill the pool with buffers of a common size, and keep one live tensor.
    for (const t of [1, 2, 3, 4].map(() => tensor([1, 2, 3, 4]))) t.dispose();
    const old = tensor([5, 6, 7, 8]);
    const view = old.reshape([2, 2]);
    expect(memory().pooledBytes).toBeGreaterThan(0);
    release();
    await init();
    expect(memory()).toEqual({ numTensors: 0, numBytes: 0, pooledBytes: 0 });
    const fresh = tensor([9, 10, 11, 12]);
    expect(Array.from(await fresh.data())).toEqual([9, 10, 11, 12]);
    const message = 'tensor [4] (float32) belongs to a WebGPU device that was released or lost; make it again after init()';
    await expect(old.data()).rejects.toThrow(message);
    expect(() => view.buffer).toThrow('tensor [2,2] (float32) belongs to a WebGPU device that was released or lost');
    expect(() => activationForward(old, 'relu')).toThrow(message);
    // Disposing an old tensor does not put its dead buffer into the new pool.
    old.dispose();
    expect(memory().pooledBytes).toBe(0);
    fresh.dispose();
    await expectTrainsCorrectly();
  });

  it('a lost device: context() says it was lost; init() makes a new one that trains', async () => {
    await setup();
    const device = context().device;
    const t = tensor([1, 2, 3, 4]);
    t.dispose();
    device.destroy();
    await device.lost;
    expect(() => context()).toThrow(/^the WebGPU device was lost \(destroyed.*\); call `await init\(\)` for a new one\.$/);
    await init();
    expect(context().device).not.toBe(device);
    const u = tensor([1, 2, 3, 4]);
    expect(Array.from(await u.data())).toEqual([1, 2, 3, 4]);
    u.dispose();
    await expectTrainsCorrectly();
  });
});

describe('tensors', () => {
  it('a reshape view of a disposed tensor errors like the tensor, even once its buffer is reused', async () => {
    await setup();
    const t = tensor([1, 2, 3, 4]);
    const view = t.reshape([2, 2]);
    t.dispose();
    const reuse = tensor([9, 9, 9, 9]);
    expect(view.isDisposed).toBe(true);
    expect(() => view.buffer).toThrow('tensor [2,2] (float32) is a reshape of a tensor that was disposed and cannot be used');
    await expect(view.data()).rejects.toThrow('is a reshape of a tensor that was disposed');
    expect(() => view.reshape([4])).toThrow('is a reshape of a tensor that was disposed');
    expect(() => t.reshape([4])).toThrow('tensor [4] (float32) was disposed and cannot be used');
    expect(Array.from(await reuse.data())).toEqual([9, 9, 9, 9]);
    reuse.dispose();
    view.dispose();
  });

  it('non-numeric data, unknown dtypes, bad shapes and out-of-range integers are refused and change nothing', async () => {
    await setup();
    const before = memory();
    const cases: [() => unknown, string][] = [
      [() => tensor(['1', 2] as never), "tensor: value 0 is the string '1', not a number"],
      [() => tensor([1, null] as never), 'tensor: value 1 is null, not a number'],
      [() => tensor([1, {}] as never), 'tensor: value 1 is object, not a number'],
      [() => tensor('1234' as never), 'tensor: data must be an array or typed array of numbers, got string'],
      [() => tensor({ length: 2 } as never), 'tensor: data must be an array or typed array of numbers, got object'],
      [() => tensor([1, 2], [2], 'float64' as never), "tensor: dtype 'float64' is not supported; use float32, int32, uint8"],
      [() => tensor([1, 2], [2], 'constructor' as never), "tensor: dtype 'constructor' is not supported; use float32, int32, uint8"],
      [() => tensor([1.5], [1], 'int32'), 'tensor: value 0 (1.5) does not fit int32 (whole numbers -2147483648 to 2147483647)'],
      [() => tensor([256], [1], 'uint8'), 'tensor: value 0 (256) does not fit uint8 (whole numbers 0 to 255)'],
      [() => tensor(new Float32Array([-1]), [1], 'uint8'), 'tensor: value 0 (-1) does not fit uint8 (whole numbers 0 to 255)'],
      [() => tensor([1, 2], 2 as never), 'tensor: shape must be a list of non-negative integers, got 2'],
      [() => tensor([1, 2], [2.5]), 'tensor: shape [2.5] must be non-negative integers'],
      [() => empty([2], 'bool' as never), "empty: dtype 'bool' is not supported; use float32, int32, uint8"],
      [() => checkActivation(undefined), 'unknown activation (a undefined); expected one of linear, relu'],
    ];
    for (const [make, message] of cases) expect(make).toThrow(message);
    const t = tensor([1, 2]);
    expect(() => write(t, ['a', 'b'] as never)).toThrow("write: value 0 is the string 'a', not a number");
    expect(Array.from(await t.data())).toEqual([1, 2]);
    t.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    // NaN and ±Infinity are numbers: float32 data may hold them.
    const special = tensor([NaN, Infinity, -Infinity]);
    expect(Array.from(await special.data())).toEqual([NaN, Infinity, -Infinity]);
    special.dispose();
    await expectTrainsCorrectly();
  });
});
