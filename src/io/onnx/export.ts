// Model → ONNX (opset 18): one ONNX node per layer call (plus its activation), weights as float32
// initializers in ONNX's layouts. The graph's input and output are wgslnet's (NHWC, batch first,
// the batch dimension named 'batch'); see layout.ts for where the Transposes go.
import type { Model } from '../../model.js';
import type { SymbolicTensor } from '../../graph.js';
import type { Layer } from '../../layers/layer.js';
import type { Dense } from '../../layers/dense.js';
import type { ConvBase } from '../../layers/conv2d.js';
import type { PoolingBase } from '../../layers/max_pooling2d.js';
import type { UpSampling2D } from '../../layers/up_sampling2d.js';
import type { Reshape } from '../../layers/reshape.js';
import type { Activation } from '../../layers/activation.js';
import type { BatchNormalization } from '../../layers/batch_normalization.js';
import type { ReLU } from '../../layers/re_lu.js';
import type { LeakyReLU } from '../../layers/leaky_re_lu.js';
import type { ELU } from '../../layers/elu.js';
import type { ZeroPadding2D } from '../../layers/zero_padding2d.js';
import type { Cropping2D } from '../../layers/cropping2d.js';
import type { Concatenate } from '../../layers/merge.js';
import type { Permute } from '../../layers/permute.js';
import type { ActivationName } from '../../ops/activation.js';
import { AttributeType, DataType, encodeModel, type AttributeMsg, type NodeMsg, type TensorMsg, type ValueInfo } from './schema.js';
import { modelTopology } from '../serialization.js';
import { EXPORT_OPSET, IR_VERSION, TOPOLOGY_KEY, KERAS_TO_ONNX_KERNEL, TO_NCHW, TO_NHWC, hwcToChw, inverse, kerasPads, permute, takeColumns, takeRows, transposePads } from './layout.js';

/**
 * A value of the ONNX graph: its name, wgslnet's per-sample shape, whether ONNX holds it as NCHW,
 * and for a flat value, [C, H, W] when ONNX holds it in CHW order (wgslnet's is HWC; layout.ts).
 */
interface Value {
  name: string;
  shape: readonly number[];
  nchw: boolean;
  chw?: readonly number[];
  /** A sequence [steps, channels] held as ONNX's [N, C, W] (what the 1-D layers leave). */
  ncw?: boolean;
}

/** Who reads a call's output: the layer calls taking it, and whether it is one of the model's outputs. */
interface Uses {
  readers: Layer[];
  isOutput: boolean;
}

/**
 * A tensor of the flattened graph. A nested model's tensors get one per call of that model (a
 * model applied twice computes two sets), so the exporter keys values by these, not by SymbolicTensor.
 */
export interface Port {
  name: string;
  shape: readonly number[];
}

/** One layer call, as the exporter sees the graph: the only code that reads its structure. */
export interface Call {
  layer: Layer;
  inputs: Port[];
  output: Port;
}

/** The graph with nested models inlined: the calls in execution order, the model's input and output ports. */
export interface FlatGraph {
  calls: Call[];
  inputs: Port[];
  outputs: Port[];
}

/**
 * The model's calls in execution order, a nested model's calls inlined where it is called (its
 * inputs are the tensors it is applied to, its outputs the ones its call produced).
 */
export function modelCalls(model: Model): FlatGraph {
  const calls: Call[] = [];
  const inline = (m: Model, inputs: Port[]): Port[] => {
    const ports = new Map<SymbolicTensor, Port>(m.inputs.map((t, i) => [t, inputs[i]]));
    for (const node of m.nodes) {
      const ins = node.inputs.map((t) => ports.get(t)!);
      const inner = node.layer as Model;
      if (Array.isArray(inner.nodes) && Array.isArray(inner.outputs)) {
        inline(inner, ins).forEach((p, i) => ports.set(node.outputs[i], p));
        continue;
      }
      if (node.outputs.length !== 1) throw new Error(`toOnnx: layer '${node.layer.name}' (${node.layer.className}) has ${node.outputs.length} outputs; the exporter writes single-output layers`);
      const output = { name: node.outputs[0].name, shape: node.outputs[0].sampleShape };
      ports.set(node.outputs[0], output);
      calls.push({ layer: node.layer, inputs: ins, output });
    }
    return m.outputs.map((t) => ports.get(t)!);
  };
  const inputs = model.inputs.map((t) => ({ name: t.name, shape: t.sampleShape }));
  return { calls, inputs, outputs: inline(model, inputs) };
}

