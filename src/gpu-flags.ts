// WebGPU's flag values, fixed by the spec. Used instead of the GPUBufferUsage/GPUShaderStage/
// GPUMapMode globals, which Node only has once Dawn's globals are installed.
export const BufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const ShaderStage = { COMPUTE: 0x4 } as const;
export const MapMode = { READ: 0x1 } as const;
