// Models in TensorFlow.js's layers format, browser-safe: Model ↔ Keras topology JSON (the
// functional 'Model' class with snake_case configs, as TF.js's LayersModel.save writes it), and
// weights ↔ one binary buffer described by weight specs in Keras's order. Reading accepts what
// TF.js and Keras write: 'Sequential', 'Model' and 'Functional' topologies, Keras 2 and Keras 3
// node formats. Options wgslnet cannot honour are errors naming the layer, never silently dropped.
import { Model } from '../model.js';
import { input } from '../graph.js';
import type { SymbolicTensor } from '../graph.js';
import type { Layer, LayerConfig } from '../layers/layer.js';
import { Dense, dense } from '../layers/dense.js';
import { ConvBase, conv2d, type Conv2DConfig } from '../layers/conv2d.js';
import { conv2dTranspose } from '../layers/conv2d_transpose.js';
import { maxPooling2d, PoolingBase, type Pooling2DConfig } from '../layers/max_pooling2d.js';
import { averagePooling2d } from '../layers/average_pooling2d.js';
import { UpSampling2D, upSampling2d } from '../layers/up_sampling2d.js';
import { flatten } from '../layers/flatten.js';
import { reshape } from '../layers/reshape.js';
import { activation } from '../layers/activation.js';
import { gaussianNoise } from '../layers/gaussian_noise.js';
import { dropout } from '../layers/dropout.js';
import { activationConstants, type ActivationName } from '../ops/activation.js';
import type { L1L2 } from '../ops/regularizers.js';
import type { InitializerName, InitializerSpec } from '../initializers.js';
import { formatShape, sizeOf } from '../tensor.js';

