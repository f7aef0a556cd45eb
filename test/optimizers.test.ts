// Optimizers: several steps on ragged parameters against the float64 reference of TF.js's rules
// and against TF.js itself (tf.train.* on the CPU backend, same initial values and gradients);
// lazy slots, iteration count and Adam's bias correction, NaN, names and bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getOptimizer, optimizers, type Optimizer, type OptimizerName } from '../src/optimizers.js';
import { memory, tensor, type Tensor } from '../src/tensor.js';
import { expectClose, rng, setup, uniform } from './helpers.js';
import { stepRef, type RefState, type Rule } from './reference/optimizers.js';

beforeAll(async () => {
  await setup();
  await tf.setBackend('cpu');
});

const shapes = [[1], [7], [1031]];
const STEPS = 5;

/** Gradients with |g| in [0.1, 1] and random signs (see the centered RMSprop note below). */
function gradient(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (0.1 + 0.9 * r()));
}

interface Case {
  name: string;
  ours: () => Optimizer;
  theirs: () => tf.Optimizer;
  /** Against TF.js; the float64 reference always gets atol 2e-6, rtol 2e-6. */
  tfAtol?: number;
}

const cases: Case[] = [
  { name: 'sgd', ours: () => optimizers.sgd({ learningRate: 0.1 }), theirs: () => tf.train.sgd(0.1) },
  { name: 'sgd momentum', ours: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), theirs: () => tf.train.momentum(0.1, 0.9) },
  { name: 'sgd nesterov', ours: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), theirs: () => tf.train.momentum(0.1, 0.9, true) },
  { name: 'adam', ours: () => optimizers.adam({ learningRate: 0.01 }), theirs: () => tf.train.adam(0.01) },
  { name: 'adam (β1 0.8, β2 0.99, ε 1e-3)', ours: () => optimizers.adam({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }), theirs: () => tf.train.adam(0.02, 0.8, 0.99, 1e-3) },
  { name: 'adadelta', ours: () => optimizers.adadelta({ learningRate: 1 }), theirs: () => tf.train.adadelta(1) },
  { name: 'rmsprop', ours: () => optimizers.rmsprop({ learningRate: 0.01 }), theirs: () => tf.train.rmsprop(0.01) },
  { name: 'rmsprop momentum', ours: () => optimizers.rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.9 }), theirs: () => tf.train.rmsprop(0.01, 0.8, 0.9) },
  // TF.js's centered denominator is ms - mg² - ε, ours (Keras's) ms - mg² + ε: with |g| ≥ 0.1 the
  // variance term is ≥ ~1e-3, so the two differ by ≤ ~1e-4 relative per step: atol 2e-5 on values ~1.
  { name: 'rmsprop centered', ours: () => optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true }), theirs: () => tf.train.rmsprop(0.01, 0.9, 0.5, undefined, true), tfAtol: 2e-5 },
  { name: 'rmsprop centered, no momentum', ours: () => optimizers.rmsprop({ learningRate: 0.01, centered: true }), theirs: () => tf.train.rmsprop(0.01, 0.9, 0, undefined, true), tfAtol: 2e-5 },
  { name: 'adagrad', ours: () => optimizers.adagrad({ learningRate: 0.1 }), theirs: () => tf.train.adagrad(0.1) },
];

