// wgslnet for Node: the whole browser API, with init() defaulting to Dawn's WebGPU, plus
// Node-only helpers (files, data sets, PNG, the CLI).
import { initWithHelp, type InitOptions, type Context } from '../device.js';
import { dawnGpu, noAdapterHelp } from './gpu.js';
import { registerFileHandler } from './io.js';
import { registerOnnxHandler } from './onnx.js';

export * from '../index.js';
export { datasets, makePhotos, photosFolder } from './datasets.js';
export type { ImageFolder } from './datasets.js';
export { decodeImage, resizeImage, encodePng, writePng } from './image.js';
export type { Image } from './image.js';
export { imageGrid, lossPlot } from './plot.js';
export { fileHandler } from './io.js';
export { csvLogger, CsvLogger } from './callbacks.js';
export type { CsvLoggerArgs } from './callbacks.js';
export { loadExampleData } from './example-data.js';
export type { ExampleData } from './example-data.js';

// 'file://' URLs (and plain paths) for model.save() and loadModel().
registerFileHandler();
// 'onnx://path/model.onnx' for model.save() and loadOnnx().
registerOnnxHandler();

/** Like the browser init(), with Dawn (npm 'webgpu') as the default GPU. */
export async function init(options: InitOptions = {}): Promise<Context> {
  return initWithHelp({ ...options, gpu: options.gpu ?? (await dawnGpu()) }, noAdapterHelp());
}
