// Saving and loading models in TensorFlow.js's layers format through IOHandlers (TF.js's
// interface: save(artifacts) / load()), chosen by URL scheme: 'downloads://', 'indexeddb://',
// 'http(s)://' here, 'file://' once wgslnet/node is imported. A plain string is a file path where
// 'file://' is registered (Node) and a URL relative to the page otherwise.
import type { Model } from '../model.js';
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

/** Saves topology and weights (model.save). */
export async function saveModel(model: Model, destination: string | IOHandler): Promise<SaveResult> {
  const handler = handlerFor(destination, 'save');
  return handler.save(await modelArtifacts(model));
}

/** Loads saved weights into a model (model.loadWeights): everything is checked first, so an error changes nothing. */
export async function loadWeightsInto(model: Model, source: string | IOHandler, options?: LoadOptions): Promise<void> {
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
