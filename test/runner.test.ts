/// <reference types="vite/client" />
// The kernel runner: interfaces generated from the WGSL, build errors located in the .wgsl sources,
// and error scopes that stay balanced when pipeline creation throws.
import { describe, expect, it, beforeAll } from 'vitest';
import { empty, fill, sync, tensor } from '../src/index.js';
import { defineKernel, grid1d } from '../src/runner.js';
import { activation_forward } from '../src/generated/activation_forward.js';
import { fill_forward } from '../src/generated/fill_forward.js';
import { loss_forward } from '../src/generated/loss_forward.js';
import { adam_update } from '../src/generated/adam_update.js';
import lossLib from '../shaders/lib/loss.wgsl?raw';
import updateLib from '../shaders/lib/update.wgsl?raw';
import adamSource from '../shaders/adam_update.wgsl?raw';
import { setup } from './helpers.js';

const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('generated kernel interfaces', () => {
  it('read bindings and uniform fields from the WGSL, includes and all', () => {
    // adam_update.wgsl declares bindings 2–5; lib/update.wgsl, which it includes, bindings 0 and 1.
    expect(adam_update.bindings).toEqual(['write', 'read', 'write', 'read', 'read', 'uniform']);
    expect(adam_update.storage).toEqual(['value', 'grad', 'slots', 'powers', 'hyper']);
    expect(adam_update.uniforms!.fields.map(([name, word, offset]) => `${name}:${word}@${offset}`)).toEqual([
      'n:u32@0', 'beta1:f32@4', 'oneMinusBeta1:f32@8', 'beta2:f32@12', 'oneMinusBeta2:f32@16', 'epsilon:f32@20',
      'scaleIndex:u32@24', 'clipValue:f32@28', 'weightDecay:f32@32',
    ]);
  });

  it('map every line of the inlined code back to its file and line', () => {
    const code = adam_update.code.split('\n');
    const files: Record<string, string> = { 'adam_update.wgsl': adamSource, 'lib/update.wgsl': updateLib };
    let checked = 0;
    for (const [i, [first, file, line]] of adam_update.sources!.entries()) {
      const end = adam_update.sources![i + 1]?.[0] ?? code.length;
      const source = files[file]?.split('\n');
      if (!source) continue;
      for (let k = first; k < end; k++, checked++) expect(code[k - 1], `${file}:${line + k - first}`).toBe(source[line + k - first - 1]);
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('kernel build errors', () => {
  beforeAll(setup);

  it('name the .wgsl file and line an error is on, through //!include', async () => {
    const marker = 'case 1u: { return abs(p - y); }';
    expect(loss_forward.code).toContain(marker);
    const broken = defineKernel({
      shader: { ...loss_forward, name: 'loss_forward_broken_test', code: loss_forward.code.replace(marker, 'case 1u: { return abs(p - undefined_q); }') },
      workgroups: () => [1],
      uniforms: () => ({ n: 1, perGroup: 1, zero: 0, scale: 1 }),
    });
    const t = empty([4]);
    broken.run([t.buffer, t.buffer, empty([4]).buffer, empty([4]).buffer, t.buffer, t.buffer, empty([4]).buffer], null);
    await expect(sync()).rejects.toThrow(new RegExp(`shaders/lib/loss\\.wgsl:${lineOf(lossLib, marker)}:\\d+: .*undefined_q`));
    // The failed pipeline is not dispatched again (its dispatches would leave outputs stale).
    expect(() => broken.run([t.buffer, t.buffer, t.buffer, t.buffer, t.buffer, t.buffer, t.buffer], null)).toThrow(/loss_forward_broken_test.*failed to build/);
  });

  it('leave no error scope open when pipeline creation throws, so later device errors still surface', async () => {
    const throwing = defineKernel({
      shader: { ...fill_forward, name: 'fill_nan_constant_test' },
      workgroups: () => [1],
      uniforms: () => ({ n: 1, value: 0 }),
      // WebIDL rejects a NaN pipeline constant with a TypeError inside createComputePipeline.
      constants: () => ({ NOT_DECLARED: NaN }),
    });
    expect(() => throwing.run([empty([4]).buffer], null)).toThrow();
    // A validation error outside any pipeline build (one buffer bound as read-only and writable
    // storage at once): with a scope left open it would be swallowed there and sync() would pass.
    const alias = defineKernel({ shader: { ...activation_forward, name: 'activation_alias_test' }, workgroups: () => [1], uniforms: () => ({ n: 1, lo: 0, hi: 0 }) });
    const x = tensor([1, 2, 3, 4]);
    alias.run([x.buffer, x.buffer], null);
    // Chromium delivers the error event on its own schedule (seconds later on a loaded machine):
    // wait for it across a few syncs rather than expecting it at the first one.
    let surfaced: Error | null = null;
    for (let i = 0; i < 40 && !surfaced; i++) {
      try {
        await sync();
        await new Promise((resolve) => setTimeout(resolve, 50));
      } catch (e) {
        surfaced = e as Error;
      }
    }
    expect(surfaced?.message).toMatch(/WebGPU error/);
    // And work after it computes fresh results.
    const y = fill(empty([5]), 7);
    expect(Array.from(await y.data())).toEqual([7, 7, 7, 7, 7]);
    expect(grid1d(1, 64)).toEqual([1, 1]);
  });
});
