// Node runs the browser test files unchanged: give them navigator.gpu from Dawn (npm 'webgpu').
import { dawnGpu } from '../src/node/gpu.js';

const g = globalThis as { navigator?: { gpu?: GPU } };
if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
if (!g.navigator!.gpu) Object.defineProperty(g.navigator, 'gpu', { value: await dawnGpu(), configurable: true });