export type Attr = number | string | readonly number[] | { floats: readonly number[] };

function attribute(name: string, value: Attr): AttributeMsg {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.INTS, ints: [...value] };
}

/** Float attributes (LeakyRelu's alpha) need their own type: numbers alone would be INT. */
const float = (name: string, f: number): AttributeMsg => ({ name, type: AttributeType.FLOAT, f });

class GraphBuilder {
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  readonly #used = new Set<string>();

  /** A fresh value name, derived from `base`. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.#used.has(name); k++) name = `${base}_${k}`;
    this.#used.add(name);
    return name;
  }

  /** Adds a node with one output; returns the output's name. */
  node(op: string, name: string, inputs: string[], attrs: Record<string, Attr> = {}, extra: AttributeMsg[] = []): string {
    const output = this.unique(`${name}/${op}`);
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ op_type: op, name: this.unique(`node:${name}/${op}`), input: inputs, output: [output], attribute: [...attribute_, ...extra] });
    return output;
  }

  floats(name: string, data: Float32Array, dims: readonly number[]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [...dims], data_type: DataType.FLOAT, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return unique;
  }

  int64s(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name: unique, dims: [values.length], data_type: DataType.INT64, raw_data: new Uint8Array(raw.buffer) });
    return unique;
  }

  transpose(v: Value, perm: readonly number[], label: string): string {
    return this.node('Transpose', label, [v.name], { perm });
  }

  /** The channels-last ONNX value of a wgslnet value (a Transpose when ONNX holds it channels first). */
  nhwc(v: Value, label: string): string {
    return v.nchw ? this.transpose(v, TO_NHWC, label) : v.ncw ? this.transpose(v, SWAP_LAST, label) : v.name;
  }

  /** Renames a node output (the last one becomes the graph's output name). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.input = n.input!.map((s) => (s === from ? to : s));
      n.output = n.output!.map((s) => (s === from ? to : s));
    }
  }
}

/** ONNX's op for each activation with its attributes (Keras's alphas by default: LeakyReLU 0.3, ELU 1, relu6's cap 6). */
function activationNode(b: GraphBuilder, v: Value, activation: ActivationName | 'softmax', label: string, alpha?: number): Value {
  switch (activation) {
    case 'linear': return v;
    case 'relu': return { ...v, name: b.node('Relu', label, [v.name]) };
    case 'sigmoid': return { ...v, name: b.node('Sigmoid', label, [v.name]) };
    case 'tanh': return { ...v, name: b.node('Tanh', label, [v.name]) };
    case 'softplus': return { ...v, name: b.node('Softplus', label, [v.name]) };
    case 'leakyRelu': return { ...v, name: b.node('LeakyRelu', label, [v.name], {}, [float('alpha', alpha ?? 0.3)]) };
    case 'elu': return { ...v, name: b.node('Elu', label, [v.name], {}, [float('alpha', alpha ?? 1)]) };
    // min(max(x, 0), cap): Clip's bounds are inputs since opset 11.
    case 'relu6': return { ...v, name: b.node('Clip', label, [v.name, b.floats(`${label}/min`, new Float32Array([0]), []), b.floats(`${label}/max`, new Float32Array([alpha ?? 6]), [])]) };
    // Keras's softmax is over the last axis: the channels, axis 1 of an NCHW value.
    case 'softmax': return { ...v, name: b.node('Softmax', label, [v.name], { axis: v.nchw || v.ncw ? 1 : -1 }) };
  }
  throw new Error(`toOnnx: no ONNX op for activation '${activation}'`);
}

function need4d(layer: Layer, v: Value): void {
  if (!v.nchw) throw new Error(`toOnnx: layer '${layer.name}' (${layer.className}) expects a 4-D input, got per-sample shape [${v.shape.join(', ')}]`);
}

