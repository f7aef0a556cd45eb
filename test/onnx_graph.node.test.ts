// ONNX export of graphs, judged by ONNX Runtime (onnxruntime-node, CPU): merge layers (with
// broadcasting and concatenation along channels and rows), several inputs and outputs, and nested
// models, which the file inlines. ONNX Runtime must predict what wgslnet predicts, to 1e-5 relative.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';
import { Model, type AnyModel } from '../src/model.js';
import { toOnnx } from '../src/io/onnx/export.js';
import { decodeModel, encodeModel } from '../src/io/onnx/schema.js';
import { loadOnnx } from '../src/io/index.js';
import { optimizers } from '../src/optimizers.js';
import type { Tensor } from '../src/tensor.js';
import { expectClose, setup, uniform } from './helpers.js';

beforeAll(setup);

const TOLERANCE = { atol: 1e-6, rtol: 1e-5 };
const bias = { biasInitializer: 'randomNormal' as const };

type HostData = { data: Float32Array; shape: number[] };

/** One random batch per model input. */
function batchFor(m: AnyModel, batch: number, seed: number): HostData[] {
  return m.inputs.map((t, i) => {
    const shape = [batch, ...t.sampleShape];
    return { data: uniform(shape.reduce((a, b) => a * b), seed + i), shape };
  });
}

async function wgslnetPredict(m: AnyModel, xs: HostData[]): Promise<Float32Array[]> {
  const ys = await m.predict(xs);
  const list: Tensor<'float32'>[] = Array.isArray(ys) ? ys : [ys];
  const values: Float32Array[] = [];
  for (const y of list) {
    values.push((await y.data()) as Float32Array);
    y.dispose();
  }
  return values;
}

/** ONNX Runtime's outputs, in the graph's output order, for the inputs in the graph's input order. */
async function ortPredict(bytes: Uint8Array, xs: HostData[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, new ort.Tensor('float32', xs[i].data, xs[i].shape)]));
    const result = await session.run(feeds);
    return session.outputNames.map((name) => result[name].data as Float32Array);
  } finally {
    await session.release();
  }
}

async function expectOrtAgrees(m: AnyModel, batch = 2, seed = 3): Promise<Uint8Array> {
  const xs = batchFor(m, batch, seed);
  const bytes = await toOnnx(m);
  const expected = await wgslnetPredict(m, xs);
  const actual = await ortPredict(bytes, xs);
  expect(actual).toHaveLength(expected.length);
  actual.forEach((y, i) => expectClose(y, expected[i], TOLERANCE, `ONNX Runtime vs wgslnet, output ${i} (${m.name})`));
  return bytes;
}

/** One sgd step on (xs, ys): the loss and the weights after it. */
async function step(m: AnyModel, xs: HostData[], ys: HostData[]): Promise<{ loss: number[]; weights: Float32Array[] }> {
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
  // Several outputs: the total, then each output's loss.
  const loss = [await m.trainOnBatch(xs, ys)].flat() as number[];
  return { loss, weights: await m.getWeights() };
}

/**
 * Export and ONNX Runtime, then import back (with toOnnx's Keras-topology metadata, and from the
 * graph alone): the same inputs, outputs and predictions, and one training step from the same
 * weights gives the same loss and weights. With the metadata, the original's layers come back.
 */
