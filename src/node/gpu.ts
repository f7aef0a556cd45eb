// Dawn's WebGPU for Node (npm 'webgpu', an optional peer dependency: browser apps never need its
// ~130 MB of native binaries). Only the Node entry imports this file, and only loads Dawn on init().
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

let gpu: GPU | null = null;

/**
 * Dawn's GPU object, created once; also installs WebGPU's globals (GPUBufferUsage, …) in Node.
 * Throws a message that says what to install when the 'webgpu' package is missing.
 */
export async function dawnGpu(): Promise<GPU> {
  if (!gpu) {
    let dawn: { create(flags: string[]): unknown; globals: object };
    try {
      dawn = await import('webgpu');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !/'webgpu'/.test((e as Error).message)) throw e;
      throw new Error(
        "wgslnet in Node runs on Dawn, the npm package 'webgpu', which is not installed. " +
          'Install it next to wgslnet: npm install webgpu (or pass your own WebGPU object: init({ gpu })).',
      );
    }
    Object.assign(globalThis, dawn.globals);
    gpu = dawn.create([]) as GPU;
  }
  return gpu;
}

/**
 * The Debian setup script as the reader can run it: its path inside node_modules for a package
 * consumer, scripts/setup-debian.sh in this repository; null where it is not shipped.
 */
export function setupScriptPath(): string | null {
  const script = fileURLToPath(new URL('../../scripts/setup-debian.sh', import.meta.url));
  if (!existsSync(script)) return null;
  const path = relative(process.cwd(), script);
  return path.startsWith('..') ? script : path;
}

/** What to do when Dawn finds no adapter, for a Node user. */
export function noAdapterHelp(): string {
  const script = setupScriptPath();
  return (
    'wgslnet needs a Vulkan, Metal or D3D12 driver for Dawn (npm "webgpu"). On Linux without a GPU, install ' +
    "Mesa's software Vulkan driver, lavapipe, version 24 or newer (Debian 12: mesa-vulkan-drivers from bookworm-backports" +
    (script ? `; \`bash ${script}\` installs it` : '') +
    ').'
  );
}