type LayerExporter = (b: GraphBuilder, layer: Layer, inputs: Value[], outShape: readonly number[], weights: Float32Array[], uses: Uses) => Value;

/** One exporter per layer class; a layer not listed here is an error naming it. */
const EXPORTERS: Record<string, LayerExporter> = {
  Dense(b, layer, [x], outShape, [kernel, bias], uses) {
    const l = layer as Dense;
    // On [.., features] per sample Keras applies the kernel to the last axis: MatMul on the NHWC value.
    if (x.shape.length > 1) {
      const w = b.floats(`${l.name}/kernel`, kernel, [x.shape.at(-1)!, l.units]);
      let y: Value = { name: b.node('MatMul', l.name, [b.nhwc(x, l.name), w]), shape: outShape, nchw: false };
      if (bias) y = { ...y, name: b.node('Add', l.name, [y.name, b.floats(`${l.name}/bias`, bias, [l.units])]) };
      if (outShape.length === 3) y = { ...y, name: b.transpose(y, TO_NCHW, l.name), nchw: true };
      return activationNode(b, y, l.activation, l.name);
    }
    // A CHW-ordered input: ONNX's row i is wgslnet's row for that feature.
    if (x.chw) kernel = takeRows(kernel, inverse(hwcToChw(x.chw)), l.units);
    // Read only by a Reshape to [h, w, c]: write the columns in CHW order, so it reshapes to NCHW directly.
    const reshape = uses.readers.length === 1 && !uses.isOutput && uses.readers[0].className === 'Reshape' ? (uses.readers[0] as Reshape).targetShape : null;
    const chw = reshape?.length === 3 ? [reshape[2], reshape[0], reshape[1]] : undefined;
    if (chw) {
      const columns = inverse(hwcToChw(chw));
      kernel = takeColumns(kernel, columns, l.units);
      if (bias) bias = takeColumns(bias, columns, l.units);
    }
    const inputs = [x.name, b.floats(`${l.name}/kernel`, kernel, [x.shape[0], l.units])];
    if (bias) inputs.push(b.floats(`${l.name}/bias`, bias, [l.units]));
    const y = { name: b.node('Gemm', l.name, inputs), shape: outShape, nchw: false, chw };
    return activationNode(b, y, l.activation, l.name);
  },
  Conv2D(b, layer, [x], outShape, weights) {
    const l = layer as ConvBase;
    const inputs = convInputs(b, l, x, weights);
    // Keras pads for the window the dilated kernel spans.
    const span = l.kernelSize.map((k, i) => (k - 1) * l.dilationRate[i] + 1);
    const attrs = { kernel_shape: l.kernelSize, strides: l.strides, dilations: l.dilationRate, group: 1, pads: kerasPads(x.shape, span, l.strides, l.padding) };
    return activationNode(b, { name: b.node('Conv', l.name, inputs, attrs), shape: outShape, nchw: true }, l.activation, l.name);
  },
  Conv2DTranspose(b, layer, [x], outShape, weights) {
    const l = layer as ConvBase;
    const inputs = convInputs(b, l, x, weights);
    const { pads, outputPadding } = transposePads(x.shape, outShape, l.kernelSize, l.strides, l.padding);
    const attrs = { kernel_shape: l.kernelSize, strides: l.strides, dilations: [1, 1], group: 1, pads, output_padding: outputPadding };
    return activationNode(b, { name: b.node('ConvTranspose', l.name, inputs, attrs), shape: outShape, nchw: true }, l.activation, l.name);
  },
  // The 1-D layers as their 2-D forms on height-1 images, between Unsqueeze and Squeeze (views).
  Conv1D: oneD((b, layer, xs, outShape, weights, uses) => EXPORTERS.Conv2D(b, layer, xs, outShape, weights, uses)),
  MaxPooling1D: oneD((b, layer, xs, outShape) => pooling('MaxPool')(b, as2dPooling(layer), xs, outShape, [], NO_USES)),
  AveragePooling1D: oneD((b, layer, xs, outShape) => pooling('AveragePool')(b, as2dPooling(layer), xs, outShape, [], NO_USES)),
  UpSampling1D: oneD((b, layer, xs, outShape) => EXPORTERS.UpSampling2D(b, { name: layer.name, size: [1, (layer as unknown as { size: number }).size] } as unknown as Layer, xs, outShape, [], NO_USES)),
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  UpSampling2D(b, layer, [x], outShape) {
    const l = layer as UpSampling2D;
    need4d(l, x);
    // By integer factors, output pixel i sits at input position i / s ('asymmetric'): nearest reads
    // floor(i / s); bilinear (TF.js's placement) blends floor(i / s) and the next, clamped at the edge.
    const scales = b.floats(`${l.name}/scales`, new Float32Array([1, 1, ...l.size]), [4]);
    const attrs: Record<string, Attr> = l.interpolation === 'bilinear'
      ? { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }
      : { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
    return { name: b.node('Resize', l.name, [x.name, '', scales], attrs), shape: outShape, nchw: true };
  },
  Flatten(b, layer, [x], outShape, _weights, uses) {
    // Read by Dense layers only: flattened as NCHW (CHW order), their kernels take that order.
    if (x.nchw && !uses.isOutput && uses.readers.length > 0 && uses.readers.every((r) => r.className === 'Dense')) {
      const [h, w, c] = x.shape;
      return { name: b.node('Flatten', layer.name, [x.name], { axis: 1 }), shape: outShape, nchw: false, chw: [c, h, w] };
    }
    return { name: b.node('Flatten', layer.name, [b.nhwc(x, layer.name)], { axis: 1 }), shape: outShape, nchw: false };
  },
  Reshape(b, layer, [x], outShape) {
    const l = layer as Reshape;
    // A Dense wrote its columns in CHW order for this Reshape (see Dense): straight to NCHW.
    if (x.chw) return { name: b.node('Reshape', l.name, [x.name, b.int64s(`${l.name}/shape`, [0, ...x.chw])]), shape: outShape, nchw: true };
    // Batch 0: ONNX's "copy this dimension from the input".
    const shape = b.int64s(`${l.name}/shape`, [0, ...l.targetShape]);
    const y: Value = { name: b.node('Reshape', l.name, [b.nhwc(x, l.name), shape]), shape: outShape, nchw: false };
    return outShape.length === 3 ? { ...y, name: b.transpose(y, TO_NCHW, l.name), nchw: true } : y;
  },
  Activation(b, layer, [x]) {
    return activationNode(b, x, (layer as Activation).activation, layer.name);
  },
  ReLU: (b, layer, [x]) => {
    const cap = (layer as ReLU).maxValue;
    return cap === null ? activationNode(b, x, 'relu', layer.name) : activationNode(b, x, 'relu6', layer.name, cap);
  },
  LeakyReLU: (b, layer, [x]) => activationNode(b, x, 'leakyRelu', layer.name, (layer as LeakyReLU).alpha),
  ELU: (b, layer, [x]) => activationNode(b, x, 'elu', layer.name, (layer as ELU).alpha),
  // Only the last axis (computeOutputShape refuses others), which activationNode maps.
  Softmax: (b, layer, [x]) => activationNode(b, x, 'softmax', layer.name),
  ZeroPadding2D(b, layer, [x], outShape) {
    need4d(layer, x);
    const [[top, bottom], [left, right]] = (layer as ZeroPadding2D).padding;
    // NCHW pads: all begins, then all ends; constant mode pads with 0.
    const pads = b.int64s(`${layer.name}/pads`, [0, 0, top, left, 0, 0, bottom, right]);
    return { name: b.node('Pad', layer.name, [x.name, pads], { mode: 'constant' }), shape: outShape, nchw: true };
  },
  Cropping2D(b, layer, [x], outShape) {
    need4d(layer, x);
    const [[top, bottom], [left, right]] = (layer as Cropping2D).cropping;
    const [h, w] = x.shape;
    const inputs = [x.name, b.int64s(`${layer.name}/starts`, [top, left]), b.int64s(`${layer.name}/ends`, [h - bottom, w - right]), b.int64s(`${layer.name}/axes`, [2, 3])];
    return { name: b.node('Slice', layer.name, inputs), shape: outShape, nchw: true };
  },
  GlobalAveragePooling2D: globalPooling('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPool'),
  BatchNormalization(b, layer, [x], outShape, weights) {
    const l = layer as BatchNormalization;
    // ONNX normalizes axis 1: the channels of an NCHW value, the features of a [batch, features] one.
    const rank = x.shape.length + 1;
    if ((l.axis < 0 ? l.axis + rank : l.axis) !== rank - 1 || !(x.nchw || x.ncw || rank === 2) || x.chw) {
      throw new Error(`toOnnx: layer '${l.name}' (BatchNormalization) normalizes axis ${l.axis} of per-sample shape [${x.shape.join(', ')}]; ONNX's takes the channels of a 4-D or the features of a 2-D input`);
    }
    const channels = x.shape[x.shape.length - 1];
    // Keras's weights by name; a layer without scale or center has gamma 1, beta 0.
    const byName = new Map(l.weights.map((w, i) => [w.name.slice(w.name.lastIndexOf('/') + 1), weights[i]]));
    const param = (key: string, fill: number) => b.floats(`${l.name}/${key}`, byName.get(key) ?? new Float32Array(channels).fill(fill), [channels]);
    const inputs = [x.name, param('gamma', 1), param('beta', 0), param('moving_mean', 0), param('moving_variance', 1)];
    return { ...x, name: b.node('BatchNormalization', l.name, inputs, {}, [float('epsilon', l.epsilon), float('momentum', l.momentum)]), shape: outShape };
  },
  // Merges: ONNX's elementwise ops broadcast as Keras's do (numpy's rule) once the inputs share a layout.
  Add: merge((b, name, xs) => (xs.length === 2 ? b.node('Add', name, xs) : b.node('Sum', name, xs))),
  Subtract: merge((b, name, xs) => b.node('Sub', name, xs)),
  // Mul is binary: folded left to right, as the layer computes it.
  Multiply: merge((b, name, xs) => xs.slice(1).reduce((acc, x) => b.node('Mul', name, [acc, x]), xs[0])),
  Maximum: merge((b, name, xs) => b.node('Max', name, xs)),
  Minimum: merge((b, name, xs) => b.node('Min', name, xs)),
  Average: merge((b, name, xs) => b.node('Mean', name, xs)),
  Concatenate(b, layer, xs, outShape) {
    const { values, layout } = sameLayout(b, layer.name, xs);
    const rank = outShape.length + 1;
    const keras = (layer as Concatenate).axis;
    const axis = keras < 0 ? keras + rank : keras;
    // The channels-last axis's place in the ONNX value: NHWC axis 3 is NCHW axis 1, a sequence's 2 is NCW's 1.
    const onnxAxis = layout.nchw ? TO_NCHW.indexOf(axis) : layout.ncw ? SWAP_LAST.indexOf(axis) : axis;
    return settle(b, layer.name, { ...layout, name: b.node('Concat', layer.name, values, { axis: onnxAxis }), shape: outShape });
  },
  Permute(b, layer, [x], outShape) {
    // The ONNX value holds wgslnet's x with its layout's axes order L; wgslnet's y is x permuted by
    // P = [0, ...dims]; y is held as NCHW when 4-D (what the 2-D exporters expect), else as is. One
    // Transpose takes the ONNX x to the ONNX y: output axis i is ONNX x's axis L⁻¹[P[M[i]]].
    const rank = x.shape.length + 1;
    const identity = Array.from({ length: rank }, (_, i) => i);
    const held = (v: Layout & { chw?: unknown }) => (v.nchw ? TO_NCHW : v.ncw ? SWAP_LAST : identity);
    if (x.chw && rank !== 2) throw new Error(`toOnnx: layer '${layer.name}' (Permute) reads a CHW-ordered value`);
    const perm = [0, ...(layer as Permute).dims];
    const out: Value = { name: x.name, shape: outShape, nchw: outShape.length === 3, chw: x.chw };
    const fromX = inverse(held(x));
    const q = held(out).map((m) => fromX[perm[m]]);
    if (q.every((a, i) => a === i)) return out;
    return { ...out, name: b.transpose(x, q, layer.name) };
  },
  // Identities at inference, which is all ONNX describes.
  GaussianNoise: (_b, _layer, [x]) => x,
  Dropout: (_b, _layer, [x]) => x,
};

/** How a value is held in ONNX (see Value). */
type Layout = Pick<Value, 'nchw' | 'ncw'>;

/**
 * The inputs of a merge in one ONNX layout: as they are where they all share one (and one rank),
 * else all channels-last. Keras's broadcasting lines up trailing axes, which permuting every input
 * alike keeps.
 */
function sameLayout(b: GraphBuilder, label: string, xs: Value[]): { values: string[]; layout: Layout } {
  const [first] = xs;
  const shared = xs.every((x) => x.shape.length === first.shape.length && !!x.nchw === !!first.nchw && !!x.ncw === !!first.ncw && !x.chw);
  if (shared) return { values: xs.map((x) => x.name), layout: { nchw: !!first.nchw, ncw: !!first.ncw } };
  return { values: xs.map((x) => b.nhwc(x, label)), layout: { nchw: false, ncw: false } };
}

/** A channels-last 4-D result goes back to NCHW, which the 2-D exporters expect of every 4-D value. */
function settle(b: GraphBuilder, label: string, y: Value): Value {
  return y.shape.length === 3 && !y.nchw ? { ...y, name: b.transpose(y, TO_NCHW, label), nchw: true } : y;
}

function merge(op: (b: GraphBuilder, name: string, xs: string[]) => string): LayerExporter {
  return (b, layer, xs, outShape) => {
    const { values, layout } = sameLayout(b, layer.name, xs);
    return settle(b, layer.name, { ...layout, name: op(b, layer.name, values), shape: outShape });
  };
}

/** Conv and ConvTranspose inputs: x, the kernel permuted to ONNX's layout, the bias. */
function convInputs(b: GraphBuilder, l: ConvBase, x: Value, [kernel, bias]: Float32Array[]): string[] {
  need4d(l, x);
  // Conv1D's [k, in, filters] is the 2-D kernel [1, k, in, filters].
  const shape = l.kernel.shape.length === 3 ? [1, ...l.kernel.shape] : l.kernel.shape;
  const w = permute(kernel, shape, KERAS_TO_ONNX_KERNEL);
  const inputs = [x.name, b.floats(`${l.name}/kernel`, w.data, w.shape)];
  if (bias) inputs.push(b.floats(`${l.name}/bias`, bias, [l.filters]));
  return inputs;
}

const NO_USES: Uses = { readers: [], isOutput: false };
/** [0, 2, 1]: a sequence's NWC ↔ NCW. */
const SWAP_LAST = [0, 2, 1];

/** A 1-D pooling layer as the 2-D one the pooling exporter reads (height-1 windows). */
function as2dPooling(layer: Layer): Layer {
  const l = layer as unknown as { name: string; poolSize: number; strides: number; padding: string };
  return { name: l.name, className: layer.className, poolSize: [1, l.poolSize], strides: [1, l.strides], padding: l.padding } as unknown as Layer;
}

/** A 1-D layer on [steps, channels]: NCW (one Transpose where its input is NWC), Unsqueeze to NC1W, the 2-D op, Squeeze back. */
function oneD(inner: LayerExporter): LayerExporter {
  return (b, layer, [x], outShape, weights, uses) => {
    const ncw = x.ncw ? x.name : b.transpose(x, SWAP_LAST, layer.name);
    const x4 = b.node('Unsqueeze', layer.name, [ncw, b.int64s(`${layer.name}/axes`, [2])]);
    const y4 = inner(b, layer, [{ name: x4, shape: [1, ...x.shape], nchw: true }], [1, ...outShape], weights, uses);
    const y = b.node('Squeeze', layer.name, [y4.name, b.int64s(`${layer.name}/axes`, [2])]);
    return { name: y, shape: outShape, nchw: false, ncw: true };
  };
}

/** [N, C, H, W] → [N, C, 1, 1] → Flatten → [N, C]: Keras's [channels] per sample. */
function globalPooling(op: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerExporter {
  return (b, layer, [x], outShape) => {
    need4d(layer, x);
    const pooled = b.node(op, layer.name, [x.name]);
    return { name: b.node('Flatten', layer.name, [pooled], { axis: 1 }), shape: outShape, nchw: false };
  };
}

function pooling(op: 'MaxPool' | 'AveragePool'): LayerExporter {
  return (b, layer, [x], outShape) => {
    const l = layer as PoolingBase;
    need4d(l, x);
    const attrs: Record<string, Attr> = { kernel_shape: l.poolSize, strides: l.strides, pads: kerasPads(x.shape, l.poolSize, l.strides, l.padding) };
    // Keras's 'same' average is over the window's elements inside the input.
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    return { name: b.node(op, l.name, [x.name], attrs), shape: outShape, nchw: true };
  };
}

function valueInfo(name: string, sampleShape: readonly number[]): ValueInfo {
  const dim = [{ dim_param: 'batch' }, ...sampleShape.map((d) => ({ dim_value: d }))];
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

/** The layer classes toOnnx writes. */
export const EXPORTABLE_LAYERS = Object.keys(EXPORTERS);

/**
 * The model as an ONNX file (ModelProto bytes). Async because the weights are read back from the
 * GPU. Everything is checked before anything is read: a layer without an ONNX mapping is an error
 * naming it.
 */
export async function toOnnx(model: Model): Promise<Uint8Array> {
  const { calls, inputs, outputs } = modelCalls(model);
  for (const { layer } of calls) {
    if (!EXPORTERS[layer.className]) throw new Error(`toOnnx: layer '${layer.name}' (${layer.className}) has no ONNX export; exportable: ${EXPORTABLE_LAYERS.join(', ')}`);
  }
  const weights = new Map<Layer, Float32Array[]>();
  for (const { layer } of calls) if (!weights.has(layer)) weights.set(layer, await layer.getWeights());

  const b = new GraphBuilder();
  const inputNames = inputs.map((p) => b.unique(p.name));
  const outputNames = outputs.map((p) => b.unique(p.name));
  const values = new Map<Port, Value>();
  inputs.forEach((p, i) => {
    const x: Value = { name: inputNames[i], shape: p.shape, nchw: false };
    values.set(p, x.shape.length === 3 ? { ...x, name: b.transpose(x, TO_NCHW, inputNames[i]), nchw: true } : x);
  });

  const readers = new Map<Port, Layer[]>();
  for (const { layer, inputs: ins } of calls) for (const p of ins) readers.set(p, [...(readers.get(p) ?? []), layer]);
  const outputSet = new Set(outputs);
  for (const { layer, inputs: ins, output } of calls) {
    const uses = { readers: readers.get(output) ?? [], isOutput: outputSet.has(output) };
    values.set(output, EXPORTERS[layer.className](b, layer, ins.map((p) => values.get(p)!), output.shape, [...weights.get(layer)!], uses));
  }

  // Each graph output is written by a node of its own name: the channels-last value's last node,
  // renamed; an Identity where that value is a graph input, an initializer or another output.
  const written = new Set<string>();
  outputs.forEach((p, i) => {
    let y = values.get(p)!;
    if (y.nchw || y.ncw) y = { ...y, name: b.nhwc(y, outputNames[i]), nchw: false, ncw: false };
    if (inputNames.includes(y.name) || written.has(y.name) || b.initializers.some((t) => t.name === y.name)) y = { ...y, name: b.node('Identity', outputNames[i], [y.name]) };
    b.rename(y.name, outputNames[i]);
    written.add(outputNames[i]);
  });

  return encodeModel({
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: EXPORT_OPSET }],
    producer_name: 'wgslnet',
    producer_version: '0.1.0',
    doc_string: `wgslnet model '${model.name}': takes and returns wgslnet's layout (NHWC, batch first)`,
    metadata_props: [{ key: TOPOLOGY_KEY, value: JSON.stringify(modelTopology(model)) }],
    graph: {
      name: model.name,
      node: b.nodes,
      initializer: b.initializers,
      input: inputs.map((p, i) => valueInfo(inputNames[i], p.shape)),
      output: outputs.map((p, i) => valueInfo(outputNames[i], p.shape)),
    },
  });
}
