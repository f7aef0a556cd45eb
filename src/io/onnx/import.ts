// ONNX → Model: reads what wgslnet's exporter writes and what torch.onnx.export writes for an
// equivalent model (Conv, ConvTranspose, Gemm/MatMul+Add, pooling, Resize nearest, Flatten,
// Reshape, activations, Constant, Identity/Dropout), and refuses anything else by op and node.
//
// Everything is checked and every value read before the first GPU buffer is made; a failure
// after that (none is expected) frees what was made. So an error never leaves half a model.
//
// Layout: ONNX's 4-D values are NCHW, wgslnet's NHWC. The imported model takes and returns NHWC,
// batch first: a graph that transposes its NHWC input to NCHW (as wgslnet's export does) keeps its
// interface; one whose input is NCHW (PyTorch's) is fed NHWC in wgslnet. A flat vector made from an
// NCHW value (ONNX Flatten) is in CHW order where wgslnet's Flatten gives HWC: the next Dense's
// kernel rows are permuted to match, and a Dense whose output is reshaped to NCHW gets its columns
// permuted, so no transpose runs.
import { context } from '../../device.js';
import { input, type SymbolicTensor } from '../../graph.js';
import { model as makeModel, type Model } from '../../model.js';
import type { Layer } from '../../layers/layer.js';
import { dense } from '../../layers/dense.js';
import { conv2d } from '../../layers/conv2d.js';
import { conv2dTranspose } from '../../layers/conv2d_transpose.js';
import { maxPooling2d } from '../../layers/max_pooling2d.js';
import { averagePooling2d } from '../../layers/average_pooling2d.js';
import { upSampling2d } from '../../layers/up_sampling2d.js';
import { flatten } from '../../layers/flatten.js';
import { reshape } from '../../layers/reshape.js';
import { activation as activationLayer } from '../../layers/activation.js';
import { batchNormalization } from '../../layers/batch_normalization.js';
import { reLU } from '../../layers/re_lu.js';
import { leakyReLU } from '../../layers/leaky_re_lu.js';
import { elu } from '../../layers/elu.js';
import { globalAveragePooling2d } from '../../layers/global_average_pooling2d.js';
import { globalMaxPooling2d } from '../../layers/global_max_pooling2d.js';
import { zeroPadding2d } from '../../layers/zero_padding2d.js';
import { cropping2d } from '../../layers/cropping2d.js';
import { permute as permuteLayer } from '../../layers/permute.js';
import { add, average, concatenate, maximum, minimum, multiply, subtract } from '../../layers/merge.js';
import type { ActivationName } from '../../ops/activation.js';
import type { Padding } from '../../ops/shapes.js';
import { conv2dTransposeOutputShape } from '../../ops/conv2d.js';
import type { OnnxSource } from '../index.js';
import type { LoadOptions } from '../limits.js';
import { disposeIfThrows } from '../../tensor.js';
import { DataType, EXTERNAL, decodeModel, type AttributeMsg, type ModelMsg, type NodeMsg, type TensorMsg, type ValueInfo } from './schema.js';
import { modelFromTopology } from '../serialization.js';
import { withWeightBudget, seededRandom } from '../../initializers.js';
import { MAX_OPSET, MIN_OPSET, TOPOLOGY_KEY, ONNX_TO_KERAS_KERNEL, TO_NCHW, TO_NHWC, hwcToChw, kerasPads, permute, sameArray, takeColumns, takeRows, transposePads } from './layout.js';

/** ONNX ops the importer reads, for the error that names one it does not. */
export const IMPORTABLE_OPS = [
  'Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Add', 'MaxPool', 'AveragePool', 'Resize', 'Flatten', 'Reshape', 'Transpose',
  'Sub', 'Mul', 'Max', 'Min', 'Sum', 'Mean', 'Concat', 'Unsqueeze', 'Squeeze', 'Pad', 'Slice', 'BatchNormalization', 'GlobalAveragePool', 'GlobalMaxPool', 'Clip', 'Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Elu', 'Softplus', 'Softmax', 'Identity', 'Dropout', 'Constant',
];

/** Ops that read NCHW: a value reshaped to 4-D for one of them is NCHW. */
const NCHW_OPS = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'Resize', 'BatchNormalization']);

/** Fused into the Dense or Conv before them, or a layer of their own. */
const ACTIVATIONS: Record<string, ActivationName | 'softmax'> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', LeakyRelu: 'leakyRelu', Elu: 'elu', Softplus: 'softplus', Softmax: 'softmax', Clip: 'relu6' };

/** The alpha each activation fused into a Dense/Conv epilogue has (Keras's defaults; relu6's cap). */
const FUSED_ALPHA: Partial<Record<ActivationName, number>> = { leakyRelu: 0.3, elu: 1, relu6: 6 };

/** The lowest IR version with opset 13's semantics, and the newest ONNX Runtime 1.2x reads. */
const MIN_IR = 7;
const MAX_IR = 11;

/** A float32 or int64 constant: an initializer or a Constant node's value. */
interface Constant {
  name: string;
  dims: number[];
  floats?: Float32Array;
  ints?: number[];
}

/**
 * How an ONNX value lives in wgslnet: the symbolic tensor and its layout. 'plain': the same array;
 * 'nchw': ONNX's NCHW of wgslnet's NHWC tensor; 'chw': an ONNX flat vector in CHW order of
 * wgslnet's flat vector in HWC order ([C, H, W] given).
 */
interface Value {
  t: SymbolicTensor;
  /** 'c11': ONNX's [C, 1, 1] after global pooling, wgslnet's [C]; 'ncw': ONNX's [C, W] of wgslnet's sequence [W, C]. */
  layout: 'plain' | 'nchw' | 'ncw' | 'c11' | { chw: [number, number, number] };
}

/** A layer made here and the Keras-layout weights it gets once the whole graph has been read. */
interface Made {
  layer: Layer;
  weights: Float32Array[];
}

const fail = (message: string): never => {
  throw new Error(`loadOnnx: ${message}`);
};

function describeNode(node: NodeMsg): string {
  return `node '${node.name || node.output?.[0] || '?'}' (${node.op_type})`;
}

function attr(node: NodeMsg, name: string): AttributeMsg | undefined {
  return node.attribute?.find((a) => a.name === name);
}
const intAttr = (node: NodeMsg, name: string, dflt: number) => attr(node, name)?.i ?? dflt;
const floatAttr = (node: NodeMsg, name: string, dflt: number) => attr(node, name)?.f ?? dflt;
const intsAttr = (node: NodeMsg, name: string) => attr(node, name)?.ints;
const stringAttr = (node: NodeMsg, name: string, dflt: string) => {
  const s = attr(node, name)?.s;
  return s ? new TextDecoder().decode(s) : dflt;
};

/** Refuses attributes whose non-default values wgslnet cannot honour. */
function requireAttr(node: NodeMsg, name: string, ok: (a: AttributeMsg) => boolean, why: string): void {
  const a = attr(node, name);
  if (a && !ok(a)) fail(`${describeNode(node)}: ${why}`);
}

