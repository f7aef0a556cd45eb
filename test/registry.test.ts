// Each built-in layer saves and loads itself through the registry (getConfig → model.json →
// fromConfig) with the same config and the same predictions; a user's registered Layer subclass
// does too, and an unregistered one names the class and how to register it.
import { beforeAll, describe, expect, it } from 'vitest';
import { input, layers, model, registerLayer, type Model } from '../src/index.js';
import { BUILTIN_LAYERS } from '../src/layers/index.js';
import { modelArtifacts, modelFromTopology } from '../src/io/serialization.js';
import type { Layer } from '../src/layers/layer.js';
import { setup, uniform, expectClose } from './helpers.js';

beforeAll(setup);

async function roundTrip(m: Model): Promise<Model> {
  const artifacts = await modelArtifacts(m);
  const back = modelFromTopology(JSON.parse(JSON.stringify(artifacts.modelTopology)));
  back.setWeights(await m.getWeights());
  return back;
}

async function expectSame(m: Model, back: Model): Promise<void> {
  expect(back.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
  back.layers.forEach((l, i) => expect(l.getConfig(), `${l.className} config`).toEqual(m.layers[i].getConfig()));
  const shape = [2, ...m.inputShape];
  const x = { data: uniform(shape.reduce((a, b) => a * b, 1), 3, 0.1, 0.9), shape };
  const [a, b] = [await m.predict(x), await back.predict(x)];
  expectClose(await b.data(), await a.data(), { atol: 1e-6, rtol: 1e-5 }, `${m.layers[1].className} predictions`);
}

const CASES: [number[], () => Layer][] = [
  [[6], () => layers.dense({ units: 3, activation: 'tanh', kernelRegularizer: { l2: 0.01 } })],
  [[6, 6, 2], () => layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })],
  [[4, 4, 2], () => layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1 })],
  [[6, 6, 2], () => layers.maxPooling2d({ poolSize: 2 })],
  [[6, 6, 2], () => layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' })],
  [[3, 3, 2], () => layers.upSampling2d({ size: [2, 3] })],
  [[3, 3, 2], () => layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' })],
  [[3, 3, 2], () => layers.flatten()],
  [[12], () => layers.reshape({ targetShape: [3, 4] })],
  [[5], () => layers.activation({ activation: 'elu' })],
  [[5], () => layers.gaussianNoise({ stddev: 0.2 })],
  [[5], () => layers.dropout({ rate: 0.3 })],
  [[4, 4, 3], () => layers.batchNormalization({ momentum: 0.9, epsilon: 0.01 })],
  [[4, 3], () => layers.layerNormalization()],
  [[5], () => layers.reLU({ maxValue: 6 })],
  [[5], () => layers.leakyReLU({ alpha: 0.2 })],
  [[5], () => layers.elu({ alpha: 0.5 })],
  [[5], () => layers.softmax()],
  [[4, 4, 2], () => layers.globalAveragePooling2d()],
  [[4, 4, 2], () => layers.globalMaxPooling2d()],
  [[4, 4, 2], () => layers.zeroPadding2d({ padding: [1, 2] })],
  [[6, 6, 2], () => layers.cropping2d({ cropping: [[1, 0], [0, 2]] })],
  [[8, 2], () => layers.conv1d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })],
  [[8, 2], () => layers.maxPooling1d({ poolSize: 2 })],
  [[8, 2], () => layers.averagePooling1d({ poolSize: 2 })],
  [[4, 2], () => layers.upSampling1d({ size: 2 })],
  [[5], () => layers.repeatVector({ n: 3 })],
  [[2, 3, 4], () => layers.permute({ dims: [3, 1, 2] })],
];

describe('every built-in layer saves and loads itself', () => {
  for (const [shape, make] of CASES) {
    const name = make().className;
    it(name, async () => {
      const x = input({ shape });
      const m = model({ inputs: x, outputs: make().apply(x) });
      await expectSame(m, await roundTrip(m));
    });
  }

  it('the merge layers, in a graph', async () => {
    const a = input({ shape: [4] });
    const b = input({ shape: [4] });
    const merged = [layers.add(), layers.subtract(), layers.multiply(), layers.average(), layers.maximum(), layers.minimum()].map((l) => l.apply([a, b]));
    const out = layers.concatenate({ axis: -1 }).apply(merged);
    const m = model({ inputs: [a, b], outputs: out });
    const back = await roundTrip(m);
    expect(back.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
    const xa = { data: uniform(8, 1), shape: [2, 4] };
    const xb = { data: uniform(8, 2), shape: [2, 4] };
    const [p, q] = [await m.predict([xa, xb]), await back.predict([xa, xb])];
    expectClose(await q.data(), await p.data(), { atol: 1e-6, rtol: 1e-5 }, 'merged predictions');
  });

  it('lists every class the registry knows in BUILTIN_LAYERS once', () => {
    const names = BUILTIN_LAYERS.map((c) => c.className);
    expect(new Set(names).size).toBe(names.length);
    for (const [, make] of CASES) expect(names).toContain(make().className);
  });
});

describe("a user's Layer subclass", () => {
  class Scale extends layers.Layer {
    static override readonly className = 'Scale';
    readonly factor: number;
    constructor(config: { factor: number; name?: string }) {
      super({ name: config.name });
      this.factor = config.factor;
    }
    computeOutputShape(s: number[]) {
      return s;
    }
    override getConfig() {
      return { factor: this.factor, ...super.getConfig() };
    }
  }

  it('loads once registered, and an unregistered class says how to register it', async () => {
    const x = input({ shape: [3] });
    const m = model({ inputs: x, outputs: new Scale({ factor: 2 }).apply(layers.dense({ units: 3 }).apply(x)) });
    const topology = JSON.parse(JSON.stringify((await modelArtifacts(m)).modelTopology));
    expect(() => modelFromTopology(topology)).toThrow(/unknown layer class 'Scale' for layer 'scale(_\d+)?' \(Scale\); .* A custom layer class loads once registered: registerLayer\(Scale\) before loading/);
    registerLayer(Scale);
    const back = modelFromTopology(topology);
    expect(back.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Scale']);
    expect((back.layers[2] as Scale).factor).toBe(2);
    expect(() => registerLayer(class extends Scale {} as never)).toThrow("registerLayer: another class is already registered as 'Scale'");
    expect(() => registerLayer({ className: '__proto__x y', fromConfig: () => null } as never)).toThrow('registerLayer: the class needs a static className');
  });
});
