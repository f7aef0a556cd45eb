// Saving and loading models in TensorFlow.js's layers format through IOHandlers (TF.js's
// interface: save(artifacts) / load()), chosen by URL scheme: 'downloads://', 'indexeddb://',
// 'http(s)://' here, 'file://' once wgslnet/node is imported. A plain string is a file path where
// 'file://' is registered (Node) and a URL relative to the page otherwise.
import type { Model } from '../model.js';
import { matchWeights, modelArtifacts, modelFromTopology, type IOHandler, type SaveResult } from './serialization.js';
import { downloadsHandler, httpHandler, indexedDBHandler } from './browser.js';

export type { IOHandler, ModelArtifacts, ModelJSON, SaveResult, WeightSpec, WeightsManifestGroup } from './serialization.js';

const handlers = new Map<string, (url: string) => IOHandler>();

/** Routes URLs starting with `scheme` ('file://' or 'file') to handlers made by `make(url)`. */
export function registerIOHandler(scheme: string, make: (url: string) => IOHandler): void {
  handlers.set(scheme.replace(/:(\/\/)?$/, '').toLowerCase(), make);
}

registerIOHandler('downloads://', downloadsHandler);
registerIOHandler('indexeddb://', indexedDBHandler);
registerIOHandler('http://', httpHandler);
registerIOHandler('https://', httpHandler);

function handlerFor(target: string | IOHandler, method: 'save' | 'load'): IOHandler & Required<Pick<IOHandler, typeof method>> {
  let handler = target as IOHandler;
  if (typeof target === 'string') {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1].toLowerCase();
    const make = scheme === undefined ? (handlers.get('file') ?? httpHandler) : handlers.get(scheme);
    if (!make) {
      const known = [...handlers.keys()].map((k) => `'${k}://'`).join(', ');
      throw new Error(`no IOHandler for '${target}': known schemes are ${known}${scheme === 'file' ? " ('file://' needs wgslnet/node)" : ''}`);
    }
    handler = make(target);
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
export async function loadWeightsInto(model: Model, source: string | IOHandler): Promise<void> {
  const artifacts = await handlerFor(source, 'load').load();
  model.setWeights(matchWeights(model, artifacts));
}

/** A model saved by save() or by TF.js / Keras (layers format), with its weights. */
export async function loadModel(source: string | IOHandler): Promise<Model> {
  const artifacts = await handlerFor(source, 'load').load();
  const model = modelFromTopology(artifacts.modelTopology);
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
