// Learning-rate schedules, settable rates, gradient clipping and AdamW: the schedules against a
// float64 transcription of Keras's; several optimizer steps on ragged parameters against TF.js
// (clipping and decay done with tf ops around tf.train.*, as Keras's base optimizer orders them:
// clip, decay, update) and against the float64 rules; bad settings and schedules.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { optimizers, type Optimizer, type OptimizerOptions } from '../src/optimizers.js';
import { schedules } from '../src/schedules.js';
import { memory, tensor } from '../src/tensor.js';
import { context } from '../src/device.js';
import { flush } from '../src/runner.js';
import { expectClose, rng, setup, uniform } from './helpers.js';
import { stepRef, type RefState, type Rule } from './reference/optimizers.js';
import { clipRef, cosineDecayRef, decayRef, exponentialDecayRef, piecewiseConstantRef } from './reference/schedules.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const steps = [0, 1, 2, 5, 9, 10, 11, 37, 100, 250, 1000, 5000];

describe('schedules', () => {
  it.each([
    ['exponentialDecay', schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }), (s: number) => exponentialDecayRef(s, 0.1, 10, 0.9, false)],
    ['exponentialDecay staircase', schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }), (s: number) => exponentialDecayRef(s, 0.1, 10, 0.5, true)],
    ['cosineDecay', schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 250 }), (s: number) => cosineDecayRef(s, 0.01, 250, 0, null, 0)],
    ['cosineDecay alpha', schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 250, alpha: 0.1 }), (s: number) => cosineDecayRef(s, 0.01, 250, 0.1, null, 0)],
    ['cosineDecay warm-up', schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 900, warmupTarget: 0.1, warmupSteps: 100 }), (s: number) => cosineDecayRef(s, 0, 900, 0, 0.1, 100)],
    ['piecewiseConstantDecay', schedules.piecewiseConstantDecay({ boundaries: [10, 100], values: [1, 0.5, 0.1] }), (s: number) => piecewiseConstantRef(s, [10, 100], [1, 0.5, 0.1])],
  ])('%s matches Keras', (_, schedule, ref) => {
    const got = steps.map(schedule);
    expectClose(got, steps.map(ref), { atol: 0, rtol: 1e-15 }, 'rate');
  });

  it('cosineDecay warm-up climbs linearly and peaks at warmupTarget; piecewise switches after each boundary', () => {
    const s = schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 900, warmupTarget: 0.1, warmupSteps: 100 });
    expect(s(50)).toBeCloseTo(0.05, 12);
    expect(s(100)).toBeCloseTo(0.1, 12);
    expect(s(1000)).toBeCloseTo(0, 12);
    const p = schedules.piecewiseConstantDecay({ boundaries: [10], values: [1, 0.5] });
    expect([p(10), p(11)]).toEqual([1, 0.5]);
  });

  it('rejects bad settings, naming the option and value', () => {
    expect(() => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 })).toThrow('schedules.exponentialDecay: decaySteps must be a finite number > 0, got 0');
    expect(() => schedules.cosineDecay({ initialLearningRate: -1, decaySteps: 10 })).toThrow('initialLearningRate must be a finite number ≥ 0, got -1');
    expect(() => schedules.piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] })).toThrow('boundaries must be an increasing list of finite numbers, got [10, 5]');
    expect(() => schedules.piecewiseConstantDecay({ boundaries: [10], values: [1] })).toThrow('values must be one more entry than boundaries (2), got [1]');
  });
});

/** Gradients with |g| in [0.1, 1.5] and random signs: big enough that every clip setting bites. */
function gradient(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (0.1 + 1.4 * r()));
}

// 40000 elements: grad_sumsq runs 20 workgroups on it (the others take one).
const sizes = [1, 7, 1031, 40000];

interface Case {
  name: string;
  rule: Rule;
  options: OptimizerOptions & Record<string, unknown>;
  make: (o: OptimizerOptions & Record<string, unknown>) => Optimizer;
  theirs: (lr: number) => tf.Optimizer;
}

