// After a refused input, the library must still work: a small model trains and its weights match a
// float64 reference of the same steps. Shared by the untrusted-input test files.
import { expect } from 'vitest';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { dense } from '../src/layers/dense.js';
import { optimizers } from '../src/optimizers.js';
import { memory } from '../src/tensor.js';
import { expectClose, uniform } from './helpers.js';

const N = 8;
const F = 3;
const LR = 0.1;
const STEPS = 4;

/** Full-batch gradient descent on MSE for y = x·w + b, in float64: the weights after `STEPS` steps. */
function referenceWeights(x: Float32Array, y: Float32Array): number[] {
  const w = new Array<number>(F).fill(0);
  let b = 0;
  for (let s = 0; s < STEPS; s++) {
    const gw = new Array<number>(F).fill(0);
    let gb = 0;
    for (let i = 0; i < N; i++) {
      let pred = b;
      for (let j = 0; j < F; j++) pred += x[i * F + j] * w[j];
      const d = (2 * (pred - y[i])) / N;
      for (let j = 0; j < F; j++) gw[j] += d * x[i * F + j];
      gb += d;
    }
    for (let j = 0; j < F; j++) w[j] -= LR * gw[j];
    b -= LR * gb;
  }
  return [...w, b];
}

/** Trains a linear model for a few SGD steps and checks its weights against the float64 reference; leaves no tensors. */
export async function expectTrainsCorrectly(): Promise<void> {
  const x = uniform(N * F, 7);
  const y = Float32Array.from({ length: N }, (_, i) => x[i * F] - 2 * x[i * F + 1] + 0.5 * x[i * F + 2] + 0.3);
  const before = memory().numTensors;
  const inp = input({ shape: [F] });
  const m = new Model({ inputs: inp, outputs: dense({ units: 1, kernelInitializer: 'zeros', biasInitializer: 'zeros' }).apply(inp) });
  m.compile({ optimizer: optimizers.sgd({ learningRate: LR }), loss: 'meanSquaredError' });
  const history = await m.fit({ data: x, shape: [N, F] }, { data: y, shape: [N, 1] }, { epochs: STEPS, batchSize: N, shuffle: false, verbose: 0 });
  const losses = history.history.loss;
  expect(losses[STEPS - 1]).toBeLessThan(losses[0]);
  const [kernel, bias] = await m.getWeights();
  expectClose([...kernel, ...bias], referenceWeights(x, y), { atol: 1e-5, rtol: 1e-5 }, 'weights after training');
  for (const w of m.weights) w.value.dispose();
  m.optimizer?.dispose();
  // Weights and optimizer state disposed: the run left nothing behind.
  expect(memory().numTensors).toBe(before);
}
