// One shared layer test (Keras's run_layer_test): build the layer on a symbolic input, check its
// output shape, compare forward with a float64 reference, and check backward (input gradient and
// every trainable weight's gradient) against central finite differences of that reference, on
// random inputs; in inference mode, or in training mode (`training: true`: what a training step
// runs, e.g. BatchNormalization with batch statistics).
import { expect } from 'vitest';
import { input } from '../src/graph.js';
import type { CallState, Layer } from '../src/layers/layer.js';
import { tensor, type Shape } from '../src/tensor.js';
import { rng, uniform, expectClose, type Tolerance } from './helpers.js';

export interface LayerCase {
  layer: Layer;
  /** Per-sample input shape. */
  inputShape: number[];
  batch: number;
  /** float64 forward: (x [batch, ...inputShape], weights in the layer's order) → y (row-major). */
  reference(x: Float64Array, weights: Float64Array[]): Float64Array;
  /** Forward tolerance; gradients get 10× of it. Default atol 1e-5, rtol 1e-4. */
  tol?: Tolerance;
  /** Finite-difference checks per tensor (default 6). */
  probes?: number;
  seed?: number;
  /** Run forward and backward as a training step does. Default false (inference). */
  training?: boolean;
  /** Called once the layer is built, before its weights are read (e.g. to set non-default ones). */
  afterBuild?(): void;
}

export async function runLayerTest(c: LayerCase): Promise<void> {
  const { layer, batch } = c;
  const tol = c.tol ?? { atol: 1e-5, rtol: 1e-4 };
  const seed = c.seed ?? 1;
  const out = layer.apply(input({ shape: c.inputShape }));
  c.afterBuild?.();
  const outShape = out.sampleShape;
  expect([...layer.computeOutputShape(c.inputShape)]).toEqual([...outShape]);

  const xShape: Shape = [batch, ...c.inputShape];
  const xHost = uniform(xShape.reduce((a, b) => a * b, 1), seed);
  const weights = (await layer.getWeights()).map((w) => Float64Array.from(w));
  const x = tensor(xHost, xShape);
  const state: CallState = { training: c.training ?? false, seed: 1, step: 0, saved: [] };
  const y = layer.forward(x, state);
  expect([...y.shape], `${layer.name}: output shape`).toEqual([batch, ...outShape]);
  const yRef = c.reference(Float64Array.from(xHost), weights);
  expectClose(await y.data(), yRef, tol, `${layer.name} forward`);

  // L = Σ y·dy, so dL/dx and dL/dW are what backward returns for upstream gradient dy.
  const dyHost = uniform(y.size, seed + 1);
  const loss = (xs: Float64Array, ws: Float64Array[]) => c.reference(xs, ws).reduce((s, v, i) => s + v * dyHost[i], 0);
  const dx = layer.backward(tensor(dyHost, y.shape), x, y, state, true);
  const gradTol = { atol: tol.atol * 10, rtol: tol.rtol * 10 };
  const probe = rng(seed + 2);
  const h = 1e-6;
  const check = (got: ArrayLike<number>, values: Float64Array, at: (v: Float64Array) => number, what: string) => {
    const idx = Array.from({ length: Math.min(c.probes ?? 6, values.length) }, () => Math.floor(probe() * values.length));
    const fd = idx.map((i) => {
      const plus = Float64Array.from(values);
      const minus = Float64Array.from(values);
      plus[i] += h;
      minus[i] -= h;
      return (at(plus) - at(minus)) / (2 * h);
    });
    expectClose(idx.map((i) => got[i]), fd, gradTol, what);
  };
  const x64 = Float64Array.from(xHost);
  check(await dx!.data(), x64, (v) => loss(v, weights), `${layer.name} dL/dx`);
  for (const [k, w] of layer.weights.entries()) {
    // State the optimizer never moves (BatchNormalization's moving averages) gets no gradient.
    if (!w.trainable) {
      expect(w.grad, `${w.name} is not trainable and gets no gradient`).toBeNull();
      continue;
    }
    expect(w.grad, `${w.name} has a gradient`).not.toBeNull();
    check(await w.grad!.data(), weights[k], (v) => loss(x64, weights.map((u, j) => (j === k ? v : u))), `${w.name} gradient`);
    w.grad!.dispose();
    w.grad = null;
  }
}
