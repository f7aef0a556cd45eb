// wgslnet's browser-safe entry: nothing in this import graph touches Node built-ins.
// Node users get the same API plus file I/O from 'wgslnet/node' (and 'wgslnet' resolves there in Node).
export { init, context, adapterName, release } from './device.js';
export type { InitOptions, Context, AdapterDescription } from './device.js';
export { Tensor, tensor, empty, write, memory, emptyPool, sizeOf } from './tensor.js';
export type { DType, Shape } from './tensor.js';
export { flush, sync, debug, kernelNames } from './runner.js';
export { activationForward, activationBackward } from './ops/activation.js';
export type { ActivationName } from './ops/activation.js';
export { fill, zeros } from './ops/fill.js';
export { sum, mean } from './ops/reduce.js';