const sizeOfDims = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** External-data locations must name a file inside the model's folder. */
function checkExternalLocation(location: string, tensor: string): void {
  const parts = location.split(/[\\/]+/);
  if (!location || /^([a-z][a-z0-9+.-]*:|[\\/])/i.test(location) || parts.includes('..')) {
    fail(`initializer '${tensor}': external data location '${location}' is outside the model's folder; only relative paths inside it are read`);
  }
}

function externalEntry(t: TensorMsg, key: string): string | undefined {
  return t.external_data?.find((e) => e.key === key)?.value;
}

const ELEMENT_BYTES: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.INT64]: 8, [DataType.INT32]: 4, [DataType.DOUBLE]: 8 };

/** A tensor's raw bytes (inline or external), checked against its dims. */
async function tensorBytes(t: TensorMsg, source: OnnxSource): Promise<Uint8Array | null> {
  const name = t.name ?? '?';
  const dims = t.dims ?? [];
  const need = sizeOfDims(dims) * (ELEMENT_BYTES[t.data_type ?? 0] ?? 0);
  let bytes: Uint8Array | null = t.raw_data ?? null;
  if (t.data_location === EXTERNAL) {
    const location = externalEntry(t, 'location') ?? '';
    checkExternalLocation(location, name);
    if (!source.readExternal) fail(`initializer '${name}' keeps its values in the external file '${location}': load the model from its file or URL so that file can be found`);
    const file = await source.readExternal!(location);
    const offset = Number(externalEntry(t, 'offset') ?? 0);
    const length = Number(externalEntry(t, 'length') ?? file.length - offset);
    if (!(offset >= 0 && length >= 0 && offset + length <= file.length)) fail(`initializer '${name}': external file '${location}' has ${file.length} bytes, too few for offset ${offset} and length ${length}`);
    bytes = file.subarray(offset, offset + length);
  }
  if (bytes && bytes.length !== need) fail(`initializer '${name}' has ${bytes.length} bytes of data but its dims [${dims.join(', ')}] need ${need}`);
  return bytes;
}

/** The bytes in a buffer of their own: decoded bytes may be views (Node Buffers) at offsets typed arrays cannot start at. */
const copy = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

/** A float32 or int64 tensor's values; other types are refused by name. */
async function readConstant(t: TensorMsg, source: OnnxSource): Promise<Constant> {
  const name = t.name ?? '?';
  const dims = t.dims ?? [];
  const n = sizeOfDims(dims);
  const bytes = await tensorBytes(t, source);
  const count = (have: number) => {
    if (have !== n) fail(`initializer '${name}' has ${have} values but its dims [${dims.join(', ')}] need ${n}`);
  };
  switch (t.data_type) {
    case DataType.FLOAT: {
      const floats = bytes ? new Float32Array(copy(bytes)) : Float32Array.from(t.float_data ?? []);
      count(floats.length);
      return { name, dims, floats };
    }
    case DataType.INT64: {
      const ints = bytes ? Array.from(new BigInt64Array(copy(bytes)), Number) : (t.int64_data ?? []).map(Number);
      count(ints.length);
      return { name, dims, ints };
    }
    case DataType.INT32: {
      const ints = bytes ? Array.from(new Int32Array(copy(bytes))) : [...(t.int32_data ?? [])];
      count(ints.length);
      return { name, dims, ints };
    }
  }
  return fail(`initializer '${name}' has data type ${t.data_type}; wgslnet reads float32 weights and int64 shapes`);
}

function decode(source: OnnxSource): ModelMsg {
  let proto: ModelMsg;
  try {
    proto = decodeModel(source.bytes);
  } catch (e) {
    return fail(`${source.name} is not an ONNX model (truncated or another format: ${(e as Error).message})`);
  }
  if (!proto.ir_version || !proto.graph || !proto.opset_import?.length) fail(`${source.name} is not an ONNX model (no IR version, graph or opset)`);
  if (proto.ir_version! < MIN_IR || proto.ir_version! > MAX_IR) fail(`${source.name} has IR version ${proto.ir_version}; wgslnet reads ${MIN_IR}–${MAX_IR}`);
  const opset = proto.opset_import!.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  if (opset === undefined) fail(`${source.name} imports no version of the default ONNX opset`);
  if (opset! < MIN_OPSET) fail(`${source.name} uses opset ${opset}, too old: wgslnet reads opsets ${MIN_OPSET}–${MAX_OPSET} (re-export with a newer opset)`);
  if (opset! > MAX_OPSET) fail(`${source.name} uses opset ${opset}, newer than wgslnet reads (${MIN_OPSET}–${MAX_OPSET})`);
  if (proto.graph!.sparse_initializer?.length) fail(`${source.name} has sparse initializers, which wgslnet does not read`);
  return proto;
}

/** Per-sample dims of a graph input or output, batch first; every dim but the batch must be known. */
function declaredShape(v: ValueInfo, what: string): number[] {
  const t = v.type?.tensor_type;
  if (!t) return fail(`${what} '${v.name}' is not a tensor`);
  if (t.elem_type !== DataType.FLOAT) fail(`${what} '${v.name}' has element type ${t.elem_type}; wgslnet takes float32`);
  const dims = t.shape?.dim ?? [];
  const sample = dims.slice(1).map((d) => d.dim_value ?? -1);
  if (dims.length < 2 || sample.some((d) => !(d > 0))) fail(`${what} '${v.name}' needs a known shape after the batch dimension, got [${dims.map((d) => d.dim_value ?? d.dim_param ?? '?').join(', ')}]`);
  return sample;
}

