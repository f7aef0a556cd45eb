// Dawn's WebGPU for Node (npm 'webgpu'). Only the Node entry imports this file.
import { create, globals } from 'webgpu';

let gpu: GPU | null = null;

/** Dawn's GPU object, created once; also installs WebGPU's globals (GPUBufferUsage, …) in Node. */
export function dawnGpu(): GPU {
  if (!gpu) {
    Object.assign(globalThis, globals);
    gpu = create([]) as GPU;
  }
  return gpu;
}
