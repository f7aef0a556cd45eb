/// <reference types="@webgpu/types" preserve="true" />
// The one device layer for both runtimes: `init()` finds a WebGPU adapter (navigator.gpu in a
// browser; in Node the `wgslnet/node` entry passes Dawn's GPU object), requests the limits the
// framework needs, and turns device loss and uncaptured errors into JavaScript errors.

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU implementations (lavapipe, SwiftShader, WARP). */
  isSoftware: boolean;
}

export interface InitOptions {
  /** The GPU object to use; defaults to `navigator.gpu`. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

export interface Context {
  device: GPUDevice;
  adapter: AdapterDescription;
  limits: GPUSupportedLimits;
  features: ReadonlySet<string>;
}

// What a person reading the error can do about it. This one reaches browser pages; the Node entry
// passes its own (drivers, the npm package), so neither reader gets the other's advice.
const BROWSER_HELP =
  'wgslnet needs WebGPU: use a recent Chrome or Edge (or Firefox/Safari with WebGPU enabled) ' +
  'on a page served over https or from localhost.';

let current: Context | null = null;
/** Why the last device went away when it was lost rather than released, for context()'s error. */
let lostBecause: string | null = null;
let pending: Promise<Context> | null = null;
const deviceErrors: Error[] = [];

/** Limits asked for: as much as the adapter offers of what large tensors and tiles need. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

export function init(options: InitOptions = {}): Promise<Context> {
  return initWithHelp(options, BROWSER_HELP);
}

/** init() whose "no adapter" errors end with `help` (the Node entry's advice differs from a browser's). */
export async function initWithHelp(options: InitOptions, help: string): Promise<Context> {
  if (current) return current;
  if (!pending) pending = createContext(options, help).finally(() => (pending = null));
  current = await pending;
  return current;
}

async function createContext(options: InitOptions, help: string): Promise<Context> {
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error(`No WebGPU: navigator.gpu is missing. ${help}`);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new Error(`No WebGPU adapter found. ${help}`);

  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const features = (['timestamp-query', 'subgroups', 'shader-f16'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features, label: 'wgslnet' });

  // Errors belong to the device in use: a released or lost one's late reports are dropped, and a
  // new device starts with none (its tensors and buffer pool are its own too; see tensor.ts).
  deviceErrors.length = 0;
  lostBecause = null;
  device.lost.then((info) => {
    if (current?.device !== device) return;
    current = null;
    lostBecause = `the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
  });
  device.addEventListener('uncapturederror', (event) => {
    if (current !== null && current.device !== device) return;
    const message = (event as GPUUncapturedErrorEvent).error.message;
    // Follow-on errors of one already reported (e.g. using a pipeline whose shader failed) add nothing.
    if (/invalid due to a previous error/.test(message)) return;
    deviceErrors.push(new Error(`WebGPU error: ${message}`));
  });

  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const isSoftware = /llvmpipe|lavapipe|swiftshader|warp|software|cpu/i.test(description) || (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    device,
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isSoftware },
    limits: device.limits,
    features: new Set<string>(features),
  };
}

/** The initialised context; throws when `init()` has not been awaited. */
export function context(): Context {
  if (!current) throw new Error(lostBecause ? `${lostBecause}; call \`await init()\` for a new one.` : 'wgslnet is not initialised: call `await init()` first.');
  return current;
}

/** The initialised context's device, or null (before init(), after release() or a lost device). */
export function currentDevice(): GPUDevice | null {
  return current?.device ?? null;
}

/** Throws (once) the first WebGPU error the device reported since the last check. */
export function throwDeviceErrors(): void {
  if (deviceErrors.length === 0) return;
  const [first, ...rest] = deviceErrors.splice(0);
  if (rest.length) first.message += ` (and ${rest.length} more error${rest.length > 1 ? 's' : ''})`;
  throw first;
}

/** A one-line name of the adapter, for logs and benchmark tables. */
export function adapterName(): string {
  const a = context().adapter;
  return [a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' / ') || 'unknown adapter';
}

/** Releases the device so that a Node process can exit (a live Dawn device keeps the event loop alive). */
export function release(): void {
  const device = current?.device;
  current = null;
  lostBecause = null;
  device?.destroy();
}