const cases: Case[] = [
  { name: 'sgd, exponentialDecay', rule: 'sgd', options: { learningRate: schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 }) }, make: optimizers.sgd, theirs: (lr) => tf.train.sgd(lr) },
  { name: 'sgd momentum, piecewise, clipNorm 1', rule: 'sgd', options: { momentum: 0.9, clipNorm: 1, learningRate: schedules.piecewiseConstantDecay({ boundaries: [1, 3], values: [0.1, 0.05, 0.01] }) }, make: optimizers.sgd, theirs: (lr) => tf.train.momentum(lr, 0.9) },
  { name: 'adam, cosineDecay with warm-up, globalClipNorm 2', rule: 'adam', options: { globalClipNorm: 2, learningRate: schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 4, warmupTarget: 0.02, warmupSteps: 2 }) }, make: optimizers.adam, theirs: (lr) => tf.train.adam(lr) },
  { name: 'adam, clipValue 0.5', rule: 'adam', options: { learningRate: 0.01, clipValue: 0.5 }, make: optimizers.adam, theirs: (lr) => tf.train.adam(lr) },
  { name: 'adamw (weightDecay 0.1), clipNorm 3', rule: 'adam', options: { learningRate: 0.02, weightDecay: 0.1, clipNorm: 3 }, make: optimizers.adamw, theirs: (lr) => tf.train.adam(lr) },
  { name: 'rmsprop, clipValue 0.3, weightDecay 0.05', rule: 'rmsprop', options: { learningRate: 0.01, clipValue: 0.3, weightDecay: 0.05 }, make: optimizers.rmsprop, theirs: (lr) => tf.train.rmsprop(lr) },
  { name: 'adagrad, globalClipNorm 0.5', rule: 'adagrad', options: { learningRate: 0.1, globalClipNorm: 0.5 }, make: optimizers.adagrad, theirs: (lr) => tf.train.adagrad(lr) },
];

const STEPS = 6;

