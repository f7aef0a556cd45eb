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
  /** Per-sample input shape; a list of shapes for a layer that takes a list (merges). */
  inputShape: number[] | number[][];
  batch: number;
  /**
   * float64 forward: (x [batch, ...inputShape] — one array per input for a list —, weights in the
   * layer's order) → y (row-major).
   */
  reference(x: Float64Array & Float64Array[], weights: Float64Array[]): Float64Array;
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
  const list = Array.isArray(c.inputShape[0]);
  const shapes = (list ? c.inputShape : [c.inputShape]) as number[][];
  const symbolic = shapes.map((shape) => input({ shape }));
  const out = layer.apply(list ? symbolic : symbolic[0]);
  c.afterBuild?.();
  const outShape = out.sampleShape;
  expect([...(layer.computeOutputShape(list ? shapes : shapes[0]) as Shape)]).toEqual([...outShape]);

  const xHosts = shapes.map((shape, i) => uniform([batch, ...shape].reduce((a, b) => a * b, 1), seed + 10 * i));
  const weights = (await layer.getWeights()).map((w) => Float64Array.from(w));
  const xs = xHosts.map((h, i) => tensor(h, [batch, ...shapes[i]]));
  const state: CallState = { training: c.training ?? false, seed: 1, step: 0, saved: [] };
  const [y] = layer.run(xs, state);
  expect([...y.shape], `${layer.name}: output shape`).toEqual([batch, ...outShape]);
  const reference = (x64s: Float64Array[], ws: Float64Array[]) => c.reference((list ? x64s : x64s[0]) as Float64Array & Float64Array[], ws);
  const x64s = xHosts.map((h) => Float64Array.from(h));
  expectClose(await y.data(), reference(x64s, weights), tol, `${layer.name} forward`);

  // L = Σ y·dy, so dL/dx and dL/dW are what backward returns for upstream gradient dy.
  const dyHost = uniform(y.size, seed + 1);
  const loss = (inputs: Float64Array[], ws: Float64Array[]) => reference(inputs, ws).reduce((s, v, i) => s + v * dyHost[i], 0);
  const dxs = layer.runBackward([tensor(dyHost, y.shape)], xs, [y], state, xs.map(() => true));
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
  for (const [i, dx] of dxs.entries()) {
    expect(dx, `${layer.name} gives a gradient for input ${i}`).not.toBeNull();
    check(await dx!.data(), x64s[i], (v) => loss(x64s.map((u, j) => (j === i ? v : u)), weights), `${layer.name} dL/dx${list ? i : ''}`);
  }
  for (const [k, w] of layer.weights.entries()) {
    // State the optimizer never moves (BatchNormalization's moving averages) gets no gradient.
    if (!w.trainable) {
      expect(w.grad, `${w.name} is not trainable and gets no gradient`).toBeNull();
      continue;
    }
    expect(w.grad, `${w.name} has a gradient`).not.toBeNull();
    check(await w.grad!.data(), weights[k], (v) => loss(x64s, weights.map((u, j) => (j === k ? v : u))), `${w.name} gradient`);
    w.grad!.dispose();
    w.grad = null;
  }
}
