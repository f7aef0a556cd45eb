// Merge layers through the shared float64 harness (forward, finite-difference gradients for every
// input), and their shape rules and errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { input } from '../src/graph.js';
import * as layers from '../src/layers/index.js';
import { runLayerTest } from './layer_harness.js';
import { setup } from './helpers.js';

beforeAll(setup);

/** Elementwise fold over inputs of [batch, ...shape] with per-sample broadcasting (size-1 axes repeat). */
function fold(xs: Float64Array[], shapes: number[][], batch: number, outShape: number[], f: (a: number, b: number) => number): Float64Array {
  const full = [batch, ...outShape];
  const n = full.reduce((a, b) => a * b, 1);
  const at = (x: Float64Array, shape: number[], flat: number) => {
    const s = [batch, ...shape];
    let idx = 0;
    let rest = flat;
    const coords = full.map((d) => 0 * d);
    for (let k = full.length - 1; k >= 0; k--) {
      coords[k] = rest % full[k];
      rest = Math.floor(rest / full[k]);
    }
    for (let k = 0; k < s.length; k++) idx = idx * s[k] + (s[k] === 1 ? 0 : coords[k]);
    return x[idx];
  };
  return Float64Array.from({ length: n }, (_, i) => xs.slice(1).reduce((acc, x, j) => f(acc, at(x, shapes[j + 1], i)), at(xs[0], shapes[0], i)));
}

describe('merge layers: float64 forward and finite-difference gradients', () => {
  const batch = 3;
  const cases: [string, () => layers.Layer, number[][], number[], (a: number, b: number) => number, ((y: number, n: number) => number)?][] = [
    ['add, 3 inputs', () => layers.add(), [[2, 3], [2, 3], [2, 3]], [2, 3], (a, b) => a + b],
    ['add, broadcast [4,3] + [1,3]', () => layers.add(), [[4, 3], [1, 3]], [4, 3], (a, b) => a + b],
    ['subtract', () => layers.subtract(), [[5], [5]], [5], (a, b) => a - b],
    ['multiply, 3 inputs', () => layers.multiply(), [[2, 2, 3], [2, 2, 3], [2, 2, 3]], [2, 2, 3], (a, b) => a * b],
    ['average, 3 inputs', () => layers.average(), [[7], [7], [7]], [7], (a, b) => a + b, (y, n) => y / n],
    ['maximum', () => layers.maximum(), [[6], [6], [6]], [6], Math.max],
    ['minimum', () => layers.minimum(), [[2, 5], [2, 5]], [2, 5], Math.min],
  ];
  for (const [what, make, shapes, outShape, f, post] of cases) {
    it(what, async () => {
      await runLayerTest({
        layer: make(),
        inputShape: shapes,
        batch,
        reference: (xs) => {
          const y = fold(xs, shapes, batch, outShape, f);
          return post ? y.map((v) => post(v, shapes.length)) : y;
        },
      });
    });
  }

  it('concatenate on the last axis and on axis 1', async () => {
    const joinLast = (a: Float64Array, b: Float64Array, ca: number, cb: number) => {
      const rows = a.length / ca;
      const y = new Float64Array(rows * (ca + cb));
      for (let r = 0; r < rows; r++) {
        y.set(a.subarray(r * ca, (r + 1) * ca), r * (ca + cb));
        y.set(b.subarray(r * cb, (r + 1) * cb), r * (ca + cb) + ca);
      }
      return y;
    };
    await runLayerTest({ layer: layers.concatenate({ axis: -1 }), inputShape: [[2, 2, 3], [2, 2, 1]], batch, reference: (xs) => joinLast(xs[0], xs[1], 3, 1) });
    // Axis 1 of [batch, 3, 2] and [batch, 1, 2]: each sample's rows joined.
    await runLayerTest({ layer: layers.concatenate({ axis: 1 }), inputShape: [[3, 2], [1, 2]], batch, reference: (xs) => joinLast(xs[0], xs[1], 6, 2) });
  });
});

describe('merge layers: shapes and bad input', () => {
  it('names the layer and every input shape when shapes do not merge', () => {
    const a = input({ shape: [4, 3] });
    const b = input({ shape: [4, 2] });
    expect(() => layers.add({ name: 'join' }).apply([a, b])).toThrow("layer 'join' (Add) cannot merge input shapes [4,3], [4,2]: every axis must have equal sizes or size 1");
    expect(() => layers.concatenate({ name: 'cat', axis: 1 }).apply([a, b])).toThrow("layer 'cat' (Concatenate) cannot join input shapes [4,3], [4,2]: all axes but the concatenation axis (1) must match");
    expect(() => layers.concatenate({ name: 'cat2', axis: 3 }).apply([a, b])).toThrow("layer 'cat2' (Concatenate) cannot join input shapes [4,3], [4,2]: axis 3 is not a feature axis of inputs of rank 3 (batch included)");
    expect(() => layers.subtract({ name: 'diff' }).apply([a, a, a])).toThrow("layer 'diff' (Subtract) cannot merge input shapes [4,3], [4,3], [4,3]: Subtract takes exactly 2 tensors, got 3");
    expect(() => layers.add({ name: 'one' }).apply([a])).toThrow('a merge layer takes a list of at least 2 tensors');
  });

  it('a tensor given to a merge layer and a list given to a one-input layer are errors', () => {
    const a = input({ shape: [4] });
    expect(() => layers.add({ name: 'sum' }).apply(a)).toThrow("layer 'sum' (Add) takes a list of tensors, e.g. add.apply([a, b]); got one tensor");
    expect(() => layers.dense({ units: 2, name: 'd' }).apply([a, a])).toThrow("layer 'd' (Dense) takes one tensor, got a list of 2");
    expect(() => layers.dense({ units: 2, name: 'd2' }).apply([a, 3] as never)).toThrow("layer 'd2' (Dense) takes one tensor, got a list of 2");
    expect(() => layers.add({ name: 'sum2' }).apply([a, 3] as never)).toThrow("layer 'sum2' (Add).apply() takes symbolic tensors from input() or another layer's apply(), got number");
  });

  it('output shapes follow Keras: broadcast merges and concatenation', () => {
    const a = input({ shape: [4, 3] });
    const b = input({ shape: [1, 3] });
    expect(layers.multiply().apply([a, b]).sampleShape).toEqual([4, 3]);
    expect(layers.concatenate().apply([a, a]).sampleShape).toEqual([4, 6]);
    expect(layers.concatenate({ axis: 1 }).apply([a, b]).sampleShape).toEqual([5, 3]);
  });
});
