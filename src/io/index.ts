// Saving and loading models in TensorFlow.js's layers format through IOHandlers (TF.js's
// interface: save(artifacts) / load()), chosen by URL scheme: 'downloads://', 'indexeddb://',
// 'http(s)://' here, 'file://' once wgslnet/node is imported. ONNX files: 'onnx://' (Node),
// 'downloads://name.onnx', and loadOnnx(). A plain string is a file path where
// 'file://' is registered (Node) and a URL relative to the page otherwise.
import type { AnyModel, Model } from '../model.js';
import { matchWeights, modelArtifacts, modelFromTopology, specsBytes, type IOHandler, type ModelArtifacts, type SaveResult } from './serialization.js';
import { downloadsHandler, httpHandler, indexedDBHandler } from './browser.js';
import { loadLimits, overLimit, type LoadOptions } from './limits.js';
import { withWeightBudget } from '../initializers.js';
import { disposeIfThrows } from '../tensor.js';

export type { IOHandler, ModelArtifacts, ModelJSON, SaveResult, WeightSpec, WeightsManifestGroup } from './serialization.js';
export type { LoadOptions } from './limits.js';

type MakeHandler = (url: string, options?: LoadOptions) => IOHandler;
const handlers = new Map<string, MakeHandler>();

/** Routes URLs starting with `scheme` ('file://' or 'file') to handlers made by `make(url, loadOptions)`. */
export function registerIOHandler(scheme: string, make: MakeHandler): void {
  handlers.set(scheme.replace(/:(\/\/)?$/, '').toLowerCase(), make);
}

registerIOHandler('downloads://', downloadsHandler);
registerIOHandler('indexeddb://', indexedDBHandler);
registerIOHandler('http://', httpHandler);
registerIOHandler('https://', httpHandler);

function handlerFor(target: string | IOHandler, method: 'save' | 'load', options?: LoadOptions): IOHandler & Required<Pick<IOHandler, typeof method>> {
  let handler = target as IOHandler;
  if (typeof target === 'string') {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1].toLowerCase();
    const make = scheme === undefined ? (handlers.get('file') ?? httpHandler) : handlers.get(scheme);
    if (!make) {
      const known = [...handlers.keys()].map((k) => `'${k}://'`).join(', ');
      throw new Error(`no IOHandler for '${target}': known schemes are ${known}${scheme === 'file' ? " ('file://' needs wgslnet/node)" : ''}`);
    }
    handler = make(target, options);
  }
  if (typeof handler?.[method] !== 'function') throw new Error(`the IOHandler for ${typeof target === 'string' ? `'${target}'` : 'this model'} cannot ${method}`);
  return handler as IOHandler & Required<Pick<IOHandler, typeof method>>;
}

