// Exits 0 when Dawn (npm 'webgpu') finds a WebGPU adapter, 1 otherwise. Used by the setup scripts.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const adapter = await create([]).requestAdapter();
if (adapter) console.log(`[check-adapter] ${[adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' / ')}`);
else console.log('[check-adapter] no WebGPU adapter');
process.exit(adapter ? 0 : 1);