/** The largest buffer this adapter can bind: a weight over it cannot be loaded at all. */
function maxWeightBytes(): number {
  const { limits } = context();
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

/** Reads an ONNX model (see the top of this file for what it accepts). */
export async function fromOnnx(source: OnnxSource, limits: Required<LoadOptions>): Promise<Model> {
  const proto = decode(source);
  const graph = proto.graph!;
  const nodes = graph.node ?? [];

  // The default domain only; every op is one wgslnet knows, with an input and an output
  // (protobuf leaves empty lists out: made explicit here so nothing below meets an undefined one).
  for (const node of nodes) {
    node.input ??= [];
    node.output ??= [];
    if (node.op_type !== 'Constant' && !node.input[0]) fail(`${describeNode(node)} has no input`);
    if (!node.output[0]) fail(`${describeNode(node)} has no output`);
    if ((node.domain && node.domain !== 'ai.onnx') || !IMPORTABLE_OPS.includes(node.op_type ?? '')) {
      fail(`${describeNode(node)}${node.domain ? ` in domain '${node.domain}'` : ''} is not supported; wgslnet imports ${IMPORTABLE_OPS.join(', ')}`);
    }
  }

  // Sizes first, from the dims alone: nothing is read for a model this adapter cannot hold.
  const limit = maxWeightBytes();
  let total = 0;
  for (const t of graph.initializer ?? []) {
    const bytes = sizeOfDims(t.dims ?? []) * (ELEMENT_BYTES[t.data_type ?? 0] ?? 4);
    if (bytes > limit) fail(`initializer '${t.name}' [${(t.dims ?? []).join(', ')}] is ${bytes} bytes; this adapter's buffers hold at most ${limit} bytes`);
    total += bytes;
  }
  if (total > limits.maxWeightBytes) fail(`${source.name} declares ${total} bytes of initializers, over the limit of ${limits.maxWeightBytes} bytes (loadOnnx(source, { maxWeightBytes }) raises it)`);
  const constants = new Map<string, Constant>();
  for (const t of graph.initializer ?? []) constants.set(t.name ?? '', await readConstant(t, source));
  for (const node of nodes) {
    if (node.op_type !== 'Constant') continue;
    const t = attr(node, 'value')?.t;
    if (!t) fail(`${describeNode(node)}: only a 'value' tensor is supported`);
    constants.set(node.output![0], await readConstant({ ...t!, name: node.output![0] }, source));
  }

  const inputs = (graph.input ?? []).filter((v) => !constants.has(v.name ?? ''));
  if (!inputs.length || !graph.output?.length) fail(`${source.name} has ${inputs.length} inputs and ${graph.output?.length ?? 0} outputs; wgslnet needs at least one of each`);
  const m = new Importer(source, nodes, constants).run(inputs, graph.output!, graph.name || 'onnx_model');
  const topology = proto.metadata_props?.find((p) => p.key === TOPOLOGY_KEY)?.value;
  return topology ? withKerasTopology(m, topology) : m;
}

/**
 * The model wgslnet exported, rebuilt from its Keras topology (metadata written by toOnnx), with the
 * graph's weights, where the two agree: the same weight shapes in the same order and the same
 * predictions on a probe batch. The graph is what ONNX Runtime runs, so it stays the authority:
 * metadata that disagrees (edited, or from another tool) is ignored and the graph's model returned.
 */
async function withKerasTopology(m: Model, json: string): Promise<Model> {
  const bytes = m.weights.reduce((n, w) => n + w.value.size * 4, 0);
  let keras: Model | null = null;
  try {
    keras = disposeIfThrows(() => withWeightBudget(bytes, () => new Error('more weights than the graph'), () => modelFromTopology(JSON.parse(json))));
    const [a, b] = [m.weights, keras.weights];
    // Sizes, not shapes: the graph runs a 1-D layer as its 2-D kernel ([1, k, in, out] for [k, in, out]).
    if (a.length !== b.length || a.some((w, i) => w.value.size !== b[i].value.size)) throw new Error('different weights');
    const shapes = (model: Model) => [...model.inputs, ...model.outputs].map((t) => t.sampleShape);
    const [sa, sb] = [shapes(m), shapes(keras)];
    if (sa.length !== sb.length || keras.inputs.length !== m.inputs.length || sa.some((s, i) => !sameArray(s, sb[i]))) throw new Error('different shapes');
    keras.setWeights(await m.getWeights());
    const random = seededRandom(1);
    const probe = m.inputs.map((t) => ({ data: Float32Array.from({ length: t.sampleShape.reduce((x, y) => x * y, 2) }, () => random()), shape: [2, ...t.sampleShape] }));
    const [ya, yb] = [await predictAll(m, probe), await predictAll(keras, probe)];
    ya.forEach((va, k) => {
      if (va.some((v, i) => !(Math.abs(v - yb[k][i]) <= 1e-6 + 1e-5 * Math.abs(v)))) throw new Error('different predictions');
    });
  } catch {
    keras?.dispose();
    return m;
  }
  m.dispose();
  return keras;
}

/** Every output of a model on host data, read back. */
async function predictAll(m: Model, xs: { data: Float32Array; shape: number[] }[]): Promise<Float32Array[]> {
  const ys = await m.predict(xs);
  const list = Array.isArray(ys) ? ys : [ys];
  const values: Float32Array[] = [];
  for (const y of list) {
    values.push((await y.data()) as Float32Array);
    y.dispose();
  }
  return values;
}

/** ONNX's elementwise ops with two or more inputs, as Keras's merge layers (Keras's broadcasting is numpy's, as ONNX's). */
const MERGES: Record<string, () => Layer> = { Add: add, Sum: add, Sub: subtract, Mul: multiply, Max: maximum, Min: minimum, Mean: average };

class Importer {
  readonly #values = new Map<string, Value>();
  readonly #made: Made[] = [];
  /** The Dense (and its column count) whose output, after its fused activation, is this value. */
  readonly #denseOf = new Map<string, Made>();
  readonly #consumers = new Map<string, NodeMsg[]>();
  readonly #done = new Set<NodeMsg>();
  readonly #outputNames = new Set<string>();

  constructor(
    readonly source: OnnxSource,
    readonly nodes: NodeMsg[],
    readonly constants: Map<string, Constant>,
  ) {
    for (const node of nodes) for (const name of node.input ?? []) if (name) this.#consumers.set(name, [...(this.#consumers.get(name) ?? []), node]);
  }

  run(inputInfos: ValueInfo[], outputInfos: ValueInfo[], name: string): Model {
    for (const o of outputInfos) this.#outputNames.add(o.name ?? '');
    const xs = inputInfos.map((inputInfo) => {
      const inShape = declaredShape(inputInfo, 'graph input');
      const consumers = this.#consumers.get(inputInfo.name ?? '') ?? [];
      // A 4-D input either goes through Transpose(NHWC → NCHW) first (wgslnet's export) or is NCHW.
      const transposed = inShape.length === 3 && consumers.length > 0 && consumers.every((n) => n.op_type === 'Transpose' && sameArray(intsAttr(n, 'perm'), TO_NCHW));
      const nchwInput = inShape.length === 3 && !transposed;
      const x = input({ shape: nchwInput ? [inShape[1], inShape[2], inShape[0]] : inShape, name: inputInfo.name || 'input' });
      this.#values.set(inputInfo.name ?? '', { t: x, layout: nchwInput ? 'nchw' : 'plain' });
      return x;
    });
    // Layers allocate their weights as they are applied: a graph refused halfway frees them.
    return disposeIfThrows(() => {
      for (const node of this.nodes) if (!this.#done.has(node)) this.#checked(node);
      const ys = outputInfos.map((outputInfo) => {
        const outName = outputInfo.name ?? '';
        const outShape = declaredShape(outputInfo, 'graph output');
        const y = this.#value(outName, 'the graph output');
        if (y.layout === 'c11') fail(`graph output '${outName}' is [batch, C, 1, 1] from global pooling; flatten it to [batch, C]`);
        if (typeof y.layout === 'object') fail(`graph output '${outName}' is a flattened NCHW value; wgslnet's flatten order differs (end the graph with a Dense or a 4-D value)`);
        const computed = this.#onnxShape(y);
        if (!sameArray(computed, outShape)) fail(`graph output '${outName}' is declared [batch, ${outShape.join(', ')}] but the graph computes [batch, ${computed.join(', ')}]`);
        return y.t;
      });
      const m = makeModel({ inputs: xs.length === 1 ? xs[0] : xs, outputs: ys.length === 1 ? ys[0] : ys, name });
      for (const { layer, weights } of this.#made) {
        // A node whose output no path to the graph outputs reads: not part of the model, freed.
        if (m.layers.includes(layer)) layer.setWeights(weights);
        else for (const w of layer.weights) w.value.dispose();
      }
      return m;
    });
  }

  #value(name: string, what: string): Value {
    const v = this.#values.get(name);
    if (!v) return fail(`${what} reads '${name}', which no earlier node computes${this.constants.has(name) ? ' (it is a constant, which wgslnet takes only as a weight, shape or scale)' : ''}`);
    return v;
  }

  /** The ONNX per-sample shape of a value. */
  #onnxShape(v: Value): number[] {
    const s = v.t.sampleShape;
    if (v.layout === 'nchw') return [s[2], s[0], s[1]];
    if (v.layout === 'c11') return [s[0], 1, 1];
    if (v.layout === 'ncw') return [s[1], s[0]];
    return [...s];
  }

  #constant(node: NodeMsg, index: number, what: string): Constant {
    const name = node.input?.[index] ?? '';
    const c = this.constants.get(name);
    if (!c) return fail(`${describeNode(node)}: its ${what} '${name}' must be an initializer or a Constant`);
    return c;
  }

  #floats(node: NodeMsg, index: number, what: string, dims?: number[]): Float32Array {
    const c = this.#constant(node, index, what);
    if (!c.floats) fail(`${describeNode(node)}: its ${what} '${c.name}' is not float32`);
    if (dims && !sameArray(c.dims, dims)) fail(`initializer '${c.name}' (${what} of ${describeNode(node)}) has shape [${c.dims.join(', ')}] but the graph needs [${dims.join(', ')}]`);
    return c.floats!;
  }

  /** The single consumer of `name` if it is one of `ops` and `name` is not the graph output. */
  #soleConsumer(name: string, ops: (op: string) => boolean): NodeMsg | null {
    const users = this.#consumers.get(name) ?? [];
    return users.length === 1 && !this.#outputNames.has(name) && ops(users[0].op_type ?? '') ? users[0] : null;
  }

  /** An activation node right after `name` that can join the layer's epilogue (Softmax cannot). */
  #fusable(name: string): { node: NodeMsg; activation: ActivationName } | null {
    const node = this.#soleConsumer(name, (op) => op in ACTIVATIONS && op !== 'Softmax');
    if (!node) return null;
    const { activation, alpha } = this.#activationOf(node);
    // Another alpha than the epilogue's: a layer of its own.
    if (alpha !== undefined && Math.abs(alpha - FUSED_ALPHA[activation as ActivationName]!) > 1e-6) return null;
    return { node, activation: activation as ActivationName };
  }

  /** The activation of an activation node, with its alpha (LeakyRelu, Elu) or cap (Clip, which must start at 0). */
  #activationOf(node: NodeMsg): { activation: ActivationName | 'softmax'; alpha?: number } {
    const activation = ACTIVATIONS[node.op_type!];
    if (node.op_type === 'LeakyRelu') return { activation, alpha: floatAttr(node, 'alpha', 0.01) };
    if (node.op_type === 'Elu') return { activation, alpha: floatAttr(node, 'alpha', 1) };
    if (node.op_type === 'Clip') {
      const bound = (i: number) => (node.input![i] ? this.#floats(node, i, i === 1 ? 'min' : 'max') : null);
      const [min, max] = [bound(1), bound(2)];
      if (!min || min.length !== 1 || min[0] !== 0 || !max || max.length !== 1 || !(max[0] >= 0)) fail(`${describeNode(node)}: wgslnet reads Clip as ReLU with a cap: min 0 and a max ≥ 0, both constants`);
      return { activation, alpha: max![0] };
    }
    return { activation };
  }

  /** A standalone activation layer: Keras's layer class where an alpha or cap differs from the default. */
  #activationLayer(node: NodeMsg): Layer {
    const { activation, alpha } = this.#activationOf(node);
    if (activation === 'relu6') return reLU({ maxValue: alpha });
    if (activation === 'leakyRelu') return leakyReLU({ alpha });
    if (activation === 'elu') return elu({ alpha });
    return activationLayer({ activation });
  }

  /** Applies a layer; its weights are set once the whole graph has been read. */
  #apply(layer: Layer, x: Value, weights: Float32Array[]): SymbolicTensor {
    const made = { layer, weights };
    this.#made.push(made);
    const t = layer.apply(x.t);
    return t;
  }

  /** Records the output of a layer with an optional fused activation: the name after the activation. */
  #finish(node: NodeMsg, fused: { node: NodeMsg } | null, value: Value): string {
    const name = fused ? fused.node.output![0] : node.output![0];
    if (fused) this.#done.add(fused.node);
    this.#values.set(name, value);
    return name;
  }

  #need(node: NodeMsg, x: Value, layout: 'nchw' | 'flat'): void {
    if (layout === 'nchw' && x.layout !== 'nchw') fail(`${describeNode(node)} needs an NCHW 4-D input; '${node.input![0]}' is [batch, ${this.#onnxShape(x).join(', ')}]`);
    if (layout === 'flat' && (x.t.sampleShape.length !== 1 || x.layout === 'nchw' || x.layout === 'c11')) fail(`${describeNode(node)} needs a [batch, features] input; '${node.input![0]}' is [batch, ${this.#onnxShape(x).join(', ')}]`);
  }

  /** Keras's padding that places this window as the node's pads do, or an error. */
  #padding(node: NodeMsg, inHW: number[], kernel: number[], strides: number[], pads: number[] | undefined): Padding {
    const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
    if (autoPad === 'VALID') return 'valid';
    if (autoPad === 'SAME_UPPER') return 'same';
    if (autoPad !== 'NOTSET') fail(`${describeNode(node)}: auto_pad ${autoPad}; wgslnet pads as Keras ('same' = SAME_UPPER)`);
    const p = pads ?? [0, 0, 0, 0];
    if (p.every((v) => v === 0)) return 'valid';
    if (sameArray(p, kerasPads(inHW, kernel, strides, 'same'))) return 'same';
    return fail(`${describeNode(node)}: pads [${p.join(', ')}] are neither 'valid' nor Keras's 'same' for a ${inHW.join('×')} input`);
  }

  /** A window's strides; its dilations must be 1 unless the caller reads them (`dilated`). */
  #window(node: NodeMsg, kernel: number[], dilated = false): number[] {
    const strides = intsAttr(node, 'strides') ?? [1, 1];
    if (!dilated) requireAttr(node, 'dilations', (a) => (a.ints ?? []).every((d) => d === 1), 'dilations other than 1 are not supported');
    if (kernel.length !== 2 || strides.length !== 2) fail(`${describeNode(node)}: only 2-D windows are supported`);
    return strides;
  }

  /** A node, with what a layer refuses (its options, its input shape) reported as this node's error. */
  #checked(node: NodeMsg): void {
    try {
      this.#node(node);
    } catch (e) {
      const message = (e as Error).message;
      if (message.startsWith('loadOnnx: ')) throw e;
      fail(`${describeNode(node)}: ${message}`);
    }
  }

  #node(node: NodeMsg): void {
    const op = node.op_type!;
    const out = node.output![0];
    if (op === 'Constant') return;
    const x = this.#value(node.input![0], describeNode(node));
    switch (op) {
      case 'Identity':
        this.#values.set(out, x);
        return;
      case 'Dropout':
        // Inference: the identity. A mask output or a training_mode input would need training semantics.
        if ((node.output?.length ?? 0) > 1 && node.output![1]) fail(`${describeNode(node)}: its mask output is not supported`);
        this.#values.set(out, x);
        return;
      case 'Transpose': {
        const perm = intsAttr(node, 'perm');
        if (x.layout === 'plain' && x.t.sampleShape.length === 3 && sameArray(perm, TO_NCHW)) this.#values.set(out, { t: x.t, layout: 'nchw' });
        else if (x.layout === 'nchw' && sameArray(perm, TO_NHWC)) this.#values.set(out, { t: x.t, layout: 'plain' });
        // A sequence [batch, steps, channels] ↔ [batch, channels, steps] (wgslnet's 1-D layers exported).
        else if (x.layout === 'plain' && x.t.sampleShape.length === 2 && sameArray(perm, [0, 2, 1])) this.#values.set(out, { t: x.t, layout: 'ncw' });
        else if (x.layout === 'ncw' && sameArray(perm, [0, 2, 1])) this.#values.set(out, { t: x.t, layout: 'plain' });
        else this.#permute(node, x, perm);
        return;
      }
      case 'Conv':
      case 'ConvTranspose':
        return this.#conv(node, x);
      case 'Gemm':
      case 'MatMul':
        return this.#dense(node, x);
      case 'MaxPool':
      case 'AveragePool':
        return this.#pool(node, x);
      case 'Resize':
        return this.#resize(node, x);
      case 'Flatten': {
        const axis = intAttr(node, 'axis', 1);
        if (axis !== 1) fail(`${describeNode(node)}: axis ${axis}; wgslnet flattens everything after the batch (axis 1)`);
        return this.#flatten(node, x);
      }
      case 'Reshape':
        return this.#reshape(node, x);
      case 'BatchNormalization':
        return this.#batchNorm(node, x);
      case 'Unsqueeze':
      case 'Squeeze': {
        // [N, C, W] ↔ [N, C, 1, W]: a sequence as a height-1 image (how the 1-D layers export), a view.
        const axes = this.#constant(node, 1, 'axes').ints ?? [];
        const [a, b] = x.t.sampleShape;
        const toImage = op === 'Unsqueeze' && x.layout === 'ncw';
        const toSequence = op === 'Squeeze' && x.layout === 'nchw' && a === 1;
        if (!sameArray(axes, [2]) || !(toImage || toSequence)) fail(`${describeNode(node)}: axes [${axes.join(', ')}] on [batch, ${this.#onnxShape(x).join(', ')}]; wgslnet reads only a sequence [N, C, W] ↔ [N, C, 1, W]`);
        const target = toImage ? [1, a, b] : [b, x.t.sampleShape[2]];
        this.#values.set(out, { t: this.#apply(reshape({ targetShape: target }), x, []), layout: toImage ? 'nchw' : 'ncw' });
        return;
      }
      case 'Pad':
        return this.#pad(node, x);
      case 'Slice':
        return this.#slice(node, x);
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        this.#need(node, x, 'nchw');
        const layer = op === 'GlobalAveragePool' ? globalAveragePooling2d() : globalMaxPooling2d();
        this.#values.set(out, { t: this.#apply(layer, x, []), layout: 'c11' });
        return;
      }
      case 'Concat':
        return this.#merge(node, concatenate({ axis: this.#concatAxis(node) }));
    }
    if (op in MERGES) return this.#merge(node, MERGES[op]());
    if (op in ACTIVATIONS) {
      if (op === 'Softmax') {
        const rank = this.#onnxShape(x).length + 1;
        const axis = intAttr(node, 'axis', -1);
        const channelAxis = x.layout === 'nchw' || x.layout === 'ncw' ? 1 : rank - 1;
        if ((axis + rank) % rank !== channelAxis || typeof x.layout === 'object') fail(`${describeNode(node)}: softmax over axis ${axis}; wgslnet's is over the channels (the last NHWC axis)`);
      }
      if (x.layout === 'c11') fail(`${describeNode(node)}: activations after global pooling need a Flatten first`);
      this.#values.set(out, { t: this.#apply(this.#activationLayer(node), x, []), layout: x.layout });
      return;
    }
    fail(`${describeNode(node)} is not supported`);
  }

  /** The inputs of a merge node: computed values (a constant operand is a weight wgslnet has no layer for), all in one layout. */
  #mergeInputs(node: NodeMsg): Value[] {
    const names = node.input!.filter(Boolean);
    if (names.length < 2) fail(`${describeNode(node)} has ${names.length} input; wgslnet's merge layers take two or more`);
    const xs = names.map((name) => {
      if (this.constants.has(name)) fail(`${describeNode(node)}: its input '${name}' is a constant; wgslnet merges computed tensors only (an Add of a constant is a MatMul's bias)`);
      return this.#value(name, describeNode(node));
    });
    const layout = (v: Value) => (typeof v.layout === 'object' ? 'chw' : v.layout);
    const rank = xs[0].t.sampleShape.length;
    if (xs.some((v) => layout(v) !== layout(xs[0]) || v.t.sampleShape.length !== rank) || layout(xs[0]) === 'chw' || layout(xs[0]) === 'c11') {
      fail(`${describeNode(node)}: its inputs ${names.map((n, i) => `'${n}' [batch, ${this.#onnxShape(xs[i]).join(', ')}]`).join(', ')} must share one layout and rank (NCHW images, sequences or plain tensors)`);
    }
    return xs;
  }

  /** Concat's axis as Keras counts it on wgslnet's channels-last tensor (NCHW's 1 is NHWC's 3). */
  #concatAxis(node: NodeMsg): number {
    const [x] = this.#mergeInputs(node);
    const rank = x.t.sampleShape.length + 1;
    const a = intAttr(node, 'axis', Number.NaN);
    const axis = a < 0 ? a + rank : a;
    if (!(axis >= 1 && axis < rank)) fail(`${describeNode(node)}: axis ${a} on rank-${rank} inputs; wgslnet concatenates along a non-batch axis`);
    return x.layout === 'nchw' ? TO_NCHW[axis] : x.layout === 'ncw' ? [0, 2, 1][axis] : axis;
  }

  #merge(node: NodeMsg, layer: Layer): void {
    const xs = this.#mergeInputs(node);
    this.#made.push({ layer, weights: [] });
    this.#values.set(out(node), { t: layer.apply(xs.map((v) => v.t)) as SymbolicTensor, layout: xs[0].layout });
  }

  #conv(node: NodeMsg, x: Value): void {
    const transpose = node.op_type === 'ConvTranspose';
    this.#need(node, x, 'nchw');
    const [h, w, c] = x.t.sampleShape;
    const wc = this.#constant(node, 1, 'weight');
    if (!wc.floats || wc.dims.length !== 4) fail(`${describeNode(node)}: weight '${wc.name}' must be a 4-D float32 initializer, got [${wc.dims.join(', ')}]`);
    const [d0, d1, kh, kw] = wc.dims;
    // Conv: [F, C, kh, kw]; ConvTranspose: [C, F, kh, kw].
    const filters = transpose ? d1 : d0;
    if ((transpose ? d0 : d1) !== c) fail(`initializer '${wc.name}' (weight of ${describeNode(node)}) has shape [${wc.dims.join(', ')}] but its input has ${c} channels`);
    requireAttr(node, 'group', (a) => a.i === 1, 'grouped convolutions are not supported');
    const kernel = intsAttr(node, 'kernel_shape') ?? [kh, kw];
    if (!sameArray(kernel, [kh, kw])) fail(`${describeNode(node)}: kernel_shape [${kernel.join(', ')}] contradicts weight '${wc.name}' [${wc.dims.join(', ')}]`);
    const strides = this.#window(node, kernel, !transpose);
    // Conv's dilations become Conv2D's dilationRate (which checks them); ConvTranspose takes none.
    const dilations = (transpose ? null : intsAttr(node, 'dilations')) ?? [1, 1];
    let padding: Padding;
    let kerasOutputPadding: [number, number] | undefined;
    if (transpose) {
      if (attr(node, 'output_shape')) fail(`${describeNode(node)}: output_shape is not supported (give pads)`);
      const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
      const outputPadding = intsAttr(node, 'output_padding') ?? [0, 0];
      // ONNX's output size, then the Keras padding whose transpose places the kernel the same way.
      const outSize = [h, w].map((n, i) => strides[i] * (n - 1) + outputPadding[i] + kernel[i] - pads[i] - pads[i + 2]);
      // Both paddings can place the kernel alike for different Keras sizes: the one that needs no
      // (or a valid, below-stride) Keras outputPadding for this size wins, none needed first.
      const candidates = (['valid', 'same'] as const).flatMap((p): { padding: Padding; extra?: [number, number] }[] => {
        const expected = transposePads([h, w], outSize, kernel, strides, p);
        if (!sameArray(pads, expected.pads) || !sameArray(outputPadding, expected.outputPadding)) return [];
        const [, dh, dw] = conv2dTransposeOutputShape([1, h, w, c], [kh, kw, filters, c], { strides: strides as [number, number], padding: p });
        if (sameArray([dh, dw], outSize)) return [{ padding: p, extra: undefined }];
        const extra = [0, 1].map((i) => outSize[i] - ((i ? w : h) - 1) * strides[i] - kernel[i] + 2 * (p === 'same' ? Math.floor(kernel[i] / 2) : 0)) as [number, number];
        return extra.every((e, i) => e >= 0 && e < strides[i]) ? [{ padding: p, extra }] : [];
      }).sort((a, b) => Number(a.extra !== undefined) - Number(b.extra !== undefined));
      if (!candidates.length) fail(`${describeNode(node)}: pads [${pads.join(', ')}] with output_padding [${outputPadding.join(', ')}] are neither Keras's 'valid' nor 'same' for a ${h}×${w} input`);
      padding = candidates[0].padding;
      kerasOutputPadding = candidates[0].extra;
    } else {
      const span = kernel.map((k, i) => (k - 1) * dilations[i] + 1);
      padding = this.#padding(node, [h, w], span, strides, intsAttr(node, 'pads'));
    }
    const bias = node.input![2] ? this.#floats(node, 2, 'bias', [filters]) : null;
    const fused = this.#fusable(out(node));
    const config = { filters, kernelSize: [kh, kw] as [number, number], strides: strides as [number, number], padding, useBias: bias !== null, activation: fused?.activation, kernelInitializer: 'zeros' as const };
    const layer = transpose ? conv2dTranspose(kerasOutputPadding ? { ...config, outputPadding: kerasOutputPadding } : config) : conv2d({ ...config, dilationRate: dilations as [number, number] });
    const keras = permute(wc.floats!, wc.dims, ONNX_TO_KERAS_KERNEL).data;
    const t = this.#apply(layer, x, bias ? [keras, bias] : [keras]);
    this.#finish(node, fused, { t, layout: 'nchw' });
  }

  #dense(node: NodeMsg, x: Value): void {
    // MatMul also takes [.., features] per sample (Keras's Dense on the last axis); Gemm is 2-D. A
    // channels-first value it reads is made the array ONNX holds first (a Permute).
    if (node.op_type === 'MatMul' && (x.layout === 'ncw' || x.layout === 'nchw')) x = this.#asHeld(x);
    if (!(node.op_type === 'MatMul' && x.layout === 'plain' && x.t.sampleShape.length > 1)) this.#need(node, x, 'flat');
    const features = x.t.sampleShape.at(-1)!;
    const wc = this.#constant(node, 1, 'weight');
    const gemm = node.op_type === 'Gemm';
    if (gemm) {
      requireAttr(node, 'transA', (a) => a.i === 0, 'transA is not supported');
      requireAttr(node, 'alpha', (a) => a.f === 1, 'alpha other than 1 is not supported');
    }
    const transB = gemm && intAttr(node, 'transB', 0) === 1;
    if (!wc.floats || wc.dims.length !== 2) fail(`${describeNode(node)}: weight '${wc.name}' must be a 2-D float32 initializer, got [${wc.dims.join(', ')}]`);
    const [k, units] = transB ? [wc.dims[1], wc.dims[0]] : wc.dims;
    if (k !== features) fail(`initializer '${wc.name}' (weight of ${describeNode(node)}) has shape [${wc.dims.join(', ')}] but its input has ${features} features`);
    let kernel = transB ? permute(wc.floats!, wc.dims, [1, 0]).data : wc.floats!;

    // The bias: Gemm's C, or the Add of a constant right after a MatMul (PyTorch writes both).
    let bias: Float32Array | null = null;
    let last = node;
    if (gemm && node.input![2]) {
      requireAttr(node, 'beta', (a) => a.f === 1, 'beta other than 1 is not supported');
      const c = this.#constant(node, 2, 'bias');
      if (sizeOfDims(c.dims) !== units || c.dims.length > 2 || (c.dims.length === 2 && c.dims[0] !== 1)) fail(`initializer '${c.name}' (bias of ${describeNode(node)}) has shape [${c.dims.join(', ')}] but the graph needs [${units}]`);
      bias = this.#floats(node, 2, 'bias');
    } else if (!gemm) {
      const add = this.#soleConsumer(out(node), (op) => op === 'Add');
      const other = add?.input?.find((n) => n !== out(node));
      if (add && other && this.constants.has(other)) {
        bias = this.#floats(add, add.input!.indexOf(other), 'bias', [units]);
        this.#done.add(add);
        last = add;
      }
    }

    // A CHW-ordered input: wgslnet's row j (HWC order) is ONNX's row chwIndex(j).
    if (typeof x.layout === 'object') kernel = takeRows(kernel, hwcToChw(x.layout.chw), units);

    const fused = this.#fusable(out(last));
    const layer = dense({ units, useBias: bias !== null, activation: fused?.activation, kernelInitializer: 'zeros' });
    const made: Float32Array[] = bias ? [kernel, bias] : [kernel];
    const t = this.#apply(layer, x, made);
    const name = this.#finish(last, fused, { t, layout: 'plain' });
    this.#denseOf.set(name, this.#made.at(-1)!);
  }

  #pool(node: NodeMsg, x: Value): void {
    this.#need(node, x, 'nchw');
    const [h, w] = x.t.sampleShape;
    const kernel = intsAttr(node, 'kernel_shape') ?? fail(`${describeNode(node)}: kernel_shape is required`);
    const strides = this.#window(node, kernel);
    requireAttr(node, 'ceil_mode', (a) => a.i === 0, 'ceil_mode 1 is not supported');
    requireAttr(node, 'storage_order', (a) => a.i === 0, 'storage_order 1 is not supported');
    const padding = this.#padding(node, [h, w], kernel, strides, intsAttr(node, 'pads'));
    const average = node.op_type === 'AveragePool';
    // Keras averages over the window's elements inside the input only.
    if (average && padding === 'same' && intAttr(node, 'count_include_pad', 0) !== 0) fail(`${describeNode(node)}: count_include_pad 1 with padding; Keras averages over the unpadded elements`);
    const config = { poolSize: kernel as [number, number], strides: strides as [number, number], padding };
    this.#values.set(out(node), { t: this.#apply(average ? averagePooling2d(config) : maxPooling2d(config), x, []), layout: 'nchw' });
  }

  #resize(node: NodeMsg, x: Value): void {
    this.#need(node, x, 'nchw');
    const [h, w, c] = x.t.sampleShape;
    const mode = stringAttr(node, 'mode', 'nearest');
    const transform = stringAttr(node, 'coordinate_transformation_mode', 'half_pixel');
    const nearest = stringAttr(node, 'nearest_mode', 'round_prefer_floor');
    // For integer factors s, output pixel i reads floor(i / s) under 'asymmetric' + 'floor' and
    // under half-pixel rounding too ((i + ½)/s − ½ never lands on a tie).
    const exact = (transform === 'asymmetric' && nearest === 'floor') || (['half_pixel', 'pytorch_half_pixel'].includes(transform) && nearest.startsWith('round_prefer'));
    // Bilinear as TF.js places it: output pixel i at input position i / s, which is 'asymmetric'.
    const bilinear = mode === 'linear' && transform === 'asymmetric';
    if (!bilinear && (mode !== 'nearest' || !exact)) fail(`${describeNode(node)}: mode '${mode}', coordinate_transformation_mode '${transform}', nearest_mode '${nearest}'; wgslnet upsamples by integer factors, nearest ('asymmetric' + 'floor') or linear ('asymmetric', TF.js's bilinear)`);
    requireAttr(node, 'axes', () => false, 'axes are not supported');
    let scales: number[];
    if (node.input![2]) scales = [...this.#floats(node, 2, 'scales', [4])];
    else if (node.input![3]) {
      const sizes = this.#constant(node, 3, 'sizes').ints ?? [];
      scales = [1, sizes[1] / c, sizes[2] / h, sizes[3] / w];
    } else return fail(`${describeNode(node)}: needs scales or sizes`);
    if (scales[0] !== 1 || scales[1] !== 1 || !(Number.isInteger(scales[2]) && scales[2] >= 1 && Number.isInteger(scales[3]) && scales[3] >= 1)) {
      fail(`${describeNode(node)}: scales [${scales.join(', ')}]; wgslnet upsamples height and width by integer factors`);
    }
    const interpolation = bilinear ? 'bilinear' : 'nearest';
    this.#values.set(out(node), { t: this.#apply(upSampling2d({ size: [scales[2], scales[3]], interpolation }), x, []), layout: 'nchw' });
  }

  #flatten(node: NodeMsg, x: Value): void {
    if (typeof x.layout === 'object' || x.layout === 'c11') {
      this.#values.set(out(node), x.layout === 'c11' ? { t: x.t, layout: 'plain' } : x);
      return;
    }
    const t = x.t.sampleShape.length === 1 ? x.t : this.#apply(flatten(), x, []);
    const [h, w, c] = x.t.sampleShape;
    this.#values.set(out(node), { t, layout: x.layout === 'nchw' ? { chw: [c, h, w] } : 'plain' });
  }

  /** Zero padding of height and width (ZeroPadding2D): constant mode, value 0, nothing on N and C. */
  #pad(node: NodeMsg, x: Value): void {
    this.#need(node, x, 'nchw');
    const mode = stringAttr(node, 'mode', 'constant');
    const pads = this.#constant(node, 1, 'pads').ints ?? [];
    const value = node.input![2] ? this.#floats(node, 2, 'constant_value') : null;
    const [n0, c0, top, left, n1, c1, bottom, right] = pads;
    if (mode !== 'constant' || node.input![3] || (value && value[0] !== 0) || pads.length !== 8 || n0 || c0 || n1 || c1 || [top, left, bottom, right].some((p) => p < 0)) {
      fail(`${describeNode(node)}: wgslnet pads height and width with zeros (ZeroPadding2D); got mode '${mode}', pads [${pads.join(', ')}]`);
    }
    this.#values.set(out(node), { t: this.#apply(zeroPadding2d({ padding: [[top, bottom], [left, right]] }), x, []), layout: 'nchw' });
  }

  /** A crop of height and width (Cropping2D): Slice with steps of 1 on axes 2 and 3 only. */
  #slice(node: NodeMsg, x: Value): void {
    this.#need(node, x, 'nchw');
    const [h, w, c] = x.t.sampleShape;
    const ints = (i: number, what: string) => (node.input![i] ? (this.#constant(node, i, what).ints ?? fail(`${describeNode(node)}: ${what} must be integers`)) : null);
    const [starts, ends] = [ints(1, 'starts')!, ints(2, 'ends')!];
    const axes = (ints(3, 'axes') ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + 4 : a));
    const steps = ints(4, 'steps');
    const crop = [[0, 0], [0, 0]] as [[number, number], [number, number]];
    const size = [c, h, w];
    const ok = starts.length === ends.length && axes.length === starts.length && (!steps || steps.every((s) => s === 1)) && axes.every((a, i) => {
      if (a !== 2 && a !== 3) return false;
      const dim = size[a - 1];
      const begin = Math.min(Math.max(starts[i] < 0 ? starts[i] + dim : starts[i], 0), dim);
      const end = Math.min(Math.max(ends[i] < 0 ? ends[i] + dim : ends[i], 0), dim);
      crop[a - 2] = [begin, dim - end];
      return end > begin;
    });
    if (!ok) fail(`${describeNode(node)}: wgslnet slices height and width with step 1 (Cropping2D); got starts [${starts.join(', ')}], ends [${ends.join(', ')}], axes [${axes.join(', ')}]`);
    this.#values.set(out(node), { t: this.#apply(cropping2d({ cropping: crop }), x, []), layout: 'nchw' });
  }

  /** Inference-mode BatchNormalization over the channels (NCHW axis 1) or the features of a flat value. */
  #batchNorm(node: NodeMsg, x: Value): void {
    if (x.layout !== 'nchw' && !(x.layout === 'plain' && x.t.sampleShape.length === 1)) fail(`${describeNode(node)}: wgslnet normalizes the channels of an NCHW input or the features of a [batch, features] one; '${node.input![0]}' is [batch, ${this.#onnxShape(x).join(', ')}]`);
    requireAttr(node, 'training_mode', (a) => a.i === 0, 'training_mode 1 is not supported (export in inference mode)');
    if (node.output!.slice(1).some(Boolean)) fail(`${describeNode(node)}: its running mean and variance outputs are not supported`);
    const channels = x.t.sampleShape.at(-1)!;
    const [gamma, beta, mean, variance] = (['scale', 'bias', 'mean', 'variance'] as const).map((what, i) => this.#floats(node, i + 1, what, [channels]));
    // ONNX's defaults: epsilon 1e-5, momentum 0.9 (the same moving-average rule as Keras's).
    const layer = batchNormalization({ axis: -1, epsilon: floatAttr(node, 'epsilon', 1e-5), momentum: floatAttr(node, 'momentum', 0.9) });
    this.#values.set(out(node), { t: this.#apply(layer, x, [gamma, beta, mean, variance]), layout: x.layout });
  }

  /** A channels-first value as wgslnet's tensor of the array ONNX holds (layout 'plain'): a Permute. */
  #asHeld(x: Value): Value {
    const order = x.layout === 'nchw' ? TO_NCHW : [0, 2, 1];
    return { t: this.#apply(permuteLayer({ dims: order.slice(1) }), x, []), layout: 'plain' };
  }

  /**
   * Any other Transpose that keeps the batch first: a Permute layer. The ONNX x holds wgslnet's x
   * with its layout's axis order L, so the ONNX y is wgslnet's x permuted by Q[i] = L[perm[i]]; a
   * 4-D y is taken as NCHW (as the 2-D ops read it), so wgslnet's y takes Q in NHWC order.
   */
  #permute(node: NodeMsg, x: Value, perm: number[] | undefined): void {
    const rank = this.#onnxShape(x).length + 1;
    const layouts = { plain: Array.from({ length: rank }, (_, i) => i), nchw: TO_NCHW, ncw: [0, 2, 1] } as Record<string, number[]>;
    const held = typeof x.layout === 'string' ? layouts[x.layout] : undefined;
    if (!perm || perm.length !== rank || perm[0] !== 0 || new Set(perm).size !== rank || !perm.every((p) => p >= 0 && p < rank) || !held) {
      fail(`${describeNode(node)}: perm [${perm?.join(', ') ?? 'reversed'}] on [batch, ${this.#onnxShape(x).join(', ')}]; wgslnet reads transposes that keep the batch axis first`);
    }
    const q = perm!.map((p) => held![p]);
    const layout = rank === 4 ? 'nchw' : 'plain';
    const wgslnetOrder = layout === 'nchw' ? TO_NHWC.map((i) => q[i]) : q;
    const dims = wgslnetOrder.slice(1);
    if (dims.every((d, i) => d === i + 1)) this.#values.set(out(node), { t: x.t, layout });
    else this.#values.set(out(node), { t: this.#apply(permuteLayer({ dims }), x, []), layout });
  }

  #reshape(node: NodeMsg, x: Value): void {
    requireAttr(node, 'allowzero', (a) => a.i === 0, 'allowzero 1 is not supported');
    const shape = this.#constant(node, 1, 'shape').ints ?? fail(`${describeNode(node)}: its shape must be int64`);
    const from = this.#onnxShape(x);
    const size = sizeOfDims(from);
    if (!(shape[0] === 0 || shape[0] === -1)) fail(`${describeNode(node)}: shape [${shape.join(', ')}] must keep the batch dimension first (0 or -1)`);
    const sample = shape.slice(1).map((d, i) => (d === 0 ? from[i] : d));
    const known = sizeOfDims(sample.filter((d) => d !== -1));
    const target = sample.map((d) => (d === -1 ? size / known : d));
    if (sizeOfDims(target) !== size || !target.every((d) => Number.isInteger(d) && d > 0)) fail(`${describeNode(node)}: cannot reshape [batch, ${from.join(', ')}] to [${shape.join(', ')}]`);
    if (target.length === 1) return this.#flatten(node, x);
    if (x.layout !== 'plain') fail(`${describeNode(node)}: reshaping an NCHW value to [batch, ${target.join(', ')}] is not supported (only flattening it)`);
    const users = this.#consumers.get(out(node)) ?? [];
    const readsNchw = (n: NodeMsg) => NCHW_OPS.has(n.op_type ?? '') || (n.op_type === 'Transpose' && sameArray(intsAttr(n, 'perm'), TO_NHWC));
    if (target.length === 3 && users.some(readsNchw)) {
      // ONNX reads this as NCHW [C, H, W]: wgslnet needs the flat vector in HWC order, which the
      // Dense that computed it gives by permuting its columns.
      const dense = this.#denseOf.get(node.input![0]);
      if (!dense || (this.#consumers.get(node.input![0]) ?? []).length !== 1) fail(`${describeNode(node)}: reshaping to NCHW [${target.join(', ')}] needs a Dense (Gemm/MatMul) right before it`);
      const [c, h, w] = target;
      const order = hwcToChw([c, h, w]);
      const units = order.length;
      dense!.weights[0] = takeColumns(dense!.weights[0], order, units);
      if (dense!.weights[1]) dense!.weights[1] = takeColumns(dense!.weights[1], order, units);
      this.#values.set(out(node), { t: this.#apply(reshape({ targetShape: [h, w, c] }), x, []), layout: 'nchw' });
      return;
    }
    this.#values.set(out(node), { t: this.#apply(reshape({ targetShape: target }), x, []), layout: 'plain' });
  }
}

const out = (node: NodeMsg) => node.output![0];

/** An ONNX file at a URL (absolute, or relative to the page); its external data resolves beside it. */
export async function fetchOnnx(url: string): Promise<OnnxSource> {
  let href: string;
  try {
    href = new URL(url, typeof location === 'undefined' ? undefined : location.href).href;
  } catch {
    return fail(`'${url}' is not a URL${typeof location === 'undefined' ? " (to load files in Node, import 'wgslnet/node')" : ''}`);
  }
  const get = async (u: string): Promise<Uint8Array> => {
    let response: Response;
    try {
      response = await fetch(u);
    } catch (e) {
      return fail(`fetching '${u}' failed: ${(e as Error).message}`);
    }
    if (!response.ok) fail(`fetching '${u}' failed: HTTP ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return { bytes: await get(href), name: `'${href}'`, readExternal: (location) => get(new URL(location, href).href) };
}