/** 'onnx://path' (Node) and 'downloads://name.onnx' (browser) take an ONNX file instead of the layers format. */
function isOnnxDestination(destination: string | IOHandler): boolean {
  return typeof destination === 'string' && (/^onnx:\/\//i.test(destination) || /^downloads:\/\/.+\.onnx$/i.test(destination));
}

/** Saves topology and weights (model.save); ONNX destinations load the exporter on first use. */
export async function saveModel(model: AnyModel, destination: string | IOHandler): Promise<SaveResult> {
  const handler = handlerFor(destination, 'save');
  if (!isOnnxDestination(destination)) return handler.save(await modelArtifacts(model));
  const { toOnnx } = await import('./onnx/export.js');
  const bytes = await toOnnx(model);
  return handler.save({ format: 'onnx', modelTopology: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

/** The model as ONNX bytes (opset 18, NHWC in and out; see io/onnx/export.ts), the exporter loaded on first use. */
export async function toOnnx(model: AnyModel): Promise<Uint8Array> {
  return (await import('./onnx/export.js')).toOnnx(model);
}

/** An ONNX file's bytes and, for a file or URL, a reader of its external-data files (io/onnx/import.ts checks their paths first). */
export interface OnnxSource {
  bytes: Uint8Array;
  /** Where the file came from, for messages. */
  name: string;
  readExternal?: (location: string) => Promise<Uint8Array>;
}

/** 'onnx://path' (Node): an IOHandler whose load() returns ONNX artifacts with readExternal (src/node/onnx.ts). */
export type OnnxArtifacts = ModelArtifacts & { format: 'onnx'; modelTopology: ArrayBuffer; readExternal?: OnnxSource['readExternal'] };

/**
 * A wgslnet Model from an ONNX file: bytes, a URL (fetched), or in Node a path or 'onnx://path'.
 * The importer is loaded on first use; see io/onnx/import.ts for the ops it reads. `options.maxWeightBytes`
 * bounds the weights a file may declare (1 GiB by default), as for loadModel.
 */
export async function loadOnnx(source: Uint8Array | ArrayBuffer | string, options?: LoadOptions): Promise<Model> {
  const limits = loadLimits(options);
  const { fromOnnx, fetchOnnx } = await import('./onnx/import.js');
  if (typeof source !== 'string') return fromOnnx({ bytes: source instanceof Uint8Array ? source : new Uint8Array(source), name: 'the ONNX bytes' }, limits);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source)?.[1].toLowerCase();
  if (scheme === 'http' || scheme === 'https' || (scheme === undefined && !handlers.has('onnx'))) return fromOnnx(await fetchOnnx(source), limits);
  const artifacts = (await handlerFor(scheme === undefined ? `onnx://${source}` : source, 'load', limits).load()) as OnnxArtifacts;
  if (artifacts.format !== 'onnx') throw new Error(`loadOnnx: '${source}' did not load as an ONNX file (use loadModel for the layers format)`);
  return fromOnnx({ bytes: new Uint8Array(artifacts.modelTopology), name: `'${source}'`, readExternal: artifacts.readExternal }, limits);
}

/** Loads saved weights into a model (model.loadWeights): everything is checked first, so an error changes nothing. */
export async function loadWeightsInto(model: AnyModel, source: string | IOHandler, options?: LoadOptions): Promise<void> {
  const artifacts = await handlerFor(source, 'load', loadLimits(options)).load();
  model.setWeights(matchWeights(model, artifacts));
}

/**
 * Builds the artifacts' layers allowing them the bytes of weights the artifacts hold (all of them
 * must then match), or `maxWeightBytes` for a topology alone: a topology declaring gigabytes is
 * refused before its first large weight is allocated, and a failed build frees what it made.
 */
function buildWithinBudget(artifacts: ModelArtifacts, limits: Required<LoadOptions>) {
  const held = artifacts.weightSpecs === undefined ? undefined : specsBytes(artifacts.weightSpecs);
  const budget = Math.min(held ?? Infinity, limits.maxWeightBytes);
  const exceeded = (needed: number) =>
    held !== undefined && held <= limits.maxWeightBytes
      ? new Error(`the model's layers need at least ${needed} bytes of weights but its saved weights are ${held} bytes`)
      : overLimit("the model's layers need at least", needed, 'maxWeightBytes', limits.maxWeightBytes);
  return disposeIfThrows(() => withWeightBudget(budget, exceeded, () => modelFromTopology(artifacts.modelTopology)));
}

/**
 * A model saved by save() or by TF.js / Keras (layers format), with its weights. Model files are
 * untrusted input: `options` bounds what they may make wgslnet read and allocate (see LoadOptions).
 */
export async function loadModel(source: string | IOHandler, options?: LoadOptions): Promise<Model> {
  const limits = loadLimits(options);
  const artifacts = await handlerFor(source, 'load', limits).load();
  const model = buildWithinBudget(artifacts, limits);
  // Topology-only artifacts keep the initial weights, as in TF.js.
  if (artifacts.weightData === undefined && artifacts.weightSpecs === undefined) return model;
  try {
    model.setWeights(matchWeights(model, artifacts));
  } catch (e) {
    for (const w of model.weights) w.value.dispose();
    throw e;
  }
  return model;
}