/** One weight in the binary data: TF.js's WeightsManifestEntry. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** TF.js marks optimizer state this way; wgslnet skips it. */
  group?: string;
  /** Written by tensorflowjs_converter --quantize_*; not supported here. */
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** A model.json's weightsManifest entry: weights stored back to back across these files. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** What an IOHandler saves and loads (TF.js's ModelArtifacts, the fields wgslnet uses). */
export interface ModelArtifacts {
  modelTopology?: Record<string, unknown> | ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightSpecs?: WeightSpec[];
  /** One buffer, or (TF.js 4) a list of buffers read back to back. */
  weightData?: ArrayBuffer | ArrayBuffer[];
  trainingConfig?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

/** The contents of model.json. */
export interface ModelJSON {
  modelTopology: Record<string, unknown>;
  weightsManifest: WeightsManifestGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

export interface SaveResult {
  modelArtifactsInfo: {
    dateSaved: Date;
    modelTopologyType: 'JSON' | 'ONNX';
    modelTopologyBytes?: number;
    weightSpecsBytes?: number;
    weightDataBytes?: number;
  };
}

/** TF.js's IOHandler: where save() writes and load() reads. */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}

type Json = Record<string, unknown>;

const GENERATED_BY = 'wgslnet';

// ---------------------------------------------------------------------------------------------
// Saving: Model → topology

const INITIALIZERS: Record<string, { scale: number; mode: string; distribution: string }> = {
  glorotUniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  glorotNormal: { scale: 1, mode: 'fan_avg', distribution: 'normal' },
  heUniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  heNormal: { scale: 2, mode: 'fan_in', distribution: 'normal' },
  lecunUniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
  lecunNormal: { scale: 1, mode: 'fan_in', distribution: 'normal' },
};

/** TF.js writes the variance-scaling family as VarianceScaling (its 'normal' is truncated, as ours). */
function initializerToJson(spec: InitializerSpec): Json {
  const o = typeof spec === 'string' ? { name: spec } : spec;
  const seed = o.seed ?? null;
  if (o.name in INITIALIZERS) return { class_name: 'VarianceScaling', config: { ...INITIALIZERS[o.name], seed } };
  switch (o.name) {
    case 'zeros': return { class_name: 'Zeros', config: {} };
    case 'ones': return { class_name: 'Ones', config: {} };
    case 'randomNormal': return { class_name: 'RandomNormal', config: { mean: o.mean ?? 0, stddev: o.stddev ?? 0.05, seed } };
    case 'randomUniform': return { class_name: 'RandomUniform', config: { minval: o.minval ?? -0.05, maxval: o.maxval ?? 0.05, seed } };
  }
  throw new Error(`cannot save initializer '${o.name}'`);
}

function regularizerToJson(reg: L1L2 | undefined): Json | null {
  return reg ? { class_name: 'L1L2', config: { l1: reg.l1 ?? 0, l2: reg.l2 ?? 0 } } : null;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A layer's Keras config: getConfig() in snake_case, plus what TF.js writes that getConfig leaves out. */
function layerConfig(layer: Layer): Json {
  const config: Json = {};
  for (const [k, v] of Object.entries(layer.getConfig())) if (v !== undefined) config[snakeCase(k)] = v;
  if (layer instanceof Dense || layer instanceof ConvBase) {
    const c = layer.config;
    config.kernel_initializer = initializerToJson(c.kernelInitializer ?? 'glorotUniform');
    config.bias_initializer = initializerToJson(c.biasInitializer ?? 'zeros');
    config.kernel_regularizer = regularizerToJson(c.kernelRegularizer);
    config.bias_regularizer = regularizerToJson(c.biasRegularizer);
    config.kernel_constraint = null;
    config.bias_constraint = null;
  }
  if (layer.className === 'InputLayer') return { ...config, dtype: 'float32', sparse: false, name: layer.name };
  if (layer instanceof ConvBase) config.dilation_rate = [1, 1];
  if (layer instanceof ConvBase || layer instanceof PoolingBase || layer instanceof UpSampling2D) config.data_format = 'channels_last';
  config.activity_regularizer = regularizerToJson(layer.activityRegularizer);
  return { ...config, name: layer.name, trainable: layer.trainable, dtype: 'float32' };
}

/** The functional topology TF.js's LayersModel.save writes (class 'Model'). */
export function modelTopology(model: Model): Json {
  // A layer called twice has two nodes; a tensor is [producing layer, its node index, 0].
  const nodeIndex = new Map(model.nodes.map((node) => [node, model.nodes.filter((n) => n.layer === node.layer).indexOf(node)]));
  const ref = (t: SymbolicTensor) => (t.node ? [t.node.layer.name, nodeIndex.get(t.node)!, 0] : [model.layers[0].name, 0, 0]);
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    class_name: layer.className,
    config: layerConfig(layer),
    inbound_nodes: model.nodes.filter((n) => n.layer === layer).map((n) => [[...ref(n.input), {}]]),
  }));
  return {
    class_name: 'Model',
    config: { name: model.name, layers, input_layers: [ref(model.input)], output_layers: [ref(model.output)] },
    keras_version: GENERATED_BY,
    backend: 'webgpu',
  };
}

/** Everything save() hands to an IOHandler: topology, weight specs in Keras's order, the weights back to back. */
export async function modelArtifacts(model: Model): Promise<ModelArtifacts> {
  const weights = model.weights;
  const seen = new Set<string>();
  for (const w of weights) {
    if (seen.has(w.name)) throw new Error(`model '${model.name}' has two weights named '${w.name}'; give its layers unique names before saving`);
    seen.add(w.name);
  }
  const values = await model.getWeights();
  const data = new Float32Array(values.reduce((n, v) => n + v.length, 0));
  let offset = 0;
  for (const v of values) {
    data.set(v, offset);
    offset += v.length;
  }
  return {
    modelTopology: modelTopology(model),
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' })),
    weightData: data.buffer,
  };
}

// ---------------------------------------------------------------------------------------------
// Loading: topology → Model

/** Reads a layer's config, naming the layer in every error. */
class ConfigReader {
  constructor(
    readonly c: Json,
    readonly what: string,
  ) {}

  fail(why: string): Error {
    return new Error(`${this.what}: ${why}`);
  }

