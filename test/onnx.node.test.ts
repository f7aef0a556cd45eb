// ONNX export judged by ONNX Runtime (onnxruntime-node, CPU): every layer and the seed examples are
// exported, run in ONNX Runtime on the same NHWC input wgslnet predicts on, and must agree to 1e-5
// relative. Then the file is imported back and must predict the same, and train one step like the original.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as layers from '../src/layers/index.js';
import { input, type SymbolicTensor } from '../src/graph.js';
import { Model, sequential } from '../src/model.js';
import { examples, type ExampleName } from '../src/examples.js';
import { toOnnx } from '../src/io/onnx/export.js';
import { decodeModel, encodeModel } from '../src/io/onnx/schema.js';
import { modelFromTopology, modelTopology } from '../src/io/serialization.js';
import { loadOnnx } from '../src/io/index.js';
import { optimizers, type Optimizer } from '../src/optimizers.js';
import type { Layer } from '../src/layers/layer.js';
import { expectClose, setup, uniform } from './helpers.js';

beforeAll(setup);

const TOLERANCE = { atol: 1e-6, rtol: 1e-5 };

/** ONNX Runtime's output for one NHWC batch. */
export async function ortPredict(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, shape) });
    return result[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

async function wgslnetPredict(m: Model, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const y = await m.predict({ data: x, shape });
  const values = (await y.data()) as Float32Array;
  y.dispose();
  return values;
}

function chainModel(inputShape: number[], ...ls: Layer[]): Model {
  const x = input({ shape: inputShape });
  let y: SymbolicTensor = x;
  for (const l of ls) y = l.apply(y);
  return new Model({ inputs: x, outputs: y });
}

/** Exports m and checks ONNX Runtime against wgslnet on a random batch; returns the file. */
async function expectOrtAgrees(m: Model, batch = 2, seed = 1): Promise<Uint8Array> {
  const shape = [batch, ...m.inputShape];
  const x = uniform(shape.reduce((a, b) => a * b), seed);
  const bytes = await toOnnx(m);
  const expected = await wgslnetPredict(m, x, shape);
  const actual = await ortPredict(bytes, x, shape);
  expectClose(actual, expected, TOLERANCE, `ONNX Runtime vs wgslnet (${m.name})`);
  return bytes;
}

/** A fresh optimizer like `o` (same kind, same hyper-parameters, no state). */
function twin(o: Optimizer): Optimizer {
  return (optimizers as Record<string, (c: object) => Optimizer>)[o.name]({ ...o.config });
}

/** Whether the layers format (the metadata's) can rebuild m; the serializer does not know every layer yet. */
function describable(m: Model): boolean {
  try {
    const rebuilt = modelFromTopology(modelTopology(m));
    rebuilt.dispose();
    return true;
  } catch {
    return false;
  }
}

/** One training step of `target` (compiled like `m`) must give m's loss and weights after its step. */
async function expectSameStep(target: Model, m: Model, xs: HostData, y: HostData, after: { loss: number; weights: Float32Array[] }, what: string): Promise<void> {
  target.compile({ optimizer: twin(m.optimizer!), loss: m.loss! });
  expectClose([(await target.trainOnBatch(xs, y)) as number], [after.loss], TOLERANCE, `loss of the step (${what})`);
  const weights = await target.getWeights();
  expect(weights.length).toBe(after.weights.length);
  after.weights.forEach((w, i) => expectClose(weights[i], w, TOLERANCE, `weight ${i} after one step (${what})`));
}

type HostData = { data: Float32Array; shape: number[] };

/**
 * Export, ONNX Runtime, import back (with toOnnx's Keras-topology metadata, and from the graph
 * alone), predict again, then one training step on the original and on the imported models from
 * the same weights: losses and weights after it must agree. `graphTrains: false` where the graph
 * alone cannot train like the original (noise, dropout, penalties are not ONNX).
 */
async function expectRoundTrip(m: Model, options: { batch?: number; seed?: number; graphTrains?: boolean } = {}): Promise<void> {
  const { batch = 2, seed = 1, graphTrains = true } = options;
  const shape = [batch, ...m.inputShape];
  const x = uniform(shape.reduce((a, b) => a * b), seed);
  const bytes = await expectOrtAgrees(m, batch, seed);
  const expected = await wgslnetPredict(m, x, shape);
  const proto = decodeModel(bytes);
  delete proto.metadata_props;
  const back = await loadOnnx(bytes);
  const graphOnly = await loadOnnx(encodeModel(proto));
  try {
    for (const [imported, what] of [[back, 'with metadata'], [graphOnly, 'graph alone']] as const) {
      expect(imported.inputShape).toEqual(m.inputShape);
      expect(imported.outputShape).toEqual(m.outputShape);
      expectClose(await wgslnetPredict(imported, x, shape), expected, TOLERANCE, `imported (${what}) vs original (${m.name})`);
    }
    // The metadata brought back every layer (noise and dropout included), not the graph's reading,
    // wherever the layers format can describe the model (else the graph's model is the one).
    const classes = (model: Model) => model.layers.map((l) => l.className);
    expect(classes(back)).toEqual(describable(m) ? classes(m) : classes(graphOnly));
    if (!m.optimizer) m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
    const yShape = [batch, ...m.outputShape];
    // Targets in (0, 1), which binary cross-entropy needs.
    const y = { data: uniform(yShape.reduce((a, b) => a * b), seed + 1, 0.05, 0.95), shape: yShape };
    const xs = { data: x, shape };
    const loss = (await m.trainOnBatch(xs, y)) as number;
    const after = { loss, weights: await m.getWeights() };
    await expectSameStep(back, m, xs, y, after, `${m.name}, with metadata`);
    if (graphTrains) await expectSameStep(graphOnly, m, xs, y, after, `${m.name}, graph alone`);
  } finally {
    back.dispose();
    graphOnly.dispose();
  }
}

/** Non-trivial gamma, beta and moving statistics for every BatchNormalization layer of m. */
function withBatchNormStats(m: Model): Model {
  m.layers.filter((l) => l.className === 'BatchNormalization').forEach((l, k) => {
    l.setWeights(l.weights.map((w, i) => {
      const n = w.value.size;
      return w.name.endsWith('moving_variance') ? uniform(n, 40 + k * 4 + i, 0.5, 2) : uniform(n, 40 + k * 4 + i, -0.5, 0.5);
    }));
  });
  return m;
}

const bias = { biasInitializer: 'randomNormal' as const };

/** One small model per layer and option that changes the ONNX written. */
const LAYER_CASES: [string, () => Model][] = [
  ['Dense relu', () => chainModel([7], layers.dense({ units: 5, activation: 'relu', ...bias }))],
  ['Dense without bias, linear', () => chainModel([4], layers.dense({ units: 3, useBias: false }))],
  ...(['sigmoid', 'tanh', 'elu', 'softplus', 'leakyRelu'] as const).map((a): [string, () => Model] => [`Dense ${a}`, () => chainModel([6], layers.dense({ units: 4, activation: a, ...bias }))]),
  ['Conv2D same 3×3', () => chainModel([5, 5, 2], layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', ...bias }))],
  ['Conv2D same, stride 2, even kernel (pad after only)', () => chainModel([7, 6, 3], layers.conv2d({ filters: 4, kernelSize: [4, 2], strides: 2, padding: 'same', ...bias }))],
  ['Conv2D valid, stride 2', () => chainModel([8, 7, 3], layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, activation: 'tanh', ...bias }))],
  ['Conv2DTranspose same, stride 2', () => chainModel([4, 3, 2], layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', ...bias }))],
  ['Conv2DTranspose valid, stride 2', () => chainModel([3, 4, 2], layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, activation: 'sigmoid', ...bias }))],
  ['Conv2DTranspose kernel < stride (output_padding)', () => chainModel([3, 3, 2], layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 3, padding: 'same', ...bias }))],
  ['Conv2DTranspose same, stride 2, outputPadding 0 (odd output)', () => chainModel([3, 4, 2], layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 0, ...bias }))],
  ['Conv2DTranspose valid, stride 3, outputPadding [1, 2]', () => chainModel([3, 2, 2], layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 3, outputPadding: [1, 2], ...bias }))],
  ['MaxPooling2D valid', () => chainModel([6, 5, 3], layers.maxPooling2d({ poolSize: 2 }))],
  ['MaxPooling2D same, odd size', () => chainModel([5, 7, 2], layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }))],
  ['AveragePooling2D same (unpadded count)', () => chainModel([5, 5, 2], layers.averagePooling2d({ poolSize: 2, padding: 'same' }))],
  ['UpSampling2D', () => chainModel([3, 2, 2], layers.upSampling2d({ size: [2, 3] }))],
  ['UpSampling2D bilinear (Resize linear, asymmetric)', () => chainModel([3, 4, 2], layers.conv2d({ filters: 2, kernelSize: 1, ...bias }), layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear' }))],
  ['Flatten of NHWC + Dense', () => chainModel([3, 2, 4], layers.conv2d({ filters: 3, kernelSize: 1, ...bias }), layers.flatten(), layers.dense({ units: 5, ...bias }))],
  ['Dense + Reshape to 3-D + Conv2D', () => chainModel([6], layers.dense({ units: 12, ...bias }), layers.reshape({ targetShape: [2, 3, 2] }), layers.conv2d({ filters: 2, kernelSize: 2, padding: 'same', ...bias }))],
  ['Dense + Reshape to 3-D as the output', () => chainModel([5], layers.dense({ units: 12, activation: 'tanh', ...bias }), layers.reshape({ targetShape: [3, 2, 2] }))],
  ['Conv2D + Flatten as the output (transposed first)', () => chainModel([3, 2, 4], layers.conv2d({ filters: 2, kernelSize: 1, ...bias }), layers.flatten())],
  ['Conv2D + Flatten + Reshape to 2-D (transposed first)', () => chainModel([2, 2, 3], layers.conv2d({ filters: 2, kernelSize: 1, ...bias }), layers.flatten(), layers.reshape({ targetShape: [4, 2] }))],
  ['BatchNormalization after Conv2D (channels)', () => withBatchNormStats(chainModel([4, 3, 3], layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', ...bias }), layers.batchNormalization({ epsilon: 0.01 })))],
  ['BatchNormalization of features, then relu', () => withBatchNormStats(chainModel([5], layers.dense({ units: 6, ...bias }), layers.batchNormalization({ momentum: 0.9 }), layers.activation({ activation: 'relu' })))],
  ['ReLU, ReLU(maxValue 6) and ReLU(maxValue 2.5) (Clip)', () => chainModel([6], layers.dense({ units: 8, ...bias }), layers.reLU(), layers.dense({ units: 8, ...bias }), layers.reLU({ maxValue: 6 }), layers.dense({ units: 4, ...bias }), layers.reLU({ maxValue: 0.25 }))],
  ['LeakyReLU(alpha 0.1), ELU(alpha 0.5) on 4-D', () => chainModel([3, 3, 2], layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', ...bias }), layers.leakyReLU({ alpha: 0.1 }), layers.elu({ alpha: 0.5 }))],
  ['Softmax layer on 4-D', () => chainModel([2, 2, 5], layers.softmax())],
  ['Dense relu6 and Dense softmax', () => chainModel([6], layers.dense({ units: 7, activation: 'relu6', ...bias }), layers.dense({ units: 4, activation: 'softmax', ...bias }))],
  ['GlobalAveragePooling2D and GlobalMaxPooling2D + Dense', () => chainModel([4, 5, 2], layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', ...bias }), layers.globalAveragePooling2d(), layers.dense({ units: 2, ...bias }))],
  ['GlobalMaxPooling2D as the output', () => chainModel([4, 3, 2], layers.conv2d({ filters: 3, kernelSize: 2, ...bias }), layers.globalMaxPooling2d())],
  ['Dense on 4-D input (last axis), then Conv2D', () => chainModel([3, 4, 2], layers.dense({ units: 5, activation: 'sigmoid', ...bias }), layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', ...bias }))],
  ['ZeroPadding2D then Conv2D valid', () => chainModel([3, 4, 2], layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }), layers.conv2d({ filters: 2, kernelSize: 3, ...bias }))],
  ['Cropping2D', () => chainModel([5, 6, 2], layers.conv2d({ filters: 2, kernelSize: 1, ...bias }), layers.cropping2d({ cropping: [[1, 0], [2, 1]] }))],
  ['Conv1D same → MaxPooling1D → Conv1D valid stride 2 → UpSampling1D → AveragePooling1D same', () => chainModel([12, 3],
    layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...bias }), layers.maxPooling1d({ poolSize: 2 }),
    layers.conv1d({ filters: 2, kernelSize: 2, strides: 2, ...bias }), layers.upSampling1d({ size: 3 }), layers.averagePooling1d({ poolSize: 2, strides: 1, padding: 'same' }))],
  ['Conv2D dilated [2, 3] same → Conv2D dilated 2 valid (dilations, pads of the dilated window)', () => chainModel([9, 8, 2],
    layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: [2, 3], padding: 'same', activation: 'relu', ...bias }), layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, ...bias }))],
  ['Conv1D dilated 2 same', () => chainModel([9, 3], layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', ...bias }))],
  ['Conv1D + softmax + Flatten + Dense', () => chainModel([6, 2], layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same', ...bias }), layers.activation({ activation: 'softmax' }), layers.flatten(), layers.dense({ units: 4, ...bias }))],
  ['Activation softmax on 4-D (channels)', () => chainModel([2, 3, 4], layers.activation({ activation: 'softmax' }))],
  ['Activation softmax on 2-D', () => chainModel([5], layers.activation({ activation: 'softmax' }))],
  ['Permute of an image [2, 1, 3] then Conv2D (one Transpose, NCHW to NCHW)', () => chainModel([3, 4, 2], layers.permute({ dims: [2, 1, 3] }), layers.conv2d({ filters: 2, kernelSize: 2, ...bias }))],
  ['Conv2D then Permute [3, 1, 2] (channels to rows) as the output', () => chainModel([3, 2, 2], layers.conv2d({ filters: 4, kernelSize: 1, ...bias }), layers.permute({ dims: [3, 1, 2] }))],
  ['Conv1D then Permute [2, 1] (a sequence channels first) then Dense', () => chainModel([5, 2], layers.conv1d({ filters: 3, kernelSize: 2, ...bias }), layers.permute({ dims: [2, 1] }), layers.dense({ units: 2, ...bias }))],
  ['Dense on [3, 4] then Permute [2, 1] then Dense', () => chainModel([3, 4], layers.dense({ units: 5, activation: 'tanh', ...bias }), layers.permute({ dims: [2, 1] }), layers.dense({ units: 2, ...bias }))],
  ['sequential() (its topology in the metadata is a Sequential)', () => sequential({ layers: [layers.conv2d({ inputShape: [4, 4, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', ...bias }), layers.flatten(), layers.dense({ units: 3, ...bias })] })],
  ['GaussianNoise and Dropout (identity)', () => chainModel([4], layers.gaussianNoise({ stddev: 0.5 }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 2, ...bias }))],
];

describe('export: ONNX Runtime agrees with wgslnet; import predicts and trains like the original', () => {
  it.each(LAYER_CASES)('%s', async (name, build) => {
    const m = build();
    try {
      // Noise and dropout are identities in the ONNX graph: only the metadata brings them back.
      await expectRoundTrip(m, { graphTrains: !name.startsWith('GaussianNoise') });
    } finally {
      m.dispose();
    }
  });

  it('writes opset 18, IR version 10, and an NHWC interface with a free batch dimension', async () => {
    const m = chainModel([4, 4, 3], layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }));
    const session = await ort.InferenceSession.create(await toOnnx(m));
    expect(session.inputNames).toHaveLength(1);
    await session.release();
    const { decodeModel } = await import('../src/io/onnx/schema.js');
    const proto = decodeModel(await toOnnx(m));
    expect(proto.opset_import).toEqual([{ domain: '', version: 18 }]);
    expect(proto.ir_version).toBe(10);
    const dims = proto.graph!.input![0].type!.tensor_type!.shape!.dim!;
    expect(dims).toEqual([{ dim_param: 'batch' }, { dim_value: 4 }, { dim_value: 4 }, { dim_value: 3 }]);
    // One Transpose in, one out, nothing else moves data around the convolution.
    expect(proto.graph!.node!.map((n) => n.op_type)).toEqual(['Transpose', 'Conv', 'Transpose']);
  });

  it('keeps transposes at the ends: Flatten before Dense and Dense before Reshape take the CHW order in their weights', async () => {
    const m = chainModel([4, 4, 2],
      layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), layers.flatten(), layers.dense({ units: 6, activation: 'relu' }),
      layers.dense({ units: 48 }), layers.reshape({ targetShape: [4, 4, 3] }), layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }));
    const { decodeModel } = await import('../src/io/onnx/schema.js');
    const ops = decodeModel(await toOnnx(m)).graph!.node!.map((n) => n.op_type);
    expect(ops).toEqual(['Transpose', 'Conv', 'Flatten', 'Gemm', 'Relu', 'Gemm', 'Reshape', 'Conv', 'Transpose']);
    await expectRoundTrip(m);
    m.dispose();
  });

  it('names a layer it cannot export', async () => {
    class Custom extends layers.Layer {
      static override readonly className = 'Custom';
      constructor() { super({ name: 'mine' }); }
      computeOutputShape(s: number[]) { return s; }
      forward(x: never) { return x; }
      backward(dy: never) { return dy; }
      getConfig() { return {}; }
    }
    await expect(toOnnx(chainModel([3], new Custom()))).rejects.toThrow(/layer 'mine' \(Custom\) has no ONNX export/);
  });
});

describe('the seed examples: export, ONNX Runtime, import, one training step', () => {
  const names = Object.keys(examples) as ExampleName[];
  it.each(names)('%s', async (name) => {
    const m = examples[name].build();
    try {
      // The sparse and contractive penalties (on the loss) are not ONNX: only the metadata brings them back.
      await expectRoundTrip(m, { seed: 7, graphTrains: name !== 'sparse' && name !== 'contractive' });
    } finally {
      m.dispose();
    }
  });
});