describe('optimizer steps with schedules, clipping and weight decay', () => {
  it.each(cases)('$name: 6 steps match TF.js and the float64 rule', async ({ options, make, rule, theirs }) => {
    const opt = make(options);
    const inits = sizes.map((n, k) => uniform(n, 50 + k));
    const values = inits.map((v) => tensor(v));
    const refs = inits.map((v) => Float64Array.from(v));
    const states: RefState[] = inits.map(() => ({ t: 0, slots: {} }));
    const vars = inits.map((v) => tf.variable(tf.tensor(v)));
    // TF.js optimizers take a fixed rate: one per distinct rate, sharing nothing, would lose the
    // slots; so the TF.js side here uses one optimizer whose rate is set per step (SGDOptimizer.setLearningRate / .learningRate).
    const tfOpt = theirs(0.1);
    const schedule = typeof options.learningRate === 'function' ? options.learningRate : () => options.learningRate as number;
    const clip = { clipNorm: options.clipNorm, globalClipNorm: options.globalClipNorm, clipValue: options.clipValue };
    const wd = (options.weightDecay as number | undefined) ?? (make === optimizers.adamw ? 0.004 : 0);
    for (let step = 0; step < STEPS; step++) {
      const lr = schedule(step);
      expect(opt.config.learningRate).toBe(lr);
      const grads = sizes.map((n, k) => gradient(n, 1000 * step + k));
      opt.apply(values.map((value, k) => ({ value, grad: tensor(grads[k]) })));
      // float64: clip, decay, rule
      const clipped = clipRef(grads, clip);
      refs.forEach((x, k) => {
        decayRef(x, wd, lr);
        stepRef(rule, { ...opt.config, learningRate: lr }, x, clipped[k], states[k]);
      });
      // TF.js: the same order with tf ops
      (tfOpt as unknown as { learningRate: number }).learningRate = lr;
      if ('setLearningRate' in tfOpt) (tfOpt as tf.SGDOptimizer).setLearningRate(lr);
      tf.tidy(() => {
        let gs = grads.map((g) => tf.tensor(g));
        if (clip.clipNorm) gs = gs.map((g) => tf.div(tf.mul(g, clip.clipNorm!), tf.maximum(tf.norm(g), clip.clipNorm!)));
        if (clip.globalClipNorm) {
          const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
          gs = gs.map((g) => tf.div(tf.mul(g, clip.globalClipNorm!), tf.maximum(norm, clip.globalClipNorm!)));
        }
        if (clip.clipValue) gs = gs.map((g) => tf.clipByValue(g, -clip.clipValue!, clip.clipValue!));
        if (wd) vars.forEach((v) => v.assign(tf.sub(v, tf.mul(tf.mul(v, wd), lr))));
        tfOpt.applyGradients(vars.map((v, k) => ({ name: v.name, tensor: gs[k] })));
      });
    }
    expect(opt.iterations).toBe(STEPS);
    for (let k = 0; k < sizes.length; k++) {
      const got = await values[k].data();
      expectClose(got, refs[k], { atol: 3e-6, rtol: 3e-6 }, `param ${k} vs float64`);
      expectClose(got, vars[k].dataSync(), { atol: 3e-6, rtol: 3e-6 }, `param ${k} vs TF.js`);
    }
    opt.dispose();
    tfOpt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('clipping really bites: clipped and unclipped runs differ, and clipNorm bounds the step', async () => {
    const g = Float32Array.from({ length: 8 }, (_, i) => i + 1); // ‖g‖ = 14.28
    const run = async (options: OptimizerOptions) => {
      const value = tensor(new Float32Array(8));
      optimizers.sgd({ learningRate: 1, ...options }).apply([{ value, grad: tensor(g) }]);
      return value.data();
    };
    const plain = await run({});
    const byNorm = await run({ clipNorm: 2 });
    const byValue = await run({ clipValue: 3 });
    expectClose(plain, Array.from(g, (v) => -v), { atol: 0, rtol: 0 });
    expect(Math.hypot(...byNorm)).toBeCloseTo(2, 5);
    expectClose(byValue, Array.from(g, (v) => -Math.min(v, 3)), { atol: 0, rtol: 0 });
  });

  it('learningRate is settable between steps, as a number or a schedule; nothing is allocated per step', async () => {
    const opt = optimizers.sgd({ learningRate: 0.5 });
    const value = tensor([1, 2]);
    const grad = tensor([1, 1]);
    opt.apply([{ value, grad }]);
    opt.learningRate = 0.25;
    opt.apply([{ value, grad }]);
    opt.learningRate = (step) => step / 10; // step 2 → 0.2
    opt.apply([{ value, grad }]);
    const before = memory();
    for (let i = 0; i < 20; i++) opt.apply([{ value, grad }]); // rates 0.3 … 2.2
    expect(memory()).toEqual(before);
    const expected = 1 - 0.5 - 0.25 - 0.2 - Array.from({ length: 20 }, (_, i) => (i + 3) / 10).reduce((a, b) => a + b, 0);
    expectClose(await value.data(), [expected, expected + 1], { atol: 1e-5, rtol: 1e-6 });
    expect(opt.config.learningRate).toBeCloseTo(2.3, 12);
  });
});

describe('per-step cost of a schedule', () => {
  it('steps with a new rate each create no GPU buffer, bind group or pipeline (the rate is written into one small buffer)', async () => {
    const opt = optimizers.adam({ learningRate: (step) => 0.01 / (1 + step), globalClipNorm: 1 });
    const value = tensor(uniform(300, 1));
    const grad = tensor(uniform(300, 2));
    opt.apply([{ value, grad }]);
    flush();
    const device = context().device as unknown as Record<string, (...args: unknown[]) => unknown>;
    const counts: Record<string, number> = {};
    const originals = ['createBuffer', 'createBindGroup', 'createComputePipeline', 'createShaderModule'].map((name) => {
      const original = device[name];
      counts[name] = 0;
      device[name] = (...args: unknown[]) => (counts[name]++, original.apply(device, args));
      return [name, original] as const;
    });
    try {
      for (let i = 0; i < 20; i++) {
        opt.apply([{ value, grad }]);
        flush();
      }
    } finally {
      for (const [name, original] of originals) device[name] = original;
    }
    expect(counts).toEqual({ createBuffer: 0, createBindGroup: 0, createComputePipeline: 0, createShaderModule: 0 });
    expect(opt.config.learningRate).toBeCloseTo(0.01 / 22, 12);
    await value.data();
  });
});

describe('bad settings', () => {
  it.each([
    [() => optimizers.sgd({ learningRate: -0.1 }), "optimizer sgd: learningRate must be a finite number ≥ 0, got -0.1"],
    [() => optimizers.adam({ learningRate: '0.1' as unknown as number }), "optimizer adam: learningRate must be a finite number ≥ 0, got '0.1'"],
    [() => optimizers.adam({ beta1: 1 }), 'optimizer adam: beta1 must be a finite number ≥ 0 and < 1, got 1'],
    [() => optimizers.adamw({ beta2: -0.5 }), 'optimizer adamw: beta2 must be a finite number ≥ 0 and < 1, got -0.5'],
    [() => optimizers.adam({ epsilon: NaN }), 'optimizer adam: epsilon must be a finite number ≥ 0, got NaN'],
    [() => optimizers.rmsprop({ rho: 1.5 }), 'optimizer rmsprop: rho must be a finite number ≥ 0 and ≤ 1, got 1.5'],
    [() => optimizers.sgd({ momentum: -0.9 }), 'optimizer sgd: momentum must be a finite number ≥ 0 and ≤ 1, got -0.9'],
    [() => optimizers.sgd({ nesterov: 1 as unknown as boolean }), 'optimizer sgd: nesterov must be true or false, got 1'],
    [() => optimizers.sgd({ clipNorm: 0 }), 'optimizer sgd: clipNorm must be a finite number > 0, got 0'],
    [() => optimizers.adam({ clipValue: -1 }), 'optimizer adam: clipValue must be a finite number > 0, got -1'],
    [() => optimizers.adam({ globalClipNorm: Infinity }), 'optimizer adam: globalClipNorm must be a finite number > 0, got Infinity'],
    [() => optimizers.adam({ clipNorm: 1, globalClipNorm: 1 }), 'optimizer adam: give only one of clipNorm, clipValue and globalClipNorm, got clipNorm 1, globalClipNorm 1'],
    [() => optimizers.adamw({ weightDecay: -0.01 }), 'optimizer adamw: weightDecay must be a finite number ≥ 0, got -0.01'],
    [() => (optimizers.sgd().learningRate = NaN), 'optimizer sgd: learningRate must be a finite number ≥ 0, got NaN'],
  ])('%#: %s', (make, message) => {
    expect(make).toThrow(message);
  });

  it.each([
    [() => NaN, 'NaN'],
    [() => -0.001, '-0.001'],
    [() => 'fast' as unknown as number, "'fast'"],
  ])('a schedule returning %s stops apply() before any GPU work, naming the step; the weights are unchanged', async (schedule, shown) => {
    const opt = optimizers.adam({ learningRate: (step) => (step < 2 ? 0.01 : schedule()) });
    const value = tensor([1, 2, 3]);
    const grad = tensor([0.5, -0.5, 1]);
    opt.apply([{ value, grad }]);
    opt.apply([{ value, grad }]);
    const before = await value.data();
    expect(() => opt.apply([{ value, grad }])).toThrow(`optimizer adam: the learningRate schedule returned ${shown} at step 2; it must return a finite number ≥ 0`);
    expect(opt.iterations).toBe(2);
    expect(await value.data()).toEqual(before);
  });
});