async function expectRoundTrip(m: AnyModel, batch = 2, seed = 3): Promise<void> {
  const bytes = await expectOrtAgrees(m, batch, seed);
  const xs = batchFor(m, batch, seed);
  const expected = await wgslnetPredict(m, xs);
  const proto = decodeModel(bytes);
  delete proto.metadata_props;
  const back = await loadOnnx(bytes);
  const graphOnly = await loadOnnx(encodeModel(proto));
  try {
    for (const [imported, what] of [[back, 'with metadata'], [graphOnly, 'graph alone']] as const) {
      expect(imported.inputs.map((t) => t.sampleShape)).toEqual(m.inputs.map((t) => t.sampleShape));
      expect(imported.outputs.map((t) => t.sampleShape)).toEqual(m.outputs.map((t) => t.sampleShape));
      const ys = await wgslnetPredict(imported, xs);
      ys.forEach((y, i) => expectClose(y, expected[i], TOLERANCE, `imported (${what}) vs original, output ${i} (${m.name})`));
    }
    expect(back.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
    const targets = m.outputs.map((t, i) => {
      const shape = [batch, ...t.sampleShape];
      return { data: uniform(shape.reduce((a, b) => a * b), seed + 10 + i, 0.05, 0.95), shape };
    });
    const after = await step(m, xs, targets);
    for (const [imported, what] of [[back, 'with metadata'], [graphOnly, 'graph alone']] as const) {
      const got = await step(imported, xs, targets);
      expectClose(got.loss, after.loss, TOLERANCE, `loss of the step (${m.name}, ${what})`);
      expect(got.weights).toHaveLength(after.weights.length);
      // The graph's model may order its layers differently: weights are compared as a multiset by size, then exactly.
      const order = (ws: Float32Array[]) => [...ws].sort((a, b) => a.length - b.length || a[0] - b[0]);
      const [g, a] = [order(got.weights), order(after.weights)];
      g.forEach((w, i) => expectClose(w, a[i], TOLERANCE, `weight after one step (${m.name}, ${what})`));
    }
  } finally {
    back.dispose();
    graphOnly.dispose();
  }
}

/** A small U-Net: two convolutions down, pooling, upsampling, the skip joined along the channels. */
function uNet(): AnyModel {
  const x = input({ shape: [8, 8, 2] });
  const c1 = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...bias }).apply(x);
  const p1 = layers.maxPooling2d({ poolSize: 2 }).apply(c1);
  const c2 = layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', ...bias }).apply(p1);
  const u1 = layers.upSampling2d({ size: [2, 2] }).apply(c2);
  const joined = layers.concatenate().apply([u1, c1]);
  const c3 = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', ...bias }).apply(joined);
  const y = layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', ...bias }).apply(c3);
  return new Model({ inputs: x, outputs: y, name: 'unet' });
}

/** A residual block on features: x + dense(dense(x)), then a head. */
function residual(): AnyModel {
  const x = input({ shape: [6] });
  const h = layers.dense({ units: 8, activation: 'relu', ...bias }).apply(x);
  const r = layers.dense({ units: 6, ...bias }).apply(h);
  const s = layers.add().apply([x, r]);
  const y = layers.dense({ units: 3, activation: 'tanh', ...bias }).apply(s);
  return new Model({ inputs: x, outputs: y, name: 'residual' });
}

/**
 * Two inputs (an image and a per-channel gain broadcast over it), two outputs, every merge:
 * multiply (broadcast), maximum, minimum, subtract, a three-way add (Sum) and average (Mean),
 * a concatenation along the rows (NHWC axis 1, NCHW axis 2), and a tensor read by several nodes.
 */
function twoInTwoOut(): AnyModel {
  const image = input({ shape: [4, 4, 3], name: 'image' });
  const gain = input({ shape: [1, 1, 3], name: 'gain' });
  const scaled = layers.multiply().apply([image, gain]);
  const hi = layers.maximum().apply([image, scaled]);
  const lo = layers.minimum().apply([image, scaled]);
  const spread = layers.subtract().apply([hi, lo]);
  const sum = layers.add().apply([image, scaled, spread]);
  const mean = layers.average().apply([sum, hi, lo]);
  const map = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', ...bias }).apply(mean);
  const rows = layers.concatenate({ axis: 1 }).apply([spread, mean]);
  const flat = layers.flatten().apply(rows);
  const score = layers.dense({ units: 2, activation: 'sigmoid', ...bias }).apply(flat);
  return new Model({ inputs: [image, gain], outputs: [map, score], name: 'two_in_two_out' });
}

/** An encoder model and a decoder model, each used as a layer of the autoencoder. */
function nested(): AnyModel {
  const ex = input({ shape: [8, 8, 1] });
  let e = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...bias }).apply(ex);
  e = layers.maxPooling2d({ poolSize: 2 }).apply(e);
  e = layers.flatten().apply(e);
  const code = layers.dense({ units: 6, activation: 'tanh', ...bias }).apply(e);
  const encoder = new Model({ inputs: ex, outputs: code, name: 'encoder' });
  const dx = input({ shape: [6] });
  let d = layers.dense({ units: 32, activation: 'relu', ...bias }).apply(dx);
  d = layers.reshape({ targetShape: [4, 4, 2] }).apply(d);
  d = layers.upSampling2d({ size: [2, 2] }).apply(d);
  const out = layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid', ...bias }).apply(d);
  const decoder = new Model({ inputs: dx, outputs: out, name: 'decoder' });
  const x = input({ shape: [8, 8, 1] });
  return new Model({ inputs: x, outputs: decoder.apply(encoder.apply(x)), name: 'autoencoder' });
}

