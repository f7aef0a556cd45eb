// Which layer class a saved model's class_name means: the built-in layers (src/layers/index.ts)
// and the classes users register, as TF.js's serialization.registerClass. Looked up with a Map, so
// a name from a file ('__proto__', 'toString') is only ever an unknown name.
import type { LayerClass } from './layer.js';

const registered = new Map<string, LayerClass>();

/**
 * Makes a Layer subclass loadable by name: it needs `static className` (the name saved in
 * model.json) and, unless its constructor takes its own getConfig() output, `static fromConfig`.
 */
export function registerLayer(cls: LayerClass): void {
  const name = cls?.className;
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.>-]*$/.test(name) || name === 'Layer') {
    throw new Error(`registerLayer: the class needs a static className naming it (e.g. static className = 'MyLayer'), got ${JSON.stringify(name)}`);
  }
  if (typeof cls.fromConfig !== 'function') throw new Error(`registerLayer: class '${name}' has no static fromConfig`);
  const existing = registered.get(name);
  if (existing && existing !== cls) throw new Error(`registerLayer: another class is already registered as '${name}'`);
  registered.set(name, cls);
}

export function registeredLayer(name: string): LayerClass | undefined {
  return registered.get(name);
}

export function registeredLayerNames(): string[] {
  return [...registered.keys()];
}