  /** Options wgslnet does not implement must hold their default (any of `allowed`, null and absent always pass). */
  only(key: string, ...allowed: unknown[]): void {
    const v = this.c[key];
    if (v === undefined || v === null || allowed.some((a) => JSON.stringify(a) === JSON.stringify(v))) return;
    const supported = allowed.length ? ` (wgslnet supports ${allowed.map((a) => JSON.stringify(a)).join(' or ')})` : '';
    throw this.fail(`${key} ${JSON.stringify(v)} is not supported${supported}`);
  }

  number(key: string): number {
    const v = this.c[key];
    if (typeof v !== 'number') throw this.fail(`${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  }

  optional<T>(key: string): T | undefined {
    return (this.c[key] ?? undefined) as T | undefined;
  }

  shape(key: string): number[] {
    const v = this.c[key];
    if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d) && d > 0)) throw this.fail(`${key} must be a list of positive integers, got ${JSON.stringify(v)}`);
    return v;
  }

  activation(key = 'activation'): ActivationName {
    const v = (this.c[key] ?? 'linear') as ActivationName;
    try {
      activationConstants(v);
    } catch (e) {
      throw this.fail((e as Error).message);
    }
    return v;
  }

  initializer(key: string): InitializerSpec | undefined {
    const v = this.c[key] as { class_name?: string; config?: Json } | null | undefined;
    if (!v) return undefined;
    const cfg = v.config ?? {};
    const seed = typeof cfg.seed === 'number' ? cfg.seed : undefined;
    const named = (name: InitializerName, extra: Json = {}): InitializerSpec => ({ name, ...(seed === undefined ? {} : { seed }), ...extra });
    switch (v.class_name) {
      case 'VarianceScaling': {
        const distribution = cfg.distribution === 'truncated_normal' ? 'normal' : cfg.distribution;
        const name = Object.keys(INITIALIZERS).find((k) => {
          const o = INITIALIZERS[k];
          return o.scale === (cfg.scale ?? 1) && o.mode === (cfg.mode ?? 'fan_in') && o.distribution === (distribution ?? 'normal');
        });
        // Only the initial values differ, and those are replaced by the saved weights.
        return name ? named(name as InitializerName) : undefined;
      }
      case 'GlorotUniform': return named('glorotUniform');
      case 'GlorotNormal': return named('glorotNormal');
      case 'HeUniform': return named('heUniform');
      case 'HeNormal': return named('heNormal');
      case 'LecunUniform': return named('lecunUniform');
      case 'LecunNormal': return named('lecunNormal');
      case 'Zeros': return 'zeros';
      case 'Ones': return 'ones';
      case 'RandomNormal': return named('randomNormal', { mean: cfg.mean ?? 0, stddev: cfg.stddev ?? 0.05 });
      case 'RandomUniform': return named('randomUniform', { minval: cfg.minval ?? -0.05, maxval: cfg.maxval ?? 0.05 });
    }
    return undefined;
  }

  regularizer(key: string): L1L2 | undefined {
    const v = this.c[key] as { class_name?: string; config?: { l1?: number; l2?: number } } | null | undefined;
    if (!v) return undefined;
    if (!['L1L2', 'L1', 'L2'].includes(v.class_name ?? '')) throw this.fail(`${key} '${v.class_name}' is not supported (wgslnet supports L1L2, L1, L2)`);
    return { l1: v.config?.l1 ?? 0, l2: v.config?.l2 ?? 0 };
  }

  /** What every layer takes: name, trainable, activity regularizer; float32 only. */
  base(): LayerConfig {
    const dtype = this.c.dtype as string | { config?: { name?: string } } | null | undefined;
    const dtypeName = typeof dtype === 'object' && dtype !== null ? dtype.config?.name : dtype;
    if (dtypeName !== undefined && dtypeName !== null && dtypeName !== 'float32') throw this.fail(`dtype '${dtypeName}' is not supported (wgslnet computes in float32)`);
    return { name: this.optional<string>('name'), trainable: this.optional<boolean>('trainable'), activityRegularizer: this.regularizer('activity_regularizer') };
  }

  conv(): Conv2DConfig {
    this.only('data_format', 'channels_last');
    this.only('dilation_rate', 1, [1, 1]);
    this.only('groups', 1);
    this.only('kernel_constraint');
    this.only('bias_constraint');
    return {
      ...this.base(),
      filters: this.number('filters'),
      kernelSize: this.c.kernel_size as Conv2DConfig['kernelSize'],
      strides: this.optional('strides'),
      padding: this.optional('padding'),
      activation: this.activation(),
      useBias: this.optional('use_bias'),
      kernelInitializer: this.initializer('kernel_initializer'),
      biasInitializer: this.initializer('bias_initializer'),
      kernelRegularizer: this.regularizer('kernel_regularizer'),
      biasRegularizer: this.regularizer('bias_regularizer'),
    };
  }

  pooling(): Pooling2DConfig {
    this.only('data_format', 'channels_last');
    return { ...this.base(), poolSize: this.optional('pool_size'), strides: this.optional('strides'), padding: this.optional('padding') };
  }
}

/** The layer classes wgslnet reads, from their Keras configs. */
const READERS: Record<string, (r: ConfigReader) => Layer> = {
  Dense: (r) => {
    r.only('kernel_constraint');
    r.only('bias_constraint');
    return dense({
      ...r.base(),
      units: r.number('units'),
      activation: r.activation(),
      useBias: r.optional('use_bias'),
      kernelInitializer: r.initializer('kernel_initializer'),
      biasInitializer: r.initializer('bias_initializer'),
      kernelRegularizer: r.regularizer('kernel_regularizer'),
      biasRegularizer: r.regularizer('bias_regularizer'),
      contractive: r.optional('contractive'),
    });
  },
  Conv2D: (r) => conv2d(r.conv()),
  Conv2DTranspose: (r) => {
    r.only('output_padding');
    return conv2dTranspose(r.conv());
  },
  MaxPooling2D: (r) => maxPooling2d(r.pooling()),
  AveragePooling2D: (r) => averagePooling2d(r.pooling()),
  UpSampling2D: (r) => {
    r.only('data_format', 'channels_last');
    r.only('interpolation', 'nearest');
    return upSampling2d({ ...r.base(), size: r.optional('size') });
  },
  Flatten: (r) => {
    r.only('data_format', 'channels_last');
    return flatten(r.base());
  },
  Reshape: (r) => reshape({ ...r.base(), targetShape: r.shape('target_shape') }),
  Activation: (r) => {
    const name = r.c.activation === 'softmax' ? 'softmax' : r.activation();
    return activation({ ...r.base(), activation: name });
  },
  GaussianNoise: (r) => gaussianNoise({ ...r.base(), stddev: r.number('stddev') }),
  Dropout: (r) => {
    r.only('noise_shape');
    return dropout({ ...r.base(), rate: r.number('rate') });
  },
};

interface LayerJson {
  class_name?: string;
  name?: string;
  config?: Json;
  inbound_nodes?: unknown[];
}

function describe(l: LayerJson): string {
  const name = l.name ?? l.config?.name;
  return `layer ${name === undefined ? '' : `'${name}' `}(${l.class_name})`;
}

function makeLayer(l: LayerJson): Layer {
  const read = READERS[l.class_name ?? ''];
  if (!read) {
    const nested = ['Sequential', 'Model', 'Functional'].includes(l.class_name ?? '') ? ' (nested models are not supported: save the inner layers in one model)' : '';
    throw new Error(`unknown layer class '${l.class_name}' for ${describe(l)}${nested}; wgslnet reads ${Object.keys(READERS).join(', ')}`);
  }
  return read(new ConfigReader(l.config ?? {}, describe(l)));
}

/** The per-sample input shape from an InputLayer or a first layer's config (Keras 2, TF.js or Keras 3 key). */
function sampleShape(config: Json, what: string): number[] | undefined {
  const batchShape = (config.batch_input_shape ?? config.batch_shape) as (number | null)[] | undefined;
  const shape = batchShape ? batchShape.slice(1) : (config.input_shape as number[] | undefined);
  if (shape && !shape.every((d) => Number.isInteger(d) && (d as number) > 0)) throw new Error(`${what}: input shape ${JSON.stringify(batchShape ?? shape)} must be known positive integers after the batch axis`);
  return shape as number[] | undefined;
}

function sequentialFromJson(config: Json | LayerJson[]): Model {
  const entries = (Array.isArray(config) ? config : config.layers) as LayerJson[] | undefined;
  if (!entries?.length) throw new Error(`Sequential topology has no layers`);
  const [first, ...rest] = entries;
  const isInput = first.class_name === 'InputLayer';
  const shape = sampleShape(first.config ?? {}, describe(first));
  if (!shape) throw new Error(`Sequential topology: ${describe(first)} declares no input shape (batch_input_shape)`);
  const firstName = (first.config?.name ?? first.name) as string | undefined;
  // Keras names a Sequential's implicit input after its first layer.
  let y = input({ shape, name: isInput ? firstName : firstName && `${firstName}_input` });
  const x = y;
  for (const l of isInput ? rest : entries) y = makeLayer(l).apply(y);
  return new Model({ inputs: x, outputs: y, name: Array.isArray(config) ? undefined : (config.name as string | undefined) });
}

/** [layer, nodeIndex, tensorIndex] from a Keras 2 / TF.js node entry or a Keras 3 __keras_tensor__ arg. */
function tensorRef(entry: unknown): [string, number, number] {
  if (Array.isArray(entry)) return [entry[0], entry[1] ?? 0, entry[2] ?? 0];
  const history = (entry as { config?: { keras_history?: [string, number, number] } })?.config?.keras_history;
  if (!history) throw new Error(`cannot read inbound tensor ${JSON.stringify(entry)}`);
  return history;
}

/** A node's input tensors (Keras 2 / TF.js: a list of refs; Keras 3: { args: [...] }). */
function nodeInputs(node: unknown): [string, number, number][] {
  if (Array.isArray(node)) return node.map(tensorRef);
  const args = (node as { args?: unknown[] }).args ?? [];
  return args.flatMap((a) => (Array.isArray(a) ? a : [a])).map(tensorRef);
}

/** input_layers / output_layers: [[name, node, tensor], …], or Keras 3's single [name, node, tensor]. */
function endpoints(v: unknown, key: string): [string, number, number] {
  const list = Array.isArray(v) && typeof v[0] === 'string' ? [v] : (v as unknown[] | undefined) ?? [];
  if (list.length !== 1) throw new Error(`functional topology: ${key} lists ${list.length} tensors; wgslnet models have one input and one output`);
  return tensorRef(list[0]);
}

function functionalFromJson(config: Json): Model {
  const entries = (config.layers ?? []) as LayerJson[];
  const [inName] = endpoints(config.input_layers, 'input_layers');
  const [outName, outNode] = endpoints(config.output_layers, 'output_layers');
  const tensors = new Map<string, SymbolicTensor>();
  const key = (name: string, node: number) => `${name}\u0000${node}`;
  const pending = entries.map((l) => ({ l, name: (l.name ?? l.config?.name) as string, layer: null as Layer | null, done: 0 }));
  for (const p of pending) {
    if (p.l.class_name !== 'InputLayer') continue;
    if (p.name !== inName) throw new Error(`functional topology: input layer '${p.name}' is not the model's input '${inName}'; wgslnet models have one input`);
    const shape = sampleShape(p.l.config ?? {}, describe(p.l));
    if (!shape) throw new Error(`functional topology: ${describe(p.l)} declares no input shape`);
    tensors.set(key(p.name, 0), input({ shape, name: p.name }));
  }
  // Call each layer's nodes in order once their inputs exist (Keras's from_config), until nothing moves.
  for (let progress = true; progress; ) {
    progress = false;
    for (const p of pending) {
      const nodes = p.l.class_name === 'InputLayer' ? [] : (p.l.inbound_nodes ?? []);
      while (p.done < nodes.length) {
        const inputs = nodeInputs(nodes[p.done]);
        if (inputs.length !== 1) throw new Error(`${describe(p.l)} takes ${inputs.length} inputs; wgslnet layers take one`);
        const x = tensors.get(key(inputs[0][0], inputs[0][1]));
        if (!x) break;
        p.layer ??= makeLayer(p.l);
        tensors.set(key(p.name, p.done), p.layer.apply(x));
        p.done++;
        progress = true;
      }
    }
  }
  const x = tensors.get(key(inName, 0));
  const y = tensors.get(key(outName, outNode));
  if (!x) throw new Error(`functional topology: no InputLayer named '${inName}'`);
  if (!y) throw new Error(`functional topology: output '${outName}' (node ${outNode}) is not computed from input '${inName}'`);
  return new Model({ inputs: x, outputs: y, name: config.name as string | undefined });
}

/** A Model from a Keras / TF.js topology: 'Sequential', 'Model' or 'Functional'. */
export function modelFromTopology(topology: unknown): Model {
  if (topology instanceof ArrayBuffer || typeof topology !== 'object' || topology === null) {
    throw new Error('the model topology must be a JSON object (a graph model or a binary topology cannot be read as a layers model)');
  }
  // Keras's converter nests the model under model_config.
  const t = ((topology as Json).model_config ?? topology) as { class_name?: string; config?: Json };
  switch (t.class_name) {
    case 'Sequential': return sequentialFromJson(t.config ?? {});
    case 'Model':
    case 'Functional': return functionalFromJson(t.config ?? {});
  }
  throw new Error(`unknown model class '${t.class_name}'; wgslnet reads 'Sequential', 'Model' and 'Functional' topologies`);
}

// ---------------------------------------------------------------------------------------------
// Weights

const BYTES_PER: Record<string, number> = { float32: 4 };

function specBytes(spec: WeightSpec): number {
  if (spec.quantization) throw new Error(`weight '${spec.name}' is quantized (${spec.quantization.dtype}); wgslnet reads float32 weights only`);
  const bytes = BYTES_PER[spec.dtype];
  if (!bytes) throw new Error(`weight '${spec.name}' has dtype '${spec.dtype}'; wgslnet reads float32 weights only`);
  return sizeOf(spec.shape) * bytes;
}

/** Bytes the specs take back to back. */
export function specsBytes(specs: readonly WeightSpec[]): number {
  return specs.reduce((n, s) => n + specBytes(s), 0);
}

/** TF.js 4 may give the weight data as a list of buffers: one buffer, read back to back. */
export function concatBuffers(data: ArrayBuffer | readonly ArrayBuffer[]): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/** Splits the weight data by its specs; the byte count must match exactly. */
function decodeWeights(data: ArrayBuffer, specs: readonly WeightSpec[]): Map<string, Float32Array> {
  const expected = specsBytes(specs);
  if (data.byteLength !== expected) {
    let end = 0;
    const cut = specs.find((s) => (end += specBytes(s)) > data.byteLength);
    const which = cut ? `; weight '${cut.name}' ${formatShape(cut.shape)} would end at byte ${end}` : '';
    throw new Error(`the weight data has ${data.byteLength} bytes but the weight specs need ${expected}${which}`);
  }
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const s of specs) {
    const n = sizeOf(s.shape);
    values.set(s.name, new Float32Array(data.slice(offset, offset + n * 4)));
    offset += n * 4;
  }
  return values;
}