/** One encoder model applied to two inputs (shared weights); an output that another node also reads. */
function siamese(): AnyModel {
  const ex = input({ shape: [5] });
  const encoder = new Model({ inputs: ex, outputs: layers.dense({ units: 4, activation: 'tanh', ...bias }).apply(ex), name: 'shared_encoder' });
  const [a, b] = [input({ shape: [5], name: 'left' }), input({ shape: [5], name: 'right' })];
  const [ca, cb] = [encoder.apply(a), encoder.apply(b)];
  const gap = layers.subtract().apply([ca, cb]);
  return new Model({ inputs: [a, b], outputs: [ca, layers.dense({ units: 1, ...bias }).apply(gap)], name: 'siamese' });
}

const GRAPHS: [string, () => AnyModel][] = [
  ['U-Net (conv, pool, upsample, concatenate)', uNet],
  ['residual block (dense + add)', residual],
  ['two inputs, two outputs, every merge, broadcasting', twoInTwoOut],
  ['nested encoder/decoder models', nested],
];

describe('ONNX graphs: ONNX Runtime agrees with wgslnet; import predicts and trains like the original', () => {
  it.each(GRAPHS)('%s', async (_name, build) => {
    const m = build();
    try {
      await expectRoundTrip(m);
    } finally {
      m.dispose();
    }
  });

  it('writes a channels-last concatenation of 4-D tensors as Concat on NCHW axis 1, and nested models inlined', async () => {
    const u = uNet();
    const graph = decodeModel(await toOnnx(u)).graph!;
    const concat = graph.node!.find((n) => n.op_type === 'Concat')!;
    expect(concat.attribute!.find((a) => a.name === 'axis')!.i).toBe(1);
    // Transposes only at the ends: the skip connection stays NCHW.
    expect(graph.node!.filter((n) => n.op_type === 'Transpose')).toHaveLength(2);
    u.dispose();
    const ae = nested();
    const ops = decodeModel(await toOnnx(ae)).graph!.node!.map((n) => n.op_type);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(2);
    expect(ops.filter((op) => op === 'Gemm')).toHaveLength(2);
    ae.dispose();
  });

  // The graph alone cannot share weights between two calls (each call's Gemm has its own), so only ONNX Runtime judges it.
  it('a nested model called twice, and an output another node reads', async () => {
    const m = siamese();
    try {
      await expectOrtAgrees(m);
    } finally {
      m.dispose();
    }
  });

  it('refuses a merge with a constant operand and one of mixed layouts, naming the node', async () => {
    const m = residual();
    const proto = decodeModel(await toOnnx(m));
    m.dispose();
    const addNode = proto.graph!.node!.find((n) => n.op_type === 'Add')!;
    const constant = proto.graph!.initializer!.find((t) => t.dims!.length === 1 && t.dims![0] === 6)!;
    addNode.input = [addNode.input![0], constant.name!];
    await expect(loadOnnx(encodeModel(proto))).rejects.toThrow(new RegExp(`node '${addNode.name}' \\(Add\\): its input '${constant.name}' is a constant`));
    // A flattened NCHW value (CHW order) joined with a plain one: an extra node nothing reads, still checked.
    const ae = nested();
    const graph = decodeModel(await toOnnx(ae));
    ae.dispose();
    const flat = graph.graph!.node!.find((n) => n.op_type === 'Flatten')!.output![0];
    const code = graph.graph!.node!.find((n) => n.op_type === 'Tanh')!.output![0];
    graph.graph!.node!.push({ op_type: 'Concat', name: 'mixed', input: [flat, code], output: ['mixed_out'], attribute: [{ name: 'axis', type: 2, i: 1 }] });
    await expect(loadOnnx(encodeModel(graph))).rejects.toThrow(/node 'mixed' \(Concat\): its inputs .* must share one layout and rank/);
  });

  it('names the graph inputs and outputs after the model\'s, in its order', async () => {
    const m = twoInTwoOut();
    const graph = decodeModel(await toOnnx(m)).graph!;
    expect(graph.input!.map((v) => v.name)).toEqual(['image', 'gain']);
    expect(graph.output!).toHaveLength(2);
    const dims = graph.output!.map((v) => v.type!.tensor_type!.shape!.dim!.map((d) => d.dim_value ?? d.dim_param));
    expect(dims).toEqual([['batch', 4, 4, 2], ['batch', 2]]);
    m.dispose();
  });
});
