// wgslnet for Node: the whole browser API, with init() defaulting to Dawn's WebGPU, plus
// Node-only helpers (files, PNG, the CLI).
import { init as initWith, type InitOptions, type Context } from '../device.js';
import { dawnGpu } from './gpu.js';

export * from '../index.js';

/** Like the browser init(), with Dawn (npm 'webgpu') as the default GPU. */
export function init(options: InitOptions = {}): Promise<Context> {
  return initWith({ ...options, gpu: options.gpu ?? dawnGpu() });
}
