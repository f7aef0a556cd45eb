// Models in TensorFlow.js's layers format, browser-safe: Model ↔ Keras topology JSON (the
// functional 'Model' class, or 'Sequential' for a Sequential, with snake_case configs, as TF.js's
// LayersModel.save writes them), and
// weights ↔ one binary buffer described by weight specs in Keras's order. Reading accepts what
// TF.js and Keras write: 'Sequential', 'Model' and 'Functional' topologies (nested ones too),
// Keras 2 and Keras 3 node formats. Each layer class writes and reads its own config
// (getConfig/fromConfig); here configs only change case. Options wgslnet cannot honour are errors
// naming the layer, never silently dropped.
import { Model, Sequential, type AnyModel } from '../model.js';
import { input, type SymbolicTensor } from '../graph.js';
import { InputLayer } from '../layers/input_layer.js';
import type { Layer, LayerClass } from '../layers/layer.js';
import { BUILTIN_LAYERS } from '../layers/index.js';
import { registeredLayer, registeredLayerNames } from '../layers/registry.js';
import { isObject } from '../layers/config.js';
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
// Keras's snake_case ↔ TF.js's camelCase (configs only; names and values are left as they are)

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function convertKeys(v: unknown, convert: (key: string) => string): unknown {
  if (Array.isArray(v)) return v.map((e) => convertKeys(e, convert));
  if (typeof v !== 'object' || v === null) return v;
  const out: Json = {};
  for (const [k, e] of Object.entries(v)) if (e !== undefined) Object.defineProperty(out, convert(k), { value: convertKeys(e, convert), enumerable: true, writable: true, configurable: true });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Saving: Model → topology

/** A functional model's config: its layers with their inbound nodes, its inputs and outputs. */
function modelConfig(model: AnyModel): Json {
  // A layer called several times has a node per call, numbered in call order; a tensor is
  // [producing layer, its node index, output index].
  const nodesOf = (layer: Layer) => model.nodes.filter((n) => n.layer === layer).sort((p, q) => p.id - q.id);
  const ref = (t: SymbolicTensor) => model.tensorRef(t);
  const layers = model.allLayers.map((layer) => ({
    name: layer.name,
    class_name: layer.className,
    config: layerConfigJson(layer),
    inbound_nodes: layer instanceof InputLayer ? [] : nodesOf(layer).map((n) => n.inputs.map((t) => [...ref(t), {}])),
  }));
  return { name: model.name, layers, input_layers: model.inputs.map(ref), output_layers: model.outputs.map(ref) };
}

/** A layer's config as model.json holds it: a nested model's own topology config, else snake_case. */
function layerConfigJson(layer: Layer): Json {
  if (layer instanceof Sequential) return sequentialConfig(layer);
  return layer instanceof Model ? modelConfig(layer) : (convertKeys(layer.getConfig(), snakeCase) as Json);
}

/**
 * A Sequential's config as TF.js's Sequential.getConfig writes it: the layers in order, the input
 * shape as the first one's batch_input_shape. Where that would not say it all (a nested model
 * first, or an input not named '<first layer>_input', which readers call it), the InputLayer leads
 * the list, as Keras 2 writes it.
 */
function sequentialConfig(model: Sequential): Json {
  const [first] = model.layers;
  const [inputLayer] = model.inputLayers;
  const entry = (layer: Layer) => ({ class_name: layer.className, config: layerConfigJson(layer) });
  const layers = model.layers.map(entry);
  if (!first || first instanceof Model || inputLayer.name !== `${first.name}_input`) layers.unshift(entry(inputLayer));
  else layers[0].config = { ...layers[0].config, batch_input_shape: [null, ...model.inputShape] };
  return { name: model.name, layers };
}

/** The topology TF.js's LayersModel.save writes: class 'Sequential' for a Sequential, else the functional 'Model'. */
export function modelTopology(model: AnyModel): Json {
  const [className, config] = model instanceof Sequential ? ['Sequential', sequentialConfig(model)] : ['Model', modelConfig(model)];
  return { class_name: className, config, keras_version: GENERATED_BY, backend: 'webgpu' };
}

/** Everything save() hands to an IOHandler: topology, weight specs in Keras's order, the weights back to back. */
export async function modelArtifacts(model: AnyModel): Promise<ModelArtifacts> {
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

interface LayerJson {
  class_name?: string;
  name?: string;
  config?: Json;
  inbound_nodes?: unknown[];
}

const NESTED_MODELS = ['Sequential', 'Model', 'Functional'];
const BUILTIN = new Map<string, LayerClass>(BUILTIN_LAYERS.map((c) => [c.className, c]));

function describe(l: LayerJson): string {
  const name = l.name ?? (isObject(l.config) ? l.config.name : undefined);
  return `layer ${name === undefined ? '' : `'${String(name)}' `}(${String(l.class_name)})`;
}

function layerClass(l: LayerJson): LayerClass {
  const name = typeof l.class_name === 'string' ? l.class_name : '';
  const cls = BUILTIN.get(name) ?? registeredLayer(name);
  if (cls) return cls;
  const known = [...BUILTIN.keys(), ...registeredLayerNames(), ...NESTED_MODELS].join(', ');
  throw new Error(`unknown layer class '${String(l.class_name)}' for ${describe(l)}; wgslnet reads ${known}. A custom layer class loads once registered: registerLayer(${name || 'MyLayer'}) before loading`);
}

/** A layer entry of a topology, checked to be an object before any of its fields is read. */
function layerEntry(l: unknown): LayerJson {
  if (!isObject(l)) throw new Error(`a topology's layer entry must be an object, got ${JSON.stringify(l)}`);
  return l as LayerJson;
}

/** A layer entry's config in camelCase: an object (absent or null meaning {}), named after the entry when it has no name. */
function layerConfig(l: LayerJson): Json {
  const raw = l.config ?? {};
  if (!isObject(raw)) throw new Error(`${describe(l)}: config must be an object, got ${JSON.stringify(raw)}`);
  const config = convertKeys(raw, camelCase) as Json;
  if (config.name === undefined && l.name !== undefined) config.name = l.name;
  return config;
}

function makeLayer(entry: unknown): Layer {
  const l = layerEntry(entry);
  if (NESTED_MODELS.includes(l.class_name ?? '')) {
    if (l.config !== undefined && !isObject(l.config) && !Array.isArray(l.config)) throw new Error(`${describe(l)}: config must be an object, got ${JSON.stringify(l.config)}`);
    return modelFromConfig(l.class_name!, l.config ?? {});
  }
  const cls = layerClass(l);
  const config = layerConfig(l);
  try {
    return cls.fromConfig(config);
  } catch (e) {
    // Constructors name only the class ('Conv2D: ...'); in a file the layer's name says which one.
    if (e instanceof Error && e.constructor === Error && !e.message.startsWith('layer ')) throw new Error(`${describe(l)}: ${e.message}`, { cause: e });
    throw e;
  }
}

function sequentialFromJson(config: Json | LayerJson[]): Sequential {
  const entries = (Array.isArray(config) ? config : config.layers) as LayerJson[] | undefined;
  if (!Array.isArray(entries) || !entries.length) throw new Error(`Sequential topology has no layers`);
  const [first, ...rest] = entries;
  layerEntry(first);
  const isInput = first.class_name === 'InputLayer';
  const firstConfig = layerConfig(first);
  const batchShape = (firstConfig.batchInputShape ?? firstConfig.batchShape) as unknown[] | undefined;
  if (!Array.isArray(batchShape)) throw new Error(`Sequential topology: ${describe(first)} declares no input shape (batch_input_shape)`);
  const shape = batchShape.slice(1);
  if (!shape.every((d) => Number.isInteger(d) && (d as number) > 0)) throw new Error(`${describe(first)}: input shape ${JSON.stringify(batchShape)} must be known positive integers after the batch axis`);
  const firstName = firstConfig.name;
  if (firstName !== undefined && typeof firstName !== 'string') throw new Error(`Sequential topology: ${describe(first)}: name must be a string, got ${JSON.stringify(firstName)}`);
  // Keras names a Sequential's implicit input after its first layer.
  let y = input({ shape: shape as number[], name: isInput ? firstName : firstName && `${firstName}_input` });
  const x = y;
  for (const l of isInput ? rest : entries) y = makeLayer(l).apply(y);
  return new Sequential({ inputs: x, outputs: y, name: Array.isArray(config) ? undefined : (config.name as string | undefined) });
}

type Ref = [string, number, number];

/** [layer, nodeIndex, tensorIndex] from a Keras 2 / TF.js node entry or a Keras 3 __keras_tensor__ arg. */
function tensorRef(entry: unknown): Ref {
  const history = Array.isArray(entry) && typeof entry[0] === 'string' ? entry : (entry as { config?: { keras_history?: unknown } })?.config?.keras_history;
  const [name, node, index] = Array.isArray(history) ? history : [];
  const isIndex = (i: unknown) => Number.isInteger(i) && (i as number) >= 0;
  if (typeof name !== 'string' || !isIndex(node ?? 0) || !isIndex(index ?? 0)) throw new Error(`cannot read inbound tensor ${JSON.stringify(entry)}: expected [layer name, node index, tensor index]`);
  return [name, (node ?? 0) as number, (index ?? 0) as number];
}

/** A node's input tensors (Keras 2 / TF.js: a list of refs; Keras 3: { args: [...] }, a merge's args[0] a list). */
function nodeInputs(node: unknown): Ref[] {
  if (Array.isArray(node)) return node.map(tensorRef);
  const args = (node as { args?: unknown[] })?.args;
  if (!Array.isArray(args)) throw new Error(`cannot read inbound node ${JSON.stringify(node)}`);
  return args.flatMap((a) => (Array.isArray(a) && typeof a[0] !== 'string' ? a : [a])).map(tensorRef);
}

/** input_layers / output_layers: [[name, node, tensor], …], or Keras 3's single [name, node, tensor]. */
function endpoints(v: unknown, key: string): Ref[] {
  const list = Array.isArray(v) && typeof v[0] === 'string' ? [v] : (v ?? []);
  if (!Array.isArray(list)) throw new Error(`functional topology: ${key} must be a list of [layer name, node index, tensor index], got ${JSON.stringify(list)}`);
  if (!list.length) throw new Error(`functional topology: ${key} lists no tensors`);
  return list.map(tensorRef);
}

function functionalFromJson(config: Json): Model {
  const entries = config.layers as LayerJson[] | undefined;
  if (!Array.isArray(entries)) throw new Error('functional topology has no layers list');
  const inputRefs = endpoints(config.input_layers, 'input_layers');
  const outputRefs = endpoints(config.output_layers, 'output_layers');
  const tensors = new Map<string, SymbolicTensor>();
  const key = ([name, node, index]: Ref) => JSON.stringify([name, node, index]);
  const names = new Set<string>();
  const pending = entries.map((entry) => {
    const l = layerEntry(entry);
    const name = (l.name ?? (isObject(l.config) ? l.config.name : undefined)) as string;
    if (typeof name !== 'string') throw new Error(`functional topology: ${describe(l)} has no name`);
    if (names.has(name)) throw new Error(`functional topology: two layers are named '${name}'`);
    names.add(name);
    const nodes = l.class_name === 'InputLayer' ? [] : (l.inbound_nodes ?? []);
    if (!Array.isArray(nodes)) throw new Error(`${describe(l)}: inbound_nodes must be a list`);
    return { l, name, nodes, layer: null as Layer | null, done: 0 };
  });
  for (const p of pending) {
    if (p.l.class_name !== 'InputLayer') continue;
    const layer = InputLayer.fromConfig({ ...layerConfig(p.l), name: p.name });
    tensors.set(key([p.name, 0, 0]), input({ shape: layer.inputShape!, name: p.name }));
  }
  // Call each layer's nodes in order once their inputs exist (Keras's from_config), until nothing moves.
  for (let progress = true; progress; ) {
    progress = false;
    for (const p of pending) {
      while (p.done < p.nodes.length) {
        const refs = nodeInputs(p.nodes[p.done]);
        const xs = refs.map((r) => tensors.get(key(r)));
        if (xs.some((x) => !x)) break;
        p.layer ??= makeLayer(p.l);
        const args = p.layer.arity === 'list' ? (xs as SymbolicTensor[]) : refs.length === 1 ? xs[0]! : (xs as SymbolicTensor[]);
        // A nested model's calls are numbered from 1 (see modelConfig).
        const nodeIndex = p.done + (NESTED_MODELS.includes(p.l.class_name ?? '') ? 1 : 0);
        p.layer.applyAll(args).forEach((t, i) => tensors.set(key([p.name, nodeIndex, i]), t));
        p.done++;
        progress = true;
      }
    }
  }
  for (const p of pending) {
    if (p.done === p.nodes.length) continue;
    const refs = nodeInputs(p.nodes[p.done]);
    const missing = refs.find((r) => !tensors.has(key(r)))!;
    if (!names.has(missing[0])) throw new Error(`functional topology: ${describe(p.l)} takes input from layer '${missing[0]}', which does not exist`);
    throw new Error(`functional topology: ${describe(p.l)} waits for layer '${missing[0]}' (node ${missing[1]}), which is never computed: the graph has a cycle or reads a node that does not exist`);
  }
  const find = (r: Ref, what: string) => {
    const t = tensors.get(key(r));
    if (!t) throw new Error(`functional topology: ${what} '${r[0]}' (node ${r[1]}, tensor ${r[2]}) is ${names.has(r[0]) ? 'not computed' : 'not a layer of the model'}`);
    return t;
  };
  const inputs = inputRefs.map((r) => find(r, 'input'));
  const outputs = outputRefs.map((r) => find(r, 'output'));
  return new Model({ inputs: inputs.length === 1 ? inputs[0] : inputs, outputs: outputs.length === 1 ? outputs[0] : outputs, name: config.name as string | undefined });
}

function modelFromConfig(className: string, config: Json): Model {
  return className === 'Sequential' ? sequentialFromJson(config) : functionalFromJson(config);
}

/** A Model from a Keras / TF.js topology: 'Sequential', 'Model' or 'Functional'. */
export function modelFromTopology(topology: unknown): Model {
  if (topology instanceof ArrayBuffer || typeof topology !== 'object' || topology === null) {
    throw new Error('the model topology must be a JSON object (a graph model or a binary topology cannot be read as a layers model)');
  }
  // Keras's converter nests the model under model_config.
  const t = ((topology as Json).model_config ?? topology) as { class_name?: string; config?: Json };
  if (!isObject(t) || !NESTED_MODELS.includes(t.class_name ?? '')) throw new Error(`unknown model class '${String(t?.class_name)}'; wgslnet reads 'Sequential', 'Model' and 'Functional' topologies`);
  const config = t.config ?? {};
  if (!isObject(config) && !(t.class_name === 'Sequential' && Array.isArray(config))) throw new Error(`${t.class_name} topology: config must be an object, got ${JSON.stringify(config)}`);
  return modelFromConfig(t.class_name!, config);
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
export function matchWeights(model: AnyModel, artifacts: ModelArtifacts): Float32Array[] {
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