/**
 * The saved values for each of the model's weights, all checked before anything is set: by name
 * when every name is found (TF.js's rule), else by position (Keras's rule, for a model rebuilt with
 * other automatic names); shapes must agree either way.
 */
export function matchWeights(model: Model, artifacts: ModelArtifacts): Float32Array[] {
  const { weightSpecs, weightData } = artifacts;
  if (!weightSpecs || !weightData) throw new Error(`no weights to load for model '${model.name}' (the artifacts have no weightSpecs or weightData)`);
  const values = decodeWeights(concatBuffers(weightData), weightSpecs);
  const specs = weightSpecs.filter((s) => s.group !== 'optimizer');
  const byName = new Map(specs.map((s) => [s.name, s]));
  const weights = model.weights;
  const named = weights.every((w) => byName.has(w.name));
  if (specs.length !== weights.length) {
    const missing = weights.filter((w) => !byName.has(w.name)).map((w) => `'${w.name}'`);
    const extra = specs.filter((s) => !weights.some((w) => w.name === s.name)).map((s) => `'${s.name}'`);
    const detail = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `not in the model: ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
    throw new Error(`model '${model.name}' has ${weights.length} weights but the saved weights are ${specs.length}${detail ? ` (${detail})` : ''}`);
  }
  const chosen = named ? weights.map((w) => byName.get(w.name)!) : specs;
  weights.forEach((w, i) => {
    const s = chosen[i];
    if (formatShape(s.shape) !== formatShape(w.shape)) {
      const from = s.name === w.name ? '' : ` (matched by position to saved '${s.name}')`;
      throw new Error(`weight '${w.name}' has shape ${formatShape(w.shape)} in model '${model.name}' but ${formatShape(s.shape)} in the saved weights${from}`);
    }
  });
  return chosen.map((s) => values.get(s.name)!);
}

// ---------------------------------------------------------------------------------------------
// model.json: the artifacts as files

/** Byte counts for a SaveResult, as TF.js reports them. */
export function saveResult(artifacts: ModelArtifacts): SaveResult {
  const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;
  const data = artifacts.weightData;
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: artifacts.format === 'onnx' ? 'ONNX' : 'JSON',
      modelTopologyBytes: artifacts.modelTopology === undefined ? 0 : artifacts.modelTopology instanceof ArrayBuffer ? artifacts.modelTopology.byteLength : bytes(artifacts.modelTopology),
      weightSpecsBytes: artifacts.weightSpecs === undefined ? 0 : bytes(artifacts.weightSpecs),
      weightDataBytes: data === undefined ? 0 : data instanceof ArrayBuffer ? data.byteLength : data.reduce((n, b) => n + b.byteLength, 0),
    },
  };
}

/** model.json for artifacts whose weight data is stored in `paths` (one file unless the caller splits it). */
export function toModelJSON(artifacts: ModelArtifacts, paths: string[]): ModelJSON {
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) throw new Error('model.json needs a JSON model topology');
  return {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
    ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
  };
}

/**
 * The artifacts of the model.json at `source`, whose weight files `read` fetches (paths as written).
 * Each manifest group's files must hold exactly its weights: otherwise an error names the files
 * (through `where`) and the expected and actual byte counts.
 */
export async function fromModelJSON(json: ModelJSON, source: string, read: (path: string) => Promise<ArrayBuffer>, where: (path: string) => string): Promise<ModelArtifacts> {
  if (typeof json?.modelTopology !== 'object' || json.modelTopology === null) throw new Error(`${source} is not a layers model.json (it has no modelTopology)`);
  const groups = json.weightsManifest ?? [];
  const buffers: ArrayBuffer[] = [];
  for (const group of groups) {
    const files = await Promise.all(group.paths.map(read));
    const actual = files.reduce((n, f) => n + f.byteLength, 0);
    const expected = specsBytes(group.weights);
    if (actual !== expected) {
      const names = group.paths.map((p) => `'${where(p)}'`).join(', ');
      throw new Error(`weight file${group.paths.length > 1 ? 's' : ''} ${names} ha${group.paths.length > 1 ? 've' : 's'} ${actual} bytes but ${expected} were expected (weights ${group.weights.map((w) => w.name).join(', ')})`);
    }
    buffers.push(...files);
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: concatBuffers(buffers),
  };
}