describe('optimizers', () => {
  it.each(cases)(`$name: ${STEPS} steps on params [1], [7], [1031] match the float64 rule and TF.js`, async ({ ours, theirs, tfAtol = 2e-6 }) => {
    const opt = ours();
    const tfOpt = theirs();
    const inits = shapes.map(([n], k) => uniform(n, 100 + k));
    const values = inits.map((v, k) => tensor(v, shapes[k]));
    const refs = inits.map((v) => Float64Array.from(v));
    const states: RefState[] = inits.map(() => ({ t: 0, slots: {} }));
    const vars = inits.map((v) => tf.variable(tf.tensor(v)));
    for (let step = 0; step < STEPS; step++) {
      const grads = inits.map((v, k) => gradient(v.length, 1000 * step + k));
      opt.apply(values.map((value, k) => ({ value, grad: tensor(grads[k], shapes[k]) })));
      refs.forEach((x, k) => stepRef(opt.name as Rule, opt.config, x, grads[k], states[k]));
      tfOpt.applyGradients(vars.map((v, k) => ({ name: v.name, tensor: tf.tensor(grads[k]) })));
    }
    expect(opt.iterations).toBe(STEPS);
    for (let k = 0; k < shapes.length; k++) {
      const got = await values[k].data();
      expectClose(got, refs[k], { atol: 2e-6, rtol: 2e-6 }, `${opt.name} param ${k} vs float64`);
      expectClose(got, vars[k].dataSync(), { atol: tfAtol, rtol: 2e-6 }, `${opt.name} param ${k} vs TF.js`);
    }
    opt.dispose();
    tfOpt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('creates slots on the first step only, and dispose frees them', async () => {
    const before = memory().numTensors;
    const opt = optimizers.rmsprop({ momentum: 0.9, centered: true });
    const value = tensor(uniform(7, 1));
    const grad = tensor(gradient(7, 2));
    opt.apply([{ value, grad }]);
    const afterFirst = memory();
    for (let i = 0; i < 3; i++) opt.apply([{ value, grad }]);
    expect(memory()).toEqual(afterFirst);
    // ms, mom and mg stacked in one [3, 7] tensor, and the learning-rate buffer
    expect(afterFirst.numTensors - before).toBe(4);
    opt.dispose();
    expect(memory().numTensors - before).toBe(2);
    await value.data();
  });

  it('adam: the step count lives on the GPU, and a set `iterations` restarts its bias correction there', async () => {
    const opt = optimizers.adam({ learningRate: 0.05 });
    const init = uniform(7, 3);
    const value = tensor(init);
    const ref = Float64Array.from(init);
    const state: RefState = { t: 0, slots: {} };
    const step = (seed: number) => {
      const g = gradient(7, seed);
      opt.apply([{ value, grad: tensor(g) }]);
      stepRef('adam', opt.config, ref, g, state);
    };
    opt.iterations = 3;
    state.t = 3;
    step(1);
    step(2);
    expect(opt.iterations).toBe(5);
    opt.iterations = 0;
    state.t = 0;
    step(3);
    expectClose(await value.data(), ref, { atol: 2e-6, rtol: 2e-6 }, 'adam after iterations were set');
  });

  it.each(Object.keys(optimizers) as OptimizerName[])('%s: a NaN gradient makes that element NaN only', async (name) => {
    const opt = getOptimizer(name);
    const value = tensor([0.5, 0.5, 0.5]);
    opt.apply([{ value, grad: tensor([0.2, NaN, -0.2]) }]);
    const got = await value.data();
    expect(Number.isNaN(got[1]) && Number.isFinite(got[0]) && Number.isFinite(got[2])).toBe(true);
  });

  it('centered rmsprop stays finite on a zero gradient (TF.js 4.22 gives NaN there)', async () => {
    const opt = optimizers.rmsprop({ centered: true });
    const value = tensor([0.5, 0.25]);
    opt.apply([{ value, grad: tensor([0, 0.3]) }]);
    expect((await value.data())[0]).toBe(0.5);
    const v = tf.variable(tf.tensor([0.5, 0.25]));
    const tfOpt = tf.train.rmsprop(0.001, 0.9, 0, undefined, true);
    tfOpt.applyGradients([{ name: v.name, tensor: tf.tensor([0, 0.3]) }]);
    expect(v.dataSync()[0]).toBeNaN();
  });
});

describe('getOptimizer', () => {
  it("gives Keras's defaults by name and passes an Optimizer through", () => {
    expect(getOptimizer('sgd').config).toEqual({ learningRate: 0.01, momentum: 0, nesterov: false });
    expect(getOptimizer('adam').config).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(getOptimizer('adadelta').config).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
    expect(getOptimizer('rmsprop').config).toEqual({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(getOptimizer('adagrad').config).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    const opt = optimizers.adam();
    expect(getOptimizer(opt)).toBe(opt);
    expect(getOptimizer('rmsprop').name).toBe('rmsprop');
  });

  it('rejects unknown names, non-finite settings and gradients of another size', () => {
    expect(() => getOptimizer('nadam' as OptimizerName)).toThrow("unknown optimizer 'nadam'; expected one of sgd, adam, adamw, adadelta, rmsprop, adagrad");
    expect(() => optimizers.adam({ learningRate: NaN })).toThrow(/adam: learningRate must be a finite number/);
    const value: Tensor = tensor(new Float32Array(6), [2, 3]);
    expect(() => getOptimizer('sgd').apply([{ value, grad: tensor(new Float32Array(5)) }])).toThrow(/sgd: parameter \[2,3\] \(float32\) and its gradient \[5\] \(float32\)/);
  });
});
